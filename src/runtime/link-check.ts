/**
 * A program's linkage, checked at load as wasmtime's linker checks it — before the module is
 * instantiated, so a mismatch is one clear message instead of a program that runs with its
 * arguments silently converted (a JS import accepts any call: missing arguments arrive as
 * undefined, extra ones are dropped, an i64 arrives as a BigInt where a number was meant).
 *
 *   checkLinkage(bytes) → null when the module may run, else one line saying why not:
 *     - every import is a function Keel provides (wasi_snapshot_preview1.*, keel.*), by its own
 *       name (never a name inherited from Object.prototype);
 *     - each has exactly the signature declared beside its implementation
 *       (WASI_PREVIEW1_SIGNATURES in wasi/wasi-shim.ts, KEEL_SIGNATURES in keel/keel-imports.ts);
 *       else "incompatible import type for `MODULE::NAME`: expected func of type `(…) -> (…)`,
 *       found func of type `(…) -> (…)`", wasmtime's words;
 *     - the entry points it exports, `_start` (a command) and `_initialize` (a reactor's), are
 *       functions of type () -> ().
 * Used by the program loader (programs loaded inside Keel) and by the library API (programs given
 * as bytes or a host path). A module given already compiled has no bytes to read: only its import
 * names are checked (thread/wasm-process.ts).
 */

import { KEEL_SIGNATURES } from '../abi/signatures.js';
import { WASI_PREVIEW1_SIGNATURES } from '../abi/signatures.js';
import { type LinkItem, formatSignature, readLinkage, sameSignature } from './wasm-module-reader.js';
import { type FuncSig } from '../abi/signatures.js';

/** What Keel provides, by import module and name. */
const PROVIDED: Readonly<Record<string, Readonly<Record<string, FuncSig>>>> = {
  wasi_snapshot_preview1: WASI_PREVIEW1_SIGNATURES,
  keel: KEEL_SIGNATURES,
};

const ENTRY_POINTS = ['_start', '_initialize'] as const;
const NO_ARGS_NO_RESULTS: FuncSig = { params: [], results: [] };

/** The signature Keel provides for `module`.`name`, if it provides one (own properties only). */
export function providedSignature(module: string, name: string): FuncSig | undefined {
  const functions = Object.hasOwn(PROVIDED, module) ? PROVIDED[module]! : undefined;
  return functions && Object.hasOwn(functions, name) ? functions[name] : undefined;
}

function found(item: LinkItem): string {
  return item.kind === 'function' && item.type ? `func of type \`${formatSignature(item.type)}\`` : `a ${item.kind}`;
}

/** null when the module at `bytes` links against Keel; else the reason, one line. */
export function checkLinkage(bytes: Uint8Array): string | null {
  const linkage = readLinkage(bytes);
  if (typeof linkage === 'string') return `cannot read its imports: ${linkage}`;
  for (const item of linkage.imports) {
    const expected = providedSignature(item.module, item.name);
    if (!expected) return `imports ${item.module}.${item.name}, which Keel does not provide`;
    if (item.kind !== 'function' || !item.type || !sameSignature(item.type, expected)) {
      return `incompatible import type for \`${item.module}::${item.name}\`: expected func of type \`${formatSignature(expected)}\`, found ${found(item)}`;
    }
  }
  for (const entry of ENTRY_POINTS) {
    const item = linkage.exports.find((e) => e.name === entry);
    if (item && (item.kind !== 'function' || !item.type || !sameSignature(item.type, NO_ARGS_NO_RESULTS))) {
      return `entry point \`${entry}\` must be a func of type \`() -> ()\`, found ${found(item)}`;
    }
  }
  return null;
}

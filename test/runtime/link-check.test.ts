/**
 * The module reader and the link check (src/abi/wasm-module-reader.ts, src/abi/link-check.ts):
 * every C program Keel builds links; hand-assembled modules with a wrong import signature, a
 * non-function import, an import named like an Object.prototype property, or an entry point with
 * a parameter are refused with one line naming what is wrong; the signature tables agree with the
 * functions they describe; and malformed bytes give a message, never an exception.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLinkage } from '../../src/runtime/link-check.js';
import { readLinkage } from '../../src/runtime/wasm-module-reader.js';
import { WASI_PREVIEW1_SIGNATURES } from '../../src/abi/signatures.js';
import { keelFunctions } from '../../src/runtime/keel/keel-imports.js';
import { KEEL_SIGNATURES } from '../../src/abi/signatures.js';
import { fdFunctions } from '../../src/runtime/wasi/wasi-fd.js';
import { miscFunctions } from '../../src/runtime/wasi/wasi-misc.js';
import { pathFunctions } from '../../src/runtime/wasi/wasi-path.js';
import type { ShimContext } from '../../src/runtime/shim-context.js';
import { call, i32Const, tinyModule } from '../support/wasm-bytes.js';

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));

function wasmFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? wasmFiles(p) : e.name.endsWith('.wasm') ? [p] : [];
  });
}

test('every C program Keel builds links, and the reader sees its imports as the engine does', () => {
  const files = wasmFiles(build);
  assert.ok(files.length > 20, `built programs in ${build}`);
  for (const f of files) {
    const bytes = readFileSync(f);
    assert.equal(checkLinkage(bytes), null, f);
    const linkage = readLinkage(bytes);
    assert.ok(typeof linkage !== 'string', f);
    const engine = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
    assert.deepEqual(linkage.imports.map((i) => `${i.module}.${i.name}:${i.kind}`), engine.map((i) => `${i.module}.${i.name}:${i.kind}`), f);
  }
});

const procExit = { module: 'wasi_snapshot_preview1', name: 'proc_exit', params: ['i32'] } as const;

test('a module that matches links', () => {
  const bytes = tinyModule({ imports: [procExit], start: { body: [...i32Const(7), ...call(0)] } });
  assert.equal(checkLinkage(bytes), null);
});

test('an import with the wrong signature is refused, naming it and both signatures', () => {
  const fdWrite = tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'fd_write', params: ['i32'], results: ['i32'] }], start: { body: [] } });
  assert.equal(checkLinkage(fdWrite),
    'incompatible import type for `wasi_snapshot_preview1::fd_write`: expected func of type `(i32, i32, i32, i32) -> (i32)`, found func of type `(i32) -> (i32)`');
  const noResult = tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'fd_close', params: ['i32'] }], start: { body: [] } });
  assert.match(checkLinkage(noResult) ?? '', /fd_close`: expected func of type `\(i32\) -> \(i32\)`, found func of type `\(i32\) -> \(\)`$/);
  const i32ForI64 = tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'fd_seek', params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] }], start: { body: [] } });
  assert.match(checkLinkage(i32ForI64) ?? '', /fd_seek`: expected func of type `\(i32, i64, i32, i32\) -> \(i32\)`/);
  const keelSpawn = tinyModule({ imports: [{ module: 'keel', name: 'spawn', params: ['i32', 'i32'], results: ['i32'] }], start: { body: [] } });
  assert.match(checkLinkage(keelSpawn) ?? '', /^incompatible import type for `keel::spawn`: expected func of type `\((i32, ){9}i32\) -> \(i32\)`, found func of type `\(i32, i32\) -> \(i32\)`$/);
});

test('an entry point with a parameter or a result is refused', () => {
  assert.equal(checkLinkage(tinyModule({ start: { params: ['i32'], body: [] } })),
    'entry point `_start` must be a func of type `() -> ()`, found func of type `(i32) -> ()`');
  assert.equal(checkLinkage(tinyModule({ start: { results: ['i32'], body: i32Const(0) } })),
    'entry point `_start` must be a func of type `() -> ()`, found func of type `() -> (i32)`');
  assert.equal(checkLinkage(tinyModule({ exportAs: '_initialize', start: { params: ['i64'], body: [] } })),
    'entry point `_initialize` must be a func of type `() -> ()`, found func of type `(i64) -> ()`');
});

test('names Keel does not provide are refused, those inherited by every object included', () => {
  for (const [module, name] of [['env', 'f'], ['wasi_snapshot_preview1', 'toString'], ['keel', 'constructor'], ['wasi_snapshot_preview1', '__proto__'], ['hasOwnProperty', 'x']]) {
    const bytes = tinyModule({ imports: [{ module: module!, name: name!, results: ['i32'] }], start: { body: [] } });
    assert.equal(checkLinkage(bytes), `imports ${module}.${name}, which Keel does not provide`);
  }
});

test('a memory imported under a function\'s name is refused', () => {
  // (import "wasi_snapshot_preview1" "fd_close" (memory 1)), assembled by hand.
  const enc = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
  const importSection = [1, ...enc('wasi_snapshot_preview1'), ...enc('fd_close'), 0x02, 0x00, 0x01];
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, importSection.length, ...importSection]);
  assert.equal(checkLinkage(bytes), 'incompatible import type for `wasi_snapshot_preview1::fd_close`: expected func of type `(i32) -> (i32)`, found a memory');
});

test('malformed bytes give a message, never an exception', () => {
  const good = tinyModule({ imports: [procExit], start: { body: [] } });
  // Cut anywhere: a message, or null where the cut falls between sections (a shorter valid module).
  for (let cut = 0; cut < good.length; cut++) {
    const r = checkLinkage(good.subarray(0, cut));
    assert.ok(r === null || typeof r === 'string', `cut at ${cut}`);
  }
  assert.match(checkLinkage(good.subarray(0, 12)) ?? '', /^cannot read its imports: /, 'a cut inside the type section');
  assert.match(checkLinkage(new Uint8Array([1, 2, 3])) ?? '', /^cannot read its imports: not a WebAssembly module$/);
  for (let i = 0; i < 2000; i++) {
    const noisy = good.slice();
    noisy[8 + (i % (good.length - 8))] = (i * 37) & 0xff;
    const r = checkLinkage(noisy);
    assert.ok(r === null || typeof r === 'string');
  }
});

test('each signature table has exactly the functions it describes, with their parameter counts', () => {
  const ctx = {} as ShimContext;
  const wasi: Record<string, (...a: never[]) => number> = { ...miscFunctions(ctx), ...fdFunctions(ctx), ...pathFunctions(ctx) };
  assert.deepEqual(Object.keys(wasi).sort(), Object.keys(WASI_PREVIEW1_SIGNATURES).sort());
  for (const [name, sig] of Object.entries(WASI_PREVIEW1_SIGNATURES)) assert.equal(wasi[name]!.length, sig.params.length, name);
  const keel: Record<string, (...a: never[]) => number> = keelFunctions(ctx, null);
  assert.deepEqual(Object.keys(keel).sort(), Object.keys(KEEL_SIGNATURES).sort());
  for (const [name, sig] of Object.entries(KEEL_SIGNATURES)) assert.equal(keel[name]!.length, sig.params.length, name);
});

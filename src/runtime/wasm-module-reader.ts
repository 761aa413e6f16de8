/**
 * A small reader of WebAssembly module bytes: the section walk, and what linking needs that
 * WebAssembly.Module.imports() does not give — each function import's and export's type.
 *
 *   readLinkage(bytes) → { imports: [{ module, name, kind, type? }], exports: [{ name, kind, type? }] }
 *                        (type: the function's signature, for function imports and exports), or a
 *                        message saying why the bytes could not be read
 *   formatSignature(sig) → "(i32, i64) -> (i32)", the way wasmtime writes function types
 *
 * It reads the type (1), import (2), function (3) and export (7) sections and skips every other
 * by its length. Type forms beyond plain function types (the GC proposal's rec/sub/struct/array)
 * are not read: such a module is reported as unreadable rather than guessed at. It is meant for
 * bytes the engine has compiled (so already valid); every read is still bounds-checked and a
 * malformed module gives a message, never an exception.
 */

import type { FuncSig, ValType } from '../abi/signatures.js';


export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface LinkItem {
  readonly name: string;
  readonly kind: ExternKind;
  /** The signature of a function (or of a tag's payload); undefined for the other kinds. */
  readonly type?: FuncSig;
}

export interface ImportItem extends LinkItem {
  readonly module: string;
}

export interface Linkage {
  readonly imports: readonly ImportItem[];
  readonly exports: readonly LinkItem[];
}

const VAL_TYPES: Readonly<Record<number, ValType>> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};
const KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
const FUNC_FORM = 0x60;
const HAS_MAX = 0x01;
const Section = { TYPE: 1, IMPORT: 2, FUNCTION: 3, EXPORT: 7 } as const;

/** A malformed or unreadable module (caught by readLinkage). */
class Unreadable extends Error {}

/** Sequential reads from module bytes; each throws RangeError past the end. */
export class WasmReader {
  constructor(readonly bytes: Uint8Array, public pos: number) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('unexpected end of module');
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 number (up to 2^53, enough for memory64 page counts). */
  leb(): number {
    let result = 0, scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new RangeError('LEB128 number too long');
  }

  /** A name: a length, then that many bytes of UTF-8 (the engine has checked them). */
  name(): string {
    const n = this.leb();
    if (this.pos + n > this.bytes.length) throw new RangeError('unexpected end of module');
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  valType(): ValType {
    const b = this.byte();
    const t = VAL_TYPES[b];
    if (!t) throw new Unreadable(`value type 0x${b.toString(16)} is not one this reader knows`);
    return t;
  }

  limits(): void {
    const flags = this.byte();
    this.leb();
    if (flags & HAS_MAX) this.leb();
  }
}

/** Each section of a module: its id and the reader positioned at its body, up to `end`. */
export function* sections(bytes: Uint8Array): Generator<{ id: number; body: WasmReader; end: number }> {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Unreadable('not a WebAssembly module');
  const r = new WasmReader(bytes, 8);
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.leb();
    const end = r.pos + size;
    if (end > bytes.length) throw new RangeError('a section runs past the end of the module');
    yield { id, body: new WasmReader(bytes.subarray(0, end), r.pos), end };
    r.pos = end;
  }
}

function readTypes(r: WasmReader): FuncSig[] {
  const types: FuncSig[] = [];
  for (let n = r.leb(); n > 0; n--) {
    const form = r.byte();
    if (form !== FUNC_FORM) throw new Unreadable(`type form 0x${form.toString(16)} (not a plain function type)`);
    const params: ValType[] = [];
    for (let k = r.leb(); k > 0; k--) params.push(r.valType());
    const results: ValType[] = [];
    for (let k = r.leb(); k > 0; k--) results.push(r.valType());
    types.push({ params, results });
  }
  return types;
}

/** The signatures, imports and exports of a module, or why they could not be read. */
export function readLinkage(bytes: Uint8Array): Linkage | string {
  try {
    let types: FuncSig[] = [];
    const imports: ImportItem[] = [];
    /** Type index of every function, imported ones first (the function index space). */
    const funcTypes: number[] = [];
    const rawExports: Array<{ name: string; kind: ExternKind; index: number }> = [];
    const typeAt = (i: number): FuncSig => {
      const t = types[i];
      if (!t) throw new Unreadable(`type index ${i} out of range`);
      return t;
    };
    for (const { id, body: r, end } of sections(bytes)) {
      if (id === Section.TYPE) types = readTypes(r);
      else if (id === Section.IMPORT) {
        for (let n = r.leb(); n > 0; n--) {
          const module = r.name(), name = r.name();
          const kind = KINDS[r.byte()];
          if (!kind) throw new Unreadable(`import ${module}.${name} has an unknown kind`);
          if (kind === 'function') {
            const t = r.leb();
            funcTypes.push(t);
            imports.push({ module, name, kind, type: typeAt(t) });
          } else if (kind === 'table') {
            r.valType();
            r.limits();
            imports.push({ module, name, kind });
          } else if (kind === 'memory') {
            r.limits();
            imports.push({ module, name, kind });
          } else if (kind === 'global') {
            r.valType();
            r.byte();
            imports.push({ module, name, kind });
          } else {
            r.byte();
            imports.push({ module, name, kind, type: typeAt(r.leb()) });
          }
        }
      } else if (id === Section.FUNCTION) {
        for (let n = r.leb(); n > 0; n--) funcTypes.push(r.leb());
      } else if (id === Section.EXPORT) {
        for (let n = r.leb(); n > 0; n--) {
          const name = r.name();
          const kind = KINDS[r.byte()];
          if (!kind) throw new Unreadable(`export ${name} has an unknown kind`);
          rawExports.push({ name, kind, index: r.leb() });
        }
      } else continue;
      if (r.pos !== end) throw new Unreadable(`section ${id} is not the length it says`);
    }
    const exports = rawExports.map(({ name, kind, index }): LinkItem => {
      if (kind !== 'function') return { name, kind };
      const t = funcTypes[index];
      if (t === undefined) throw new Unreadable(`export ${name} names function ${index}, which does not exist`);
      return { name, kind, type: typeAt(t) };
    });
    return { imports, exports };
  } catch (e) {
    if (e instanceof Unreadable || e instanceof RangeError) return e.message;
    throw e;
  }
}

/** `(i32, i64) -> (i32)`: a signature as wasmtime writes one. */
export function formatSignature(sig: FuncSig): string {
  return `(${sig.params.join(', ')}) -> (${sig.results.join(', ')})`;
}

/** Do two signatures have the same parameter and result types? */
export function sameSignature(a: FuncSig, b: FuncSig): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length
    && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

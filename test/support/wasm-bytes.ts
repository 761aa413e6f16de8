/**
 * Hand-assembled WebAssembly modules for tests: a few bytes in the binary format, enough to give a
 * module exactly the imports, types and entry point a test needs (a wrong signature, a `_start`
 * with a parameter) without a toolchain.
 *
 *   tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'proc_exit', params: ['i32'] }],
 *                start: { params: [], body: [...i32Const(7), ...call(0)] } })
 *
 * Every module exports one page of memory as `memory` and its one defined function as `_start`
 * (or `exportAs`). Bodies are raw instruction bytes (helpers below); locals are not supported.
 */

type Val = 'i32' | 'i64' | 'f32' | 'f64';
const VAL: Record<Val, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

export interface Sig {
  readonly params?: readonly Val[];
  readonly results?: readonly Val[];
}

export interface TinyModule {
  readonly imports?: ReadonlyArray<Sig & { readonly module: string; readonly name: string }>;
  readonly start: Sig & { readonly body: readonly number[] };
  /** The name `start` is exported under (default `_start`). */
  readonly exportAs?: string;
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...leb(b.length), ...b];
};
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const funcType = (s: Sig): number[] => [0x60, ...vec((s.params ?? []).map((t) => [VAL[t]])), ...vec((s.results ?? []).map((t) => [VAL[t]]))];

/** The module's bytes. Function 0..n-1 are the imports in order; the defined function is n. */
export function tinyModule(m: TinyModule): Uint8Array {
  const imports = m.imports ?? [];
  const types = [...imports.map(funcType), funcType(m.start)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports.map((imp, i) => [...name(imp.module), ...name(imp.name), 0x00, ...leb(i)]))),
    ...section(3, vec([leb(imports.length)])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(7, vec([[...name('memory'), 0x02, 0x00], [...name(m.exportAs ?? '_start'), 0x00, ...leb(imports.length)]])),
    ...section(10, vec([[...leb(m.start.body.length + 2), 0x00, ...m.start.body, 0x0b]])),
  ];
  return new Uint8Array(bytes);
}

export const i32Const = (n: number): number[] => [0x41, ...sleb(n)];
export const call = (fn: number): number[] => [0x10, ...leb(fn)];
export const drop = (): number[] => [0x1a];

/**
 * Protocols declared once, as typed data.
 *
 * A protocol names its operations; each operation has a label and typed request and reply
 * fields. From that one declaration come the wire layout (which register or bulk range holds each
 * field), a client stub (`ProtocolClient`), a server dispatch table (`serveProtocol`) and the
 * docs. Layout rules:
 *   - register 0 is reserved: 0 in a request, the service's status in a reply (0 = success);
 *   - number fields (`u32`, `i32`, `f64`) take the next registers in declaration order; a `u64`
 *     (a bigint, e.g. a nanosecond timestamp) takes two: low and high 32 bits;
 *   - `str`, `bytes` and `u32s` fields are packed one after another into the bulk buffer, each
 *     described by two registers (offset, length) that follow the number fields.
 * Decoding checks every offset and length against the bulk buffer, so a malformed message is an
 * error status, never an out-of-bounds access.
 */

/** Message registers per call slot: the most a request or reply may fill. */
export const MR_COUNT = 32;


export type FieldKind = 'u32' | 'i32' | 'f64' | 'u64' | 'str' | 'bytes' | 'u32s';

interface KindTypes {
  u32: number;
  i32: number;
  f64: number;
  u64: bigint;
  str: string;
  bytes: Uint8Array;
  u32s: number[];
}

export type Fields = Readonly<Record<string, FieldKind>>;
export type Decoded<F extends Fields> = { -readonly [K in keyof F]: KindTypes[F[K]] };

export interface OpSpec {
  readonly label: number;
  readonly request: Fields;
  readonly reply: Fields;
  readonly doc?: string;
}

export interface Protocol<Ops extends Readonly<Record<string, OpSpec>>> {
  readonly name: string;
  readonly ops: Ops;
  readonly byLabel: ReadonlyMap<number, { readonly name: string; readonly layout: OpLayout }>;
  readonly layouts: { readonly [K in keyof Ops]: OpLayout };
}

/** Where each field of one message lives. */
export interface MessageLayout {
  /** Number fields: name → register index. */
  readonly regs: Readonly<Record<string, number>>;
  /** Bulk fields: name → [offset register, length register]. */
  readonly bulk: Readonly<Record<string, readonly [number, number]>>;
  readonly fields: Fields;
  /** The same, as flat lists in wire order, for the encode/decode loops. */
  readonly numberList: readonly { readonly name: string; readonly reg: number; readonly kind: FieldKind }[];
  readonly bulkList: readonly { readonly name: string; readonly offReg: number; readonly lenReg: number; readonly kind: FieldKind }[];
}

export interface OpLayout {
  readonly label: number;
  readonly request: MessageLayout;
  readonly reply: MessageLayout;
}

function layoutOf(fields: Fields, where: string): MessageLayout {
  const regs: Record<string, number> = {};
  const bulk: Record<string, readonly [number, number]> = {};
  let next = 1;
  for (const [name, kind] of Object.entries(fields)) {
    if (kind === 'u32' || kind === 'i32' || kind === 'f64') regs[name] = next++;
    else if (kind === 'u64') {
      regs[name] = next;
      next += 2;
    }
  }
  for (const [name, kind] of Object.entries(fields)) {
    if (kind === 'str' || kind === 'bytes' || kind === 'u32s') {
      bulk[name] = [next, next + 1];
      next += 2;
    }
  }
  if (next > MR_COUNT) throw new Error(`${where}: needs ${next} registers, only ${MR_COUNT} exist`);
  const numberList = Object.entries(regs).map(([name, reg]) => ({ name, reg, kind: fields[name]! }));
  const bulkList = Object.entries(bulk).map(([name, [offReg, lenReg]]) => ({ name, offReg, lenReg, kind: fields[name]! }));
  return { regs, bulk, fields, numberList, bulkList };
}

export function defineProtocol<const Ops extends Readonly<Record<string, OpSpec>>>(name: string, ops: Ops): Protocol<Ops> {
  const byLabel = new Map<number, { name: string; layout: OpLayout }>();
  const layouts: Record<string, OpLayout> = {};
  for (const [opName, spec] of Object.entries(ops)) {
    if (byLabel.has(spec.label)) throw new Error(`${name}: label ${spec.label} used twice`);
    const layout: OpLayout = {
      label: spec.label,
      request: layoutOf(spec.request, `${name}.${opName} request`),
      reply: layoutOf(spec.reply, `${name}.${opName} reply`),
    };
    byLabel.set(spec.label, { name: opName, layout });
    layouts[opName] = layout;
  }
  return { name, ops, byLabel, layouts: layouts as Protocol<Ops>['layouts'] };
}

const encoder = new TextEncoder();
// ignoreBOM: a string that begins with U+FEFF keeps it (a name "\uFEFFx" is not the name "x").
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Thrown by `encode` when a message does not fit the bulk buffer; callers turn it into a status. */
export class MessageTooLarge extends Error {}

/** Write `values` into registers and bulk by `layout`. Register 0 is left to the caller. */
export function encode(layout: MessageLayout, values: Readonly<Record<string, unknown>>, regs: Float64Array, bulk: Uint8Array): void {
  const nums = layout.numberList;
  for (let i = 0; i < nums.length; i++) {
    const f = nums[i]!;
    if (f.kind === 'u64') {
      const v = BigInt.asUintN(64, BigInt((values[f.name] as bigint | number | undefined) ?? 0));
      regs[f.reg] = Number(v & 0xffffffffn);
      regs[f.reg + 1] = Number(v >> 32n);
    } else regs[f.reg] = Number(values[f.name] ?? 0);
  }
  const bulks = layout.bulkList;
  let offset = 0;
  for (let i = 0; i < bulks.length; i++) {
    const f = bulks[i]!;
    const v = values[f.name];
    let bytes: Uint8Array;
    if (f.kind === 'str') bytes = encoder.encode(String(v ?? ''));
    else if (f.kind === 'u32s') {
      // Written in place: an empty list (the common case of open's `words`) costs two registers.
      const list = (v as readonly number[] | undefined) ?? [];
      const length = list.length * 4;
      if (offset + length > bulk.length) throw new MessageTooLarge(`field ${f.name}: ${length} bytes do not fit`);
      if (length > 0) {
        const dv = new DataView(bulk.buffer, bulk.byteOffset + offset, length);
        for (let j = 0; j < list.length; j++) dv.setUint32(j * 4, list[j]! >>> 0, true);
      }
      regs[f.offReg] = offset;
      regs[f.lenReg] = length;
      offset += length;
      continue;
    } else bytes = (v as Uint8Array | undefined) ?? new Uint8Array(0);
    if (offset + bytes.length > bulk.length) throw new MessageTooLarge(`field ${f.name}: ${bytes.length} bytes do not fit`);
    bulk.set(bytes, offset);
    regs[f.offReg] = offset;
    regs[f.lenReg] = bytes.length;
    offset += bytes.length;
  }
}

/**
 * Read a message by `layout`. Returns null if a bulk range is out of bounds. `bytes` fields are
 * views into the bulk buffer (valid until the slot's next call); strings and arrays are copies.
 */
export function decode<F extends Fields>(layout: MessageLayout, regs: Float64Array, bulk: Uint8Array): Decoded<F> | null {
  const out: Record<string, unknown> = {};
  const nums = layout.numberList;
  for (let i = 0; i < nums.length; i++) {
    const f = nums[i]!;
    const v = regs[f.reg]!;
    if (f.kind === 'u64') out[f.name] = (BigInt(regs[f.reg + 1]! >>> 0) << 32n) | BigInt(v >>> 0);
    else out[f.name] = f.kind === 'u32' ? v >>> 0 : f.kind === 'i32' ? v | 0 : v;
  }
  const bulks = layout.bulkList;
  for (let i = 0; i < bulks.length; i++) {
    const f = bulks[i]!;
    const off = regs[f.offReg]!;
    const len = regs[f.lenReg]!;
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > bulk.length) return null;
    if (f.kind === 'u32s' && len === 0) {
      // An empty list (the common case of open's `words`) needs no view of the bulk.
      out[f.name] = [];
      continue;
    }
    const view = bulk.subarray(off, off + len);
    if (f.kind === 'str') out[f.name] = decoder.decode(view.slice());
    else if (f.kind === 'u32s') {
      if (len % 4 !== 0) return null;
      const copy = view.slice();
      const dv = new DataView(copy.buffer);
      out[f.name] = Array.from({ length: len / 4 }, (_, j) => dv.getUint32(j * 4, true));
    } else out[f.name] = view;
  }
  return out as Decoded<F>;
}

/**
 * Protocols declared once, as typed data.
 *
 * A protocol names its operations; each operation has a label and typed request and reply
 * fields. From that one declaration come the wire layout (which register or bulk range holds each
 * field), a client stub (`ProtocolClient`), a server dispatch table (`serveProtocol`) and the
 * docs. Layout rules:
 *   - register 0 is reserved: 0 in a request, the service's status in a reply (0 = success);
 *   - number fields (`u32`, `i32`, `f64`) take the next registers in declaration order;
 *   - `str`, `bytes` and `u32s` fields are packed one after another into the bulk buffer, each
 *     described by two registers (offset, length) that follow the number fields.
 * Decoding checks every offset and length against the bulk buffer, so a malformed message is an
 * error status, never an out-of-bounds access.
 */

import { MR_COUNT } from './arena.js';

export type FieldKind = 'u32' | 'i32' | 'f64' | 'str' | 'bytes' | 'u32s';

interface KindTypes {
  u32: number;
  i32: number;
  f64: number;
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
  }
  for (const [name, kind] of Object.entries(fields)) {
    if (kind === 'str' || kind === 'bytes' || kind === 'u32s') {
      bulk[name] = [next, next + 1];
      next += 2;
    }
  }
  if (next > MR_COUNT) throw new Error(`${where}: needs ${next} registers, only ${MR_COUNT} exist`);
  return { regs, bulk, fields };
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
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Thrown by `encode` when a message does not fit the bulk buffer; callers turn it into a status. */
export class MessageTooLarge extends Error {}

/** Write `values` into registers and bulk by `layout`. Register 0 is left to the caller. */
export function encode(layout: MessageLayout, values: Readonly<Record<string, unknown>>, regs: Float64Array, bulk: Uint8Array): void {
  for (const name in layout.regs) regs[layout.regs[name]!] = Number(values[name] ?? 0);
  let offset = 0;
  for (const name in layout.bulk) {
    const [offReg, lenReg] = layout.bulk[name]!;
    const kind = layout.fields[name];
    const v = values[name];
    let bytes: Uint8Array;
    if (kind === 'str') bytes = encoder.encode(String(v ?? ''));
    else if (kind === 'u32s') {
      const list = (v as readonly number[] | undefined) ?? [];
      bytes = new Uint8Array(list.length * 4);
      const dv = new DataView(bytes.buffer);
      list.forEach((n, i) => dv.setUint32(i * 4, n >>> 0, true));
    } else bytes = (v as Uint8Array | undefined) ?? new Uint8Array(0);
    if (offset + bytes.length > bulk.length) throw new MessageTooLarge(`field ${name}: ${bytes.length} bytes do not fit`);
    bulk.set(bytes, offset);
    regs[offReg] = offset;
    regs[lenReg] = bytes.length;
    offset += bytes.length;
  }
}

/**
 * Read a message by `layout`. Returns null if a bulk range is out of bounds. `bytes` fields are
 * views into the bulk buffer (valid until the slot's next call); strings and arrays are copies.
 */
export function decode<F extends Fields>(layout: MessageLayout, regs: Float64Array, bulk: Uint8Array): Decoded<F> | null {
  const out: Record<string, unknown> = {};
  for (const name in layout.regs) {
    const kind = layout.fields[name];
    const v = regs[layout.regs[name]!]!;
    out[name] = kind === 'u32' ? v >>> 0 : kind === 'i32' ? v | 0 : v;
  }
  for (const name in layout.bulk) {
    const [offReg, lenReg] = layout.bulk[name]!;
    const off = regs[offReg]!;
    const len = regs[lenReg]!;
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > bulk.length) return null;
    const kind = layout.fields[name];
    const view = bulk.subarray(off, off + len);
    if (kind === 'str') out[name] = decoder.decode(view.slice());
    else if (kind === 'u32s') {
      if (len % 4 !== 0) return null;
      const copy = view.slice();
      const dv = new DataView(copy.buffer);
      out[name] = Array.from({ length: len / 4 }, (_, i) => dv.getUint32(i * 4, true));
    } else out[name] = view;
  }
  return out as Decoded<F>;
}

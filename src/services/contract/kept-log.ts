/**
 * Kept memory: shared memory that outlives a service's worker, holding a log of what the service
 * holds, so the instance the supervisor starts after a crash re-attaches it and loses nothing
 * (MINIX 3's data store; docs/restart.md). tmpfs keeps its tree here (tmpfs/kept-tmpfs.ts).
 *
 * The system makes it once per service of a kind with the `keepsState` trait placed in a worker
 * (system/wiring.ts) and gives the same memory to every incarnation in its configuration
 * (`keep`): a control block and two growable logs. A log is a sequence of records — an image of
 * the whole state (or how it was first made), then every change made since, in order. One log is
 * active; a compaction writes an image into the other and then switches to it.
 *
 * Record: u32 length (the whole record), u8 operation, 3 bytes of padding, i64 clock reading,
 * then its fields (f64 numbers, i64 times, u32-prefixed UTF-8 strings and byte strings).
 *
 * Invariants (a kill may stop the writer at any instruction):
 *   - a log's tail, in the control block, is stored (Atomics) only after every byte of the
 *     records before it is written: a record past the tail does not exist;
 *   - the active index is switched only after the other log's image and tail are complete;
 *   - only one instance writes at a time (the supervisor starts the next once the last one's
 *     thread has stopped), and a record is appended only after its change was made without
 *     error, before the change is answered.
 */

import { decodeText, encodeInto } from '../../abi/text-codec.js';

/** The memory a service keeps itself in (structured-clone safe: shared buffers only). */
export interface KeptMemory {
  /** Int32 words: ACTIVE, STATUS, the two logs' tails. */
  readonly control: SharedArrayBuffer;
  readonly logs: readonly [SharedArrayBuffer, SharedArrayBuffer];
}

const ACTIVE = 0, STATUS = 1, TAIL = 2;
/** STATUS: nothing written yet; the active log holds the service's state; given up (too large to keep). */
export const KeepStatus = { EMPTY: 0, KEPT: 1, GIVEN_UP: 2 } as const;

/** Most bytes one log may grow to. */
export const LOG_MAX_BYTES = 0x7fff_0000;
const HEADER_BYTES = 16;
const FIRST_GROWTH = 64 * 1024;

/** The kept memory for one service, or null where the host has no growable shared memory. */
export function makeKeptMemory(maxLogBytes = LOG_MAX_BYTES): KeptMemory | null {
  try {
    const grow = (): SharedArrayBuffer => new SharedArrayBuffer(0, { maxByteLength: maxLogBytes });
    const logs = [grow(), grow()] as const;
    if (!logs[0].growable) return null;
    return { control: new SharedArrayBuffer(4 * 4), logs };
  } catch {
    return null;
  }
}

/**
 * Appends records to one log, at its tail. A record that cannot fit (the log at its maximum size)
 * is not appended: `end` answers false and the log is as before.
 */
export class LogWriter {
  private u8: Uint8Array;
  private view: DataView;
  /** The log's length now (views of fixed length over it: faster than length-tracking ones). */
  private capacity: number;
  /** The committed tail (this writer is the only one that moves it). */
  private committed: number;
  private start = 0;
  private pos = 0;
  /** The record being written did not fit. */
  private full = false;

  constructor(private readonly sab: SharedArrayBuffer, private readonly tailWord: Int32Array, private readonly tailIndex: number) {
    this.capacity = sab.byteLength;
    this.u8 = new Uint8Array(sab, 0, this.capacity);
    this.view = new DataView(sab, 0, this.capacity);
    this.committed = Atomics.load(tailWord, tailIndex);
  }

  /** The committed length of the log. */
  get tail(): number {
    return this.committed;
  }

  /** Empty the log (only the inactive one). */
  reset(): void {
    this.committed = 0;
    Atomics.store(this.tailWord, this.tailIndex, 0);
  }

  /** Start a record of operation `op` made at clock reading `now`. */
  begin(op: number, now: bigint): this {
    this.start = this.pos = this.committed;
    this.full = false;
    if (!this.room(HEADER_BYTES)) return this;
    this.view.setUint8(this.pos + 4, op);
    this.view.setBigInt64(this.pos + 8, now, true);
    this.pos += HEADER_BYTES;
    return this;
  }

  num(n: number): this {
    if (!this.room(8)) return this;
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
    return this;
  }

  time(t: bigint): this {
    if (!this.room(8)) return this;
    this.view.setBigInt64(this.pos, t, true);
    this.pos += 8;
    return this;
  }

  text(s: string): this {
    if (!this.room(4 + s.length * 3)) return this;
    const { written } = encodeInto(s, this.u8.subarray(this.pos + 4, this.pos + 4 + s.length * 3));
    this.view.setUint32(this.pos, written, true);
    this.pos += 4 + written;
    return this;
  }

  bytes(b: Uint8Array): this {
    if (!this.room(4 + b.length)) return this;
    this.view.setUint32(this.pos, b.length, true);
    this.u8.set(b, this.pos + 4);
    this.pos += 4 + b.length;
    return this;
  }

  /**
   * Make the record part of the log: its length, then the tail (a kill before this leaves no
   * trace of it). False if it did not fit: nothing was appended.
   */
  end(): boolean {
    if (this.full) return false;
    this.view.setUint32(this.start, this.pos - this.start, true);
    this.committed = this.pos;
    Atomics.store(this.tailWord, this.tailIndex, this.pos);
    return true;
  }

  /** Grow the log so `n` more bytes fit at the write position (doubling); false (the record marked full) if it cannot. */
  private room(n: number): boolean {
    const need = this.pos + n;
    if (need <= this.capacity) return !this.full;
    if (this.full || need > this.sab.maxByteLength) {
      this.full = true;
      return false;
    }
    if (need > this.sab.byteLength) this.sab.grow(Math.min(this.sab.maxByteLength, Math.max(need, FIRST_GROWTH, this.sab.byteLength * 2)));
    this.capacity = this.sab.byteLength;
    this.u8 = new Uint8Array(this.sab, 0, this.capacity);
    this.view = new DataView(this.sab, 0, this.capacity);
    return true;
  }
}

/** Reads one record's fields in the order they were written. */
export class RecordReader {
  op = 0;
  now = 0n;
  private pos = 0;
  private end = 0;
  private readonly decoder = new TextDecoder();

  constructor(private readonly u8: Uint8Array, private readonly view: DataView) {}

  /** Position on the record at `at`; its end. */
  at(at: number, tail: number): number {
    if (at + HEADER_BYTES > tail) throw new Error(`kept log: a record header at ${at} passes the tail ${tail}`);
    const length = this.view.getUint32(at, true);
    if (length < HEADER_BYTES || at + length > tail) throw new Error(`kept log: a record of ${length} bytes at ${at} passes the tail ${tail}`);
    this.op = this.view.getUint8(at + 4);
    this.now = this.view.getBigInt64(at + 8, true);
    this.pos = at + HEADER_BYTES;
    this.end = at + length;
    return this.end;
  }

  num(): number {
    this.need(8);
    const n = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return n;
  }

  time(): bigint {
    this.need(8);
    const t = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return t;
  }

  text(): string {
    return decodeText(this.decoder, this.bytesView());
  }

  /** A view on the record's next byte string (copy it to keep it). */
  bytesView(): Uint8Array {
    this.need(4);
    const n = this.view.getUint32(this.pos, true);
    this.need(4 + n);
    const b = this.u8.subarray(this.pos + 4, this.pos + 4 + n);
    this.pos += 4 + n;
    return b;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new Error(`kept log: a field passes the end of its record (operation ${this.op})`);
  }
}

/** The kept memory's control block and logs, as one instance of the service uses them. */
export class KeptLog {
  private readonly control: Int32Array;

  constructor(private readonly keep: KeptMemory) {
    this.control = new Int32Array(keep.control);
  }

  get status(): number {
    return Atomics.load(this.control, STATUS);
  }

  setStatus(s: number): void {
    Atomics.store(this.control, STATUS, s);
  }

  private get active(): number {
    return Atomics.load(this.control, ACTIVE);
  }

  /** A writer at the end of the active log. */
  activeWriter(): LogWriter {
    const i = this.active;
    return new LogWriter(this.keep.logs[i]!, this.control, TAIL + i);
  }

  /** A writer on the inactive log, emptied (to write an image into before `switchToSpare`). */
  spareWriter(): LogWriter {
    const i = 1 - this.active;
    const w = new LogWriter(this.keep.logs[i]!, this.control, TAIL + i);
    w.reset();
    return w;
  }

  /** Make the inactive log, holding a complete image, the active one. */
  switchToSpare(): void {
    Atomics.store(this.control, ACTIVE, 1 - this.active);
  }

  /** Start over: the active log emptied (status EMPTY until something is written). */
  clear(): void {
    this.setStatus(KeepStatus.EMPTY);
    Atomics.store(this.control, TAIL + this.active, 0);
  }

  /** Each record of the active log in order: `visit` reads its fields from the reader (`end`: where the record ends). */
  replay(visit: (r: RecordReader, end: number) => void): void {
    const sab = this.keep.logs[this.active]!;
    const tail = Atomics.load(this.control, TAIL + this.active);
    const reader = new RecordReader(new Uint8Array(sab), new DataView(sab));
    for (let at = 0; at < tail;) {
      at = reader.at(at, tail);
      visit(reader, at);
    }
  }
}

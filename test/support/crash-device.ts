/**
 * A block device that loses power: it keeps what a real disk keeps — every block written
 * before the last flush — and, at a crash, any subset of the writes since (a disk reorders
 * unflushed writes), chosen by a seeded generator. `crashAfter(n)` makes the n-th write or flush
 * from now throw, as the process dying mid-commit would (a crash at a flush leaves every write
 * before it in doubt: a torn transaction); `image()` is what the disk holds after the crash.
 */

import { BLOCK_SIZE, type BlockDevice, memoryDevice } from '../../src/services/diskfs/block-device.js';

export class CrashDevice implements BlockDevice {
  private readonly durable: ReturnType<typeof memoryDevice>;
  /** Writes since the last flush, in order. */
  private pending: { n: number; data: Uint8Array }[] = [];
  private writesLeft = Infinity;
  writes = 0;
  flushes = 0;

  constructor(readonly blockCount: number, from?: Uint8Array) {
    this.durable = memoryDevice(blockCount);
    if (from) this.durable.bytes.set(from);
  }

  /** The n-th write or flush from now (1 = the next) fails, and so does everything after it. */
  crashAfter(n: number): void {
    this.writesLeft = n;
  }

  get crashed(): boolean {
    return this.writesLeft <= 0;
  }

  read(n: number, into: Uint8Array): void {
    this.durable.read(n, into);
    for (const w of this.pending) if (w.n === n) into.set(w.data);
  }

  readRun(n: number, into: Uint8Array): void {
    for (let i = 0; i * BLOCK_SIZE < into.length; i++) this.read(n + i, into.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE));
  }

  write(n: number, data: Uint8Array): void {
    if (--this.writesLeft <= 0) throw new Error('device lost power');
    if (n < 0 || n >= this.blockCount || data.length !== BLOCK_SIZE) throw new RangeError(`bad write of block ${n}`);
    this.pending.push({ n, data: data.slice() });
    this.writes++;
  }

  /** Each block of a run is a write of its own: the disk may keep any subset of them. */
  writeRun(n: number, data: Uint8Array): void {
    for (let i = 0; i * BLOCK_SIZE < data.length; i++) this.write(n + i, data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE));
  }

  flush(): void {
    if (--this.writesLeft <= 0) throw new Error('device lost power');
    for (const w of this.pending) this.durable.write(w.n, w.data);
    this.pending = [];
    this.flushes++;
  }

  close(): void {}

  /** The disk after a crash now: the durable blocks plus the unflushed writes `keep` picks. */
  image(keep: (index: number) => boolean): Uint8Array {
    const out = this.durable.bytes.slice();
    this.pending.forEach((w, i) => { if (keep(i)) out.set(w.data, w.n * BLOCK_SIZE); });
    return out;
  }
}

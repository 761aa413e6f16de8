/**
 * The block bitmap, mirrored in memory: allocation searches the mirror, and every change is
 * copied into the bitmap block in the cache, so it is journaled with the operation that made it.
 *
 * Invariant: bit n of the mirror equals bit n of the bitmap as the next commit will write it.
 * Since the last commit it also knows which blocks it gave out that are free in the committed
 * state (`isNew`: nothing committed points at them, so a commit may write them in place) and
 * which committed blocks it took back (given out again before the commit, such a block is not new:
 * the committed state still points at it).
 */

import { BLOCK_SIZE } from './block-device.js';
import type { BlockCache } from './block-cache.js';
import type { Geometry } from './layout.js';

const BITS_PER_BLOCK = BLOCK_SIZE * 8;
/** Set bits in each byte value: the mount counts a 1 GiB image's 262,144 bits a byte at a time. */
const BITS_SET = Uint8Array.from({ length: 256 }, (_, v) => { let c = 0; for (let x = v; x; x &= x - 1) c++; return c; });

export class BlockAllocator {
  private readonly bits: Uint8Array;
  private used = 0;
  private goal: number;
  /** Given out since the last commit, free in the committed state. */
  private readonly fresh = new Set<number>();
  /** Freed since the last commit, in use in the committed state. */
  private readonly released = new Set<number>();

  constructor(private readonly g: Geometry, private readonly cache: BlockCache) {
    this.bits = new Uint8Array(g.bitmapBlocks * BLOCK_SIZE);
    for (let b = 0; b < g.bitmapBlocks; b++) this.bits.set(cache.read(g.bitmapStart + b), b * BLOCK_SIZE);
    this.used = this.countUsed(g.dataStart, g.blockCount);
    this.goal = g.dataStart;
  }

  /** Bits set from `from` up to `to`: whole bytes by table, the ends bit by bit. */
  private countUsed(from: number, to: number): number {
    let count = 0;
    let n = from;
    for (; n < to && (n & 7) !== 0; n++) if (this.isUsed(n)) count++;
    for (; n + 8 <= to; n += 8) count += BITS_SET[this.bits[n >> 3]!]!;
    for (; n < to; n++) if (this.isUsed(n)) count++;
    return count;
  }

  /** Data blocks in use. */
  get usedBlocks(): number {
    return this.used;
  }

  get dataBlocks(): number {
    return this.g.blockCount - this.g.dataStart;
  }

  isUsed(n: number): boolean {
    return (this.bits[n >> 3]! & (1 << (n & 7))) !== 0;
  }

  /** A free data block, now marked used (near `near` if given), or 0 when the device is full. */
  allocate(near = 0): number {
    const start = near >= this.g.dataStart && near < this.g.blockCount ? near : this.goal;
    const n = this.search(start, this.g.blockCount) || this.search(this.g.dataStart, start);
    if (n === 0) return 0;
    this.set(n, true);
    this.used++;
    this.goal = n + 1 < this.g.blockCount ? n + 1 : this.g.dataStart;
    if (!this.released.has(n)) this.fresh.add(n);
    return n;
  }

  /** Whether block `n` was given out since the last commit and is free in the committed state. */
  isNew(n: number): boolean {
    return this.fresh.has(n);
  }

  /** A commit made the mirror the committed state. */
  committed(): void {
    this.fresh.clear();
    this.released.clear();
  }

  free(n: number): void {
    if (n < this.g.dataStart || n >= this.g.blockCount || !this.isUsed(n)) throw new Error(`diskfs: freeing block ${n}, which is not an allocated data block`);
    this.set(n, false);
    this.used--;
    if (!this.fresh.delete(n)) this.released.add(n);
  }

  private search(from: number, to: number): number {
    let n = from;
    while (n < to) {
      if ((n & 7) === 0 && this.bits[n >> 3] === 0xff) {
        n += 8;
        continue;
      }
      if (!this.isUsed(n)) return n;
      n++;
    }
    return 0;
  }

  private set(n: number, on: boolean): void {
    const byte = n >> 3;
    this.bits[byte] = on ? this.bits[byte]! | (1 << (n & 7)) : this.bits[byte]! & ~(1 << (n & 7));
    const block = Math.floor(n / BITS_PER_BLOCK);
    this.cache.modify(this.g.bitmapStart + block)[byte - block * BLOCK_SIZE] = this.bits[byte]!;
  }
}

/**
 * Where a file's bytes are: logical block i of an inode maps through DIRECT pointers, then one
 * indirect block of POINTERS_PER_BLOCK pointers, then a double indirect block. Pointer 0 is a
 * hole. Mapping may allocate (zeroed blocks, pointer blocks included); `truncateBlocks` releases
 * every block from a logical index on, and the pointer blocks left empty.
 *
 * Invariant: the bytes of a file's last block past its size are zero, so a file grown later
 * reads zeros there (diskfs zeroes the tail on truncate; new blocks are zeroed).
 */

import type { BlockAllocator } from './block-allocator.js';
import type { BlockCache } from './block-cache.js';
import { DIRECT, type Inode, MAX_FILE_BLOCKS, POINTERS_PER_BLOCK } from './layout.js';

/** Pointer `i` of a pointer block (little-endian uint32), read without allocating. */
const pointer = (block: Uint8Array, i: number): number =>
  (block[i * 4]! | (block[i * 4 + 1]! << 8) | (block[i * 4 + 2]! << 16) | (block[i * 4 + 3]! << 24)) >>> 0;
const setPointer = (block: Uint8Array, i: number, v: number): void => {
  block[i * 4] = v & 0xff;
  block[i * 4 + 1] = (v >>> 8) & 0xff;
  block[i * 4 + 2] = (v >>> 16) & 0xff;
  block[i * 4 + 3] = (v >>> 24) & 0xff;
};

export class FileMap {
  constructor(private readonly cache: BlockCache, private readonly alloc: BlockAllocator) {}

  /**
   * The device block holding logical block `i` of `n`: 0 for a hole when `allocate` is false,
   * -1 when allocating finds the device full. Allocating changes `n` (the caller saves it) and
   * sets `fresh.made` when the block itself is new (zeroed in the cache).
   */
  map(n: Inode, i: number, allocate: boolean, fresh: { made: boolean } = { made: false }): number {
    fresh.made = false;
    if (i < 0 || i >= MAX_FILE_BLOCKS) return allocate ? -1 : 0;
    if (i < DIRECT) {
      if (n.direct[i] === 0 && allocate) {
        const b = this.newBlock(n.direct[Math.max(0, i - 1)] ?? 0);
        if (b === 0) return -1;
        n.direct[i] = b;
        fresh.made = true;
      }
      return n.direct[i]!;
    }
    i -= DIRECT;
    if (i < POINTERS_PER_BLOCK) {
      if (n.indirect === 0) {
        if (!allocate) return 0;
        n.indirect = this.newBlock(0);
        if (n.indirect === 0) return -1;
      }
      return this.through(n.indirect, i, allocate, fresh);
    }
    i -= POINTERS_PER_BLOCK;
    if (n.double === 0) {
      if (!allocate) return 0;
      n.double = this.newBlock(0);
      if (n.double === 0) return -1;
    }
    const outer = Math.floor(i / POINTERS_PER_BLOCK);
    let inner = pointer(this.cache.read(n.double), outer);
    if (inner === 0) {
      if (!allocate) return 0;
      inner = this.newBlock(n.double);
      if (inner === 0) return -1;
      setPointer(this.cache.modify(n.double), outer, inner);
    }
    return this.through(inner, i % POINTERS_PER_BLOCK, allocate, fresh);
  }

  /**
   * How many logical blocks of `n` from `i` (at most `max`) lie one after another on the device
   * from `first` (what `map` gives for `i`, not a hole): a run diskfs reads with one host call.
   * Each pointer block on the way is looked up once, not once per block.
   */
  run(n: Inode, i: number, first: number, max: number): number {
    const tables = new Map<number, Uint8Array>();
    const table = (b: number): Uint8Array => {
      let t = tables.get(b);
      if (t === undefined) tables.set(b, (t = this.cache.read(b)));
      return t;
    };
    let k = 1;
    for (; k < max && i + k < MAX_FILE_BLOCKS; k++) {
      let j = i + k;
      let b: number;
      if (j < DIRECT) b = n.direct[j]!;
      else if ((j -= DIRECT) < POINTERS_PER_BLOCK) b = n.indirect === 0 ? 0 : pointer(table(n.indirect), j);
      else {
        j -= POINTERS_PER_BLOCK;
        const inner = n.double === 0 ? 0 : pointer(table(n.double), Math.floor(j / POINTERS_PER_BLOCK));
        b = inner === 0 ? 0 : pointer(table(inner), j % POINTERS_PER_BLOCK);
      }
      if (b !== first + k) break;
    }
    return k;
  }

  private through(table: number, i: number, allocate: boolean, fresh: { made: boolean }): number {
    const b = pointer(this.cache.read(table), i);
    if (b !== 0 || !allocate) return b;
    const made = this.newBlock(table);
    if (made === 0) return -1;
    setPointer(this.cache.modify(table), i, made);
    fresh.made = true;
    return made;
  }

  private newBlock(near: number): number {
    const b = this.alloc.allocate(near);
    if (b !== 0) this.cache.fresh(b);
    return b;
  }

  /** Release every block of `n` at logical index `from` and beyond (pointer blocks left empty too). */
  truncateBlocks(n: Inode, from: number): void {
    for (let i = Math.max(0, from); i < DIRECT; i++) {
      if (n.direct[i]) this.alloc.free(n.direct[i]!);
      n.direct[i] = 0;
    }
    if (n.indirect && this.truncateTable(n.indirect, from - DIRECT)) {
      this.alloc.free(n.indirect);
      n.indirect = 0;
    }
    if (n.double) {
      const base = from - DIRECT - POINTERS_PER_BLOCK;
      const outerTable = this.cache.read(n.double);
      let empty = true;
      for (let o = 0; o < POINTERS_PER_BLOCK; o++) {
        const inner = pointer(outerTable, o);
        if (inner === 0) continue;
        const innerFrom = base - o * POINTERS_PER_BLOCK;
        if (innerFrom >= POINTERS_PER_BLOCK) {
          empty = false;
          continue;
        }
        if (this.truncateTable(inner, innerFrom)) {
          this.alloc.free(inner);
          // A table about to be freed whole is left as it is: only a kept one is rewritten.
          if (base > 0) setPointer(this.cache.modify(n.double), o, 0);
        } else empty = false;
      }
      if (empty) {
        this.alloc.free(n.double);
        n.double = 0;
      }
    }
  }

  /** Release the pointers of `table` from index `from`; true if it is left empty. */
  private truncateTable(table: number, from: number): boolean {
    const start = Math.max(0, from);
    const t = this.cache.read(table);
    let keep = false;
    for (let i = 0; i < start && !keep; i++) keep = pointer(t, i) !== 0;
    for (let i = start; i < POINTERS_PER_BLOCK; i++) {
      const b = pointer(t, i);
      if (b === 0) continue;
      this.alloc.free(b);
      // A table freed whole need not be rewritten (and stays out of the transaction).
      if (keep) setPointer(this.cache.modify(table), i, 0);
    }
    return !keep;
  }
}

/**
 * diskfs's buffer cache: the blocks changed since the last commit (`dirty`, never evicted) and a
 * bounded LRU of clean blocks. Every change to the file system goes through `modify` or `fresh`,
 * so `commit` has exactly the blocks one group of whole operations changed: the new ones it writes
 * in place (docs/diskfs.md, "The journal"), the rest it hands the journal.
 *
 * Invariant: a block is in at most one of the two maps. Outside them, a block's latest committed
 * image is the journal's copy not yet written home (`Journal.pending`), else the device's.
 */

import { BLOCK_SIZE, type BlockDevice, writeBlocks } from './block-device.js';
import type { Journal } from './journal.js';

/** Blocks per host read in `readThrough` (256 KiB). */
const READ_RUN = 64;

export class BlockCache {
  private readonly dirty = new Map<number, Uint8Array>();
  private readonly clean = new Map<number, Uint8Array>();
  /** When the oldest uncommitted change was made (ms, from the caller's clock), or null. */
  dirtySince: number | null = null;

  constructor(private readonly dev: BlockDevice, private readonly journal: Journal, private readonly cleanLimit = 2048, private readonly now: () => number = () => 0) {}

  get dirtyCount(): number {
    return this.dirty.size;
  }

  /** Block `n` to read (do not change it: use `modify`). */
  read(n: number): Uint8Array {
    const d = this.dirty.get(n);
    if (d) return d;
    const c = this.clean.get(n);
    if (c) {
      this.clean.delete(n);
      this.clean.set(n, c);
      return c;
    }
    const b = new Uint8Array(BLOCK_SIZE);
    const committed = this.journal.pending(n);
    if (committed) b.set(committed);
    else this.dev.read(n, b);
    this.remember(n, b);
    return b;
  }

  /**
   * Blocks `first` to `first + count - 1`, each as `read` would give it, to `visit` in order —
   * read from the device in runs of READ_RUN blocks and not kept: for one pass over a large
   * region (the inode table at mount: thousands of blocks, one host call each through `read`,
   * and more than the cache holds). `visit` must not keep or change a block.
   */
  readThrough(first: number, count: number, visit: (n: number, block: Uint8Array) => void): void {
    const run = new Uint8Array(Math.min(READ_RUN, count) * BLOCK_SIZE);
    for (let start = first; start < first + count; start += READ_RUN) {
      const k = Math.min(READ_RUN, first + count - start);
      this.readRunInto(start, k, run);
      for (let i = 0; i < k; i++) visit(start + i, run.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE));
    }
  }

  /**
   * Blocks `first` to `first + count - 1` copied into `into` (count × BLOCK_SIZE bytes), each as
   * `read` would give it, with one host read for the run and none of them kept: a large read of
   * a file (a program loaded whole, a file streamed in 64 KiB calls) costs one host call per call
   * instead of one per block, and does not push the blocks other work keeps using (inodes,
   * directories) out of the cache. Blocks held in memory (changed, clean, or committed and not
   * yet written home) are newer than or equal to the device's copy and are laid over it.
   */
  readRunInto(first: number, count: number, into: Uint8Array): void {
    this.dev.readRun(first, into.subarray(0, count * BLOCK_SIZE));
    for (let i = 0; i < count; i++) {
      const n = first + i;
      const held = this.dirty.get(n) ?? this.clean.get(n) ?? this.journal.pending(n);
      if (held) into.set(held, i * BLOCK_SIZE);
    }
  }

  /** Block `n`, to change in place: it is part of the next commit. */
  modify(n: number): Uint8Array {
    const d = this.dirty.get(n);
    if (d) return d;
    const b = this.read(n);
    this.clean.delete(n);
    this.markDirty(n, b);
    return b;
  }

  /** Block `n` as zeros (a newly allocated block: its old contents are never read). */
  fresh(n: number): Uint8Array {
    this.clean.delete(n);
    const d = this.dirty.get(n);
    if (d) {
      d.fill(0);
      return d;
    }
    const b = new Uint8Array(BLOCK_SIZE);
    this.markDirty(n, b);
    return b;
  }

  /**
   * Commit every dirty block; they become clean. Throws on a device error (the blocks stay dirty).
   * Blocks for which `inPlace` says so — free in the committed state, so nothing committed points
   * at them — and that no committed transaction still targets (`Journal.pending`: a replay would
   * write that older image over them) are written to their place and flushed first, then the
   * rest goes through the journal (ext3's ordered mode for new blocks): a new block's data is
   * written once, not twice, and a crash before the commit leaves it unreferenced.
   */
  commit(inPlace: (n: number) => boolean = () => false): void {
    if (this.dirty.size === 0) return;
    const home = new Map<number, Uint8Array>();
    const journaled = new Map<number, Uint8Array>();
    for (const [n, b] of this.dirty) (inPlace(n) && this.journal.pending(n) === undefined ? home : journaled).set(n, b);
    if (home.size > 0) {
      writeBlocks(this.dev, home);
      this.dev.flush();
    }
    this.journal.commit(journaled);
    for (const [n, b] of this.dirty) this.remember(n, b);
    this.dirty.clear();
    this.dirtySince = null;
  }

  private markDirty(n: number, b: Uint8Array): void {
    if (this.dirty.size === 0) this.dirtySince = this.now();
    this.dirty.set(n, b);
  }

  private remember(n: number, b: Uint8Array): void {
    this.clean.set(n, b);
    if (this.clean.size > this.cleanLimit) {
      const oldest = this.clean.keys().next().value as number;
      this.clean.delete(oldest);
    }
  }
}

/**
 * The inode table: decoded inodes cached in memory, every change written through to the inode's
 * block in the cache (so it is journaled with the operation), and the free inodes: those the scan
 * at mount found (lowest first) and those freed since (the last freed first).
 *
 * Invariant: `get(ino)` is the inode as the next commit will write it; a free inode has type 0
 * and keeps its generation, which `allocate` bumps, so node numbers are never reused.
 */

import type { BlockCache } from './block-cache.js';
import { GENERATION_LIMIT, type Geometry, type Inode, ROOT_INO, decodeInode, emptyInode, encodeInode, inodePlace, INODES_PER_BLOCK } from './layout.js';

export class InodeTable {
  private readonly cached = new Map<number, Inode>();
  /** Inodes freed since the mount, the last freed on top: the next allocations take them first. */
  private readonly released: number[] = [];
  /** The inodes the mount found free (1 at their number), handed out lowest first from `cursor`. */
  private readonly freeAtMount: Uint8Array;
  private cursor = 1;
  private freeAtMountLeft = 0;

  constructor(private readonly g: Geometry, private readonly cache: BlockCache) {
    this.freeAtMount = new Uint8Array(g.inodeCount + 1);
  }

  /**
   * Read the whole table: note the free inodes and return the allocated ones with no links
   * (orphans: files unlinked while open when the system stopped), for the mount to free.
   * A byte or two per inode — a 1 GiB image has 65,536 — in code that runs once, so unoptimised.
   */
  scan(): number[] {
    const orphans: number[] = [];
    const free = this.freeAtMount;
    let count = 0;
    this.cache.readThrough(this.g.inodeStart, this.g.inodeBlocks, (n, block) => {
      const first = (n - this.g.inodeStart) * INODES_PER_BLOCK + 1;
      for (let i = 0, at = 0; i < INODES_PER_BLOCK; i++, at += 128) {
        if (block[at] === 0) {
          free[first + i] = 1;
          count++;
        } else if ((block[at + 4]! | block[at + 5]! | block[at + 6]! | block[at + 7]!) === 0 && first + i !== ROOT_INO) {
          // The link count (bytes 4–7) is zero: an orphan.
          orphans.push(first + i);
        }
      }
    });
    this.freeAtMountLeft = count;
    return orphans.reverse();
  }

  get count(): number {
    return this.g.inodeCount;
  }

  get freeCount(): number {
    return this.released.length + this.freeAtMountLeft;
  }

  /** The next free inode to allocate, taken off the free sets, or 0. */
  private takeFree(): number {
    const last = this.released.pop();
    if (last !== undefined) return last;
    if (this.freeAtMountLeft === 0) return 0;
    while (this.freeAtMount[this.cursor] === 0) this.cursor++;
    this.freeAtMount[this.cursor] = 0;
    this.freeAtMountLeft--;
    return this.cursor;
  }

  get(ino: number): Inode {
    let n = this.cached.get(ino);
    if (!n) {
      const { block, offset } = inodePlace(this.g, ino);
      n = decodeInode(this.cache.read(block), offset);
      this.cached.set(ino, n);
    }
    return n;
  }

  /** Bound the memory of decoded inodes: call between operations only (callers hold inodes within one). */
  trim(): void {
    if (this.cached.size > 8192) this.cached.clear();
  }

  save(ino: number, n: Inode): void {
    const { block, offset } = inodePlace(this.g, ino);
    encodeInode(n, this.cache.modify(block), offset);
    this.cached.set(ino, n);
  }

  /** A free inode made into an empty one of `type` with a new generation, or 0 if none is left. */
  allocate(type: number, now: bigint): number {
    const ino = this.takeFree();
    if (ino === 0) return 0;
    const old = this.get(ino);
    const n = emptyInode();
    n.type = type;
    n.generation = old.generation + 1 >= GENERATION_LIMIT ? 1 : old.generation + 1;
    n.atim = n.mtim = n.ctim = now;
    this.save(ino, n);
    return ino;
  }

  /** Mark `ino` free (its blocks already released); it keeps its generation. */
  release(ino: number): void {
    const n = this.get(ino);
    const freed = emptyInode();
    freed.generation = n.generation;
    this.save(ino, freed);
    this.released.push(ino);
  }
}

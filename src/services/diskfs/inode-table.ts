/**
 * The inode table: decoded inodes cached in memory, every change written through to the inode's
 * block in the cache (so it is journaled with the operation), and the free inodes found by the
 * scan at mount.
 *
 * Invariant: `get(ino)` is the inode as the next commit will write it; a free inode has type 0
 * and keeps its generation, which `allocate` bumps, so node numbers are never reused.
 */

import type { BlockCache } from './block-cache.js';
import { GENERATION_LIMIT, type Geometry, type Inode, ROOT_INO, decodeInode, emptyInode, encodeInode, inodePlace, INODES_PER_BLOCK } from './layout.js';

export class InodeTable {
  private readonly cached = new Map<number, Inode>();
  /** Free inode numbers, highest first (allocation pops the lowest). */
  private readonly freeList: number[] = [];

  constructor(private readonly g: Geometry, private readonly cache: BlockCache) {}

  /**
   * Read the whole table: collect the free inodes and return the allocated ones with no links
   * (orphans: files unlinked while open when the system stopped), for the mount to free.
   */
  scan(): number[] {
    const orphans: number[] = [];
    for (let b = this.g.inodeBlocks - 1; b >= 0; b--) {
      const block = this.cache.read(this.g.inodeStart + b);
      for (let i = INODES_PER_BLOCK - 1; i >= 0; i--) {
        const ino = b * INODES_PER_BLOCK + i + 1;
        const type = block[i * 128]!;
        if (type === 0) this.freeList.push(ino);
        else if (ino !== ROOT_INO && new DataView(block.buffer, block.byteOffset + i * 128 + 4, 4).getUint32(0, true) === 0) orphans.push(ino);
      }
    }
    return orphans;
  }

  get count(): number {
    return this.g.inodeCount;
  }

  get freeCount(): number {
    return this.freeList.length;
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
    const ino = this.freeList.pop();
    if (ino === undefined) return 0;
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
    this.freeList.push(ino);
  }
}

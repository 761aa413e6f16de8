/**
 * Make an empty diskfs on a device: superblock, empty (and written, so allocated) journal, block bitmap with the metadata
 * (and the bits past the device's end) marked used, a zeroed inode table holding only the root
 * directory. Everything is written and flushed before this returns.
 */

import { BLOCK_SIZE, type BlockDevice } from './block-device.js';
import { Journal } from './journal.js';
import { type Geometry, ROOT_INO, emptyInode, encodeInode, encodeSuperblock, inodePlace, planGeometry } from './layout.js';

export function formatDevice(dev: BlockDevice, now: bigint): Geometry {
  const g = planGeometry(dev.blockCount);
  // The journal region is written in full once, so the host allocates it now: a commit then
  // overwrites allocated blocks, and its flush has no host allocation to make durable too.
  dev.writeRun(g.journalStart, new Uint8Array(g.journalBlocks * BLOCK_SIZE));
  Journal.format(dev, g.journalStart);
  for (let b = 0; b < g.bitmapBlocks; b++) {
    const block = new Uint8Array(BLOCK_SIZE);
    for (let bit = 0; bit < BLOCK_SIZE * 8; bit++) {
      const n = b * BLOCK_SIZE * 8 + bit;
      if (n < g.dataStart || n >= g.blockCount) block[bit >> 3]! |= 1 << (bit & 7);
    }
    dev.write(g.bitmapStart + b, block);
  }
  const zero = new Uint8Array(BLOCK_SIZE);
  for (let b = 0; b < g.inodeBlocks; b++) dev.write(g.inodeStart + b, zero);
  const root = emptyInode();
  Object.assign(root, { type: 3, nlink: 2, generation: 1, parent: ROOT_INO, atim: now, mtim: now, ctim: now });
  const { block, offset } = inodePlace(g, ROOT_INO);
  const rootBlock = new Uint8Array(BLOCK_SIZE);
  encodeInode(root, rootBlock, offset);
  dev.write(block, rootBlock);
  dev.flush();
  // The superblock last: a device whose mkfs was cut short has none, and is never mounted.
  dev.write(0, encodeSuperblock(g));
  dev.flush();
  return g;
}

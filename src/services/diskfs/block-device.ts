/**
 * The block device diskfs is written against: fixed-size blocks, read and written whole, and a
 * flush that returns only once every write before it is durable. `imageDevice` puts one on a
 * host file (a disk image) through the HostFs interface, so `flush` is the host's fsync.
 *
 * Invariant: a block never read since the device was made reads as zeros past the image's end
 * (an image may be sparse, and shorter than its block count until written).
 */

import type { HostFs } from '../../host/host-fs.js';

export const BLOCK_SIZE = 4096;

export interface BlockDevice {
  readonly blockCount: number;
  /** Fill `into` (BLOCK_SIZE bytes) with block `n`. Throws on a host error. */
  read(n: number, into: Uint8Array): void;
  /** Fill `into` (whole blocks) with the blocks from `n` on, in one host call where it can. */
  readRun(n: number, into: Uint8Array): void;
  /** Write BLOCK_SIZE bytes to block `n`. Throws on a host error (ENOSPC, EIO). */
  write(n: number, data: Uint8Array): void;
  /** Write whole blocks from `n` on, in one host call where it can (a journal transaction). */
  writeRun(n: number, data: Uint8Array): void;
  /** Make every earlier write durable. Throws on a host error. */
  flush(): void;
  close(): void;
}

/** Most blocks one host write of `writeBlocks` takes (256 KiB). */
const WRITE_RUN_BLOCKS = 64;

/**
 * Write each (block, image) to `dev`, blocks that lie one after another with one host write (a
 * checkpoint, a commit's blocks written in place): thousands of blocks for a large file.
 */
export function writeBlocks(dev: BlockDevice, blocks: ReadonlyMap<number, Uint8Array>): void {
  const targets = [...blocks.keys()].sort((a, b) => a - b);
  const run = new Uint8Array(Math.min(WRITE_RUN_BLOCKS, targets.length) * BLOCK_SIZE);
  for (let i = 0; i < targets.length;) {
    let k = 1;
    while (k < WRITE_RUN_BLOCKS && i + k < targets.length && targets[i + k] === targets[i]! + k) k++;
    if (k === 1) {
      dev.write(targets[i]!, blocks.get(targets[i]!)!);
    } else {
      for (let j = 0; j < k; j++) run.set(blocks.get(targets[i + j]!)!, j * BLOCK_SIZE);
      dev.writeRun(targets[i]!, run.subarray(0, k * BLOCK_SIZE));
    }
    i += k;
  }
}

function inRange(n: number, blockCount: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= blockCount) throw new RangeError(`block ${n} is outside the device (${blockCount} blocks)`);
}

function runInRange(n: number, bytes: number, blockCount: number): void {
  const count = bytes / BLOCK_SIZE;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a run is whole blocks, not ${bytes} bytes`);
  inRange(n, blockCount);
  inRange(n + count - 1, blockCount);
}

/** A disk image: host file `path` holding `blockCount` blocks (made, sparse, when `create`). */
export function imageDevice(host: HostFs, path: string, opts: { create: boolean; blockCount?: number }): BlockDevice {
  const fd = host.open(path, opts.create, false);
  let size = host.fstat(fd).size;
  if (opts.create && size === 0 && opts.blockCount) {
    host.ftruncate(fd, opts.blockCount * BLOCK_SIZE);
    size = opts.blockCount * BLOCK_SIZE;
  }
  const blockCount = Math.floor(size / BLOCK_SIZE);
  const check = (n: number, data: Uint8Array): void => {
    inRange(n, blockCount);
    if (data.length !== BLOCK_SIZE) throw new RangeError(`a block is ${BLOCK_SIZE} bytes, not ${data.length}`);
  };
  const readAt = (n: number, into: Uint8Array): void => {
    let done = 0;
    while (done < into.length) {
      const got = host.read(fd, into.subarray(done), n * BLOCK_SIZE + done);
      if (got === 0) break;
      done += got;
    }
    into.fill(0, done);
  };
  return {
    blockCount,
    read(n, into) {
      check(n, into);
      readAt(n, into);
    },
    readRun(n, into) {
      runInRange(n, into.length, blockCount);
      readAt(n, into);
    },
    write(n, data) {
      check(n, data);
      let done = 0;
      while (done < BLOCK_SIZE) done += host.write(fd, data.subarray(done), n * BLOCK_SIZE + done);
    },
    writeRun(n, data) {
      runInRange(n, data.length, blockCount);
      let done = 0;
      while (done < data.length) done += host.write(fd, data.subarray(done), n * BLOCK_SIZE + done);
    },
    flush() {
      host.fsync(fd);
    },
    close() {
      host.close(fd);
    },
  };
}

/** A device in memory (tests, and fsck of a copy). Writes are durable at once. */
export function memoryDevice(blockCount: number): BlockDevice & { readonly bytes: Uint8Array } {
  const bytes = new Uint8Array(blockCount * BLOCK_SIZE);
  return {
    blockCount,
    bytes,
    read(n, into) {
      inRange(n, blockCount);
      into.set(bytes.subarray(n * BLOCK_SIZE, (n + 1) * BLOCK_SIZE));
    },
    readRun(n, into) {
      runInRange(n, into.length, blockCount);
      into.set(bytes.subarray(n * BLOCK_SIZE, n * BLOCK_SIZE + into.length));
    },
    write(n, data) {
      inRange(n, blockCount);
      bytes.set(data.subarray(0, BLOCK_SIZE), n * BLOCK_SIZE);
    },
    writeRun(n, data) {
      inRange(n, blockCount);
      inRange(n + Math.ceil(data.length / BLOCK_SIZE) - 1, blockCount);
      bytes.set(data, n * BLOCK_SIZE);
    },
    flush() {},
    close() {},
  };
}

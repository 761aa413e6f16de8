/**
 * diskfs's runs of blocks, and the blocks a commit writes in place. Reads of many blocks
 * (readData: a run of whole blocks that lie one after another on the device is read with one host
 * call, then what the cache and the journal hold is laid over it); the journal's checkpoint
 * (blocks written home in runs); a commit writing new blocks in place and only them — not a block
 * the committed state still uses (freed and given out again in the same transaction), not one a
 * committed transaction still targets (a replay would write its older image over it).
 * Reads: Random writes to interleaved files (so their blocks alternate on the device), truncations,
 * commits and remounts, with every read compared to a model of each file's bytes: a block that is
 * changed and not committed, committed and not yet written home, clean in the cache, only on the
 * device, or a hole must each read as the model says, at any offset and length.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memoryDevice } from '../../src/services/diskfs/block-device.js';
import { BLOCK_SIZE } from '../../src/services/diskfs/block-device.js';
import { formatDevice } from '../../src/services/diskfs/mkfs.js';
import { Diskfs } from '../../src/services/diskfs/diskfs.js';
import { FileType } from '../../src/abi/protocols/fs.js';
import { Journal } from '../../src/services/diskfs/journal.js';
import { BlockCache } from '../../src/services/diskfs/block-cache.js';
import { BlockAllocator } from '../../src/services/diskfs/block-allocator.js';

const FILES = 3;
const MAX_SIZE = 40 * BLOCK_SIZE;

type Op =
  | { kind: 'write'; file: number; at: number; length: number; seed: number }
  | { kind: 'truncate'; file: number; size: number }
  | { kind: 'sync' }
  | { kind: 'remount' }
  | { kind: 'read'; file: number; at: number; length: number };

const offset = fc.integer({ min: 0, max: MAX_SIZE });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), file: fc.nat(FILES - 1), at: offset, length: fc.integer({ min: 1, max: 12 * BLOCK_SIZE }), seed: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), file: fc.nat(FILES - 1), size: offset }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sync' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'remount' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('read' as const), file: fc.nat(FILES - 1), at: offset, length: fc.integer({ min: 1, max: 20 * BLOCK_SIZE }) }) },
);

function bytesOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i * 31 + (i >> 12)) & 0xff);
}

function resized(model: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(model.subarray(0, Math.min(size, model.length)));
  return out;
}

function unwrap<T>(r: T | number): T {
  if (typeof r === 'number') assert.fail(`errno ${r}`);
  return r;
}

test('reads of any offset and length give the bytes written, whether blocks are changed, committed, cached, on the device or holes', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
      const dev = memoryDevice(4096);
      formatDevice(dev, 1n);
      let t = 1_000_000_000n;
      const clock = (): bigint => (t += 1000n);
      let fs = Diskfs.mount(dev, clock);
      const names = Array.from({ length: FILES }, (_, i) => `f${i}`);
      for (const name of names) unwrap(fs.create(1, name, FileType.REGULAR_FILE, true, ''));
      const model: Uint8Array[] = names.map(() => new Uint8Array(0));
      const node = (file: number): number => unwrap(fs.lookup(1, names[file]!)).node;
      for (const o of ops) {
        if (o.kind === 'write') {
          const data = bytesOf(o.length, o.seed);
          const r = unwrap(fs.write(node(o.file), o.at, data, false));
          assert.equal(r.written, data.length);
          const m = resized(model[o.file]!, Math.max(model[o.file]!.length, o.at + data.length));
          m.set(data, o.at);
          model[o.file] = m;
        } else if (o.kind === 'truncate') {
          assert.equal(fs.truncate(node(o.file), o.size), 0);
          model[o.file] = resized(model[o.file]!, o.size);
        } else if (o.kind === 'sync') {
          assert.equal(fs.sync(0), 0);
        } else if (o.kind === 'remount') {
          assert.equal(fs.sync(0), 0);
          fs.unmount();
          fs = Diskfs.mount(dev, clock);
        } else {
          const m = model[o.file]!;
          const got = unwrap(fs.read(node(o.file), o.at, o.length));
          assert.deepEqual(got, m.subarray(Math.min(o.at, m.length), Math.min(o.at + o.length, m.length)));
        }
      }
      for (let f = 0; f < FILES; f++) assert.deepEqual(unwrap(fs.read(node(f), 0, MAX_SIZE * 2)), model[f]);
    }),
    { numRuns: 150 },
  );
});

test('a checkpoint writes blocks that lie one after another with one host write each run, each block where it belongs', () => {
  const dev = memoryDevice(4096);
  formatDevice(dev, 1n);
  const g = Diskfs.mount(dev, () => 1n).geometry;
  const journal = Journal.open(dev, g.journalStart, g.journalBlocks);
  const writes: number[] = [];
  const realWrite = dev.write.bind(dev), realRun = dev.writeRun.bind(dev);
  dev.write = (n, data) => { writes.push(1); realWrite(n, data); };
  dev.writeRun = (n, data) => { writes.push(data.length / BLOCK_SIZE); realRun(n, data); };
  const image = (n: number): Uint8Array => new Uint8Array(BLOCK_SIZE).fill(n & 0xff);
  // 70 blocks in a row (a run of 64, then 6), two lone blocks, committed out of order.
  const targets = [...Array.from({ length: 70 }, (_, i) => g.dataStart + 100 + i), g.dataStart + 300, g.dataStart + 5].reverse();
  journal.commit(new Map(targets.slice(0, 40).map((t) => [t, image(t)])));
  journal.commit(new Map(targets.slice(40).map((t) => [t, image(t)])));
  writes.length = 0;
  journal.checkpoint();
  // The runs, the two lone blocks, and the journal's header.
  assert.deepEqual(writes.sort((a, b) => a - b), [1, 1, 1, 6, 64]);
  for (const t of targets) {
    const back = new Uint8Array(BLOCK_SIZE);
    dev.read(t, back);
    assert.deepEqual(back, image(t), `block ${t}`);
  }
});

test('a new file\'s data is written in place, once: only the metadata goes through the journal', () => {
  const dev = memoryDevice(4096);
  formatDevice(dev, 1n);
  const fs = Diskfs.mount(dev, () => 1n);
  const f = unwrap(fs.create(1, 'big', FileType.REGULAR_FILE, true, ''));
  const data = bytesOf(2 * 1024 * 1024, 7);
  const before = fs.stats.blocksJournaled;
  assert.equal(unwrap(fs.write(f.node, 0, data, false)).written, data.length);
  assert.equal(fs.sync(0), 0);
  const journaled = fs.stats.blocksJournaled - before;
  assert.ok(journaled < 40, `${journaled} blocks journaled for 512 blocks of new data`);
  fs.unmount();
  const again = Diskfs.mount(dev, () => 1n);
  assert.deepEqual(unwrap(again.read(unwrap(again.lookup(1, 'big')).node, 0, data.length)), data);
});

test('a block the committed state still uses is not new, even when it is given out again before the commit', () => {
  const dev = memoryDevice(1024);
  formatDevice(dev, 1n);
  const g = Diskfs.mount(dev, () => 1n).geometry;
  const cache = new BlockCache(dev, Journal.open(dev, g.journalStart, g.journalBlocks));
  const alloc = new BlockAllocator(g, cache);
  const x = alloc.allocate();
  assert.equal(alloc.isNew(x), true);
  alloc.committed();
  assert.equal(alloc.isNew(x), false);
  alloc.free(x);
  assert.equal(alloc.allocate(x), x, 'the freed block is given out again');
  assert.equal(alloc.isNew(x), false, 'the committed state still points at it');
  const y = alloc.allocate();
  alloc.free(y);
  assert.equal(alloc.allocate(y), y);
  assert.equal(alloc.isNew(y), true, 'free in the committed state all along');
});

test('a new block that a committed transaction still targets goes through the journal: a replay does not write the older image over it', () => {
  const dev = memoryDevice(1024);
  formatDevice(dev, 1n);
  const g = Diskfs.mount(dev, () => 1n).geometry;
  const journal = Journal.open(dev, g.journalStart, g.journalBlocks);
  const cache = new BlockCache(dev, journal);
  const x = g.dataStart + 40, y = g.dataStart + 41;
  const image = (byte: number): Uint8Array => new Uint8Array(BLOCK_SIZE).fill(byte);
  journal.commit(new Map([[x, image(1)]])); // committed, not yet written home
  cache.fresh(x).set(image(2));
  cache.fresh(y).set(image(2));
  cache.commit(() => true);
  // The power goes: the next mount replays the journal.
  Journal.open(dev, g.journalStart, g.journalBlocks);
  const read = (n: number): number => { const b = new Uint8Array(BLOCK_SIZE); dev.read(n, b); return b[0]!; };
  assert.equal(read(x), 2, 'the newer image, replayed after the older one');
  assert.equal(read(y), 2, 'written in place');
});

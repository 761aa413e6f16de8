/**
 * Address tokens on the page cache, at the level of the shared memory: a reader on another
 * thread never accepts a read that overlapped a revocation, refused reads fall back (here:
 * counted), and a revoked token stays refused.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Arena, CacheWord, ENTRY_MAX_PAGES, PAGE_BYTES } from '../../src/ipc/arena.js';
import { readCached } from '../../src/ipc/page-cache-read.js';
import { PageCache } from '../../src/services/fs/page-cache.js';
import { Errno } from '../../src/abi/errno.js';
import { waitForCount } from '../support/counter-wait.js';

const ARENA = { maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024, cacheEntries: 4, cachePages: 64 };

function filled(size: number, byte: number): (offset: number, length: number) => Uint8Array {
  return (_o, l) => new Uint8Array(l).fill(byte);
}

test('a token reads the cached file; revoking it refuses every later read', () => {
  const arena = Arena.create(ARENA);
  const cache = new PageCache(arena, { firstEntry: 0, entries: 4, firstPage: 0, pages: 64 });
  const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
  const t = cache.map(9, data.length, 's1', (o, l) => data.subarray(o, o + l));
  assert.ok(typeof t !== 'number');
  const token = { ...t, word: arena.cacheEntryWord(t.entry) + CacheWord.GENERATION };
  const a = new Uint8Array(3000), b = new Uint8Array(9000);
  assert.equal(readCached(arena, token, 5000, [a, b]), 5000);
  assert.deepEqual(a, data.subarray(5000, 8000));
  assert.deepEqual(b.subarray(0, 2000), data.subarray(8000));
  assert.equal(readCached(arena, token, 20_000, [a]), 0, 'past the end: end of file');
  cache.revoke(9);
  assert.equal(readCached(arena, token, 0, [a]), -1);
  const again = cache.map(9, data.length, 's2', (o, l) => data.subarray(o, o + l));
  assert.ok(typeof again !== 'number' && again.generation !== t.generation);
  assert.equal(readCached(arena, token, 0, [a]), -1, 'the old token stays revoked after a refill');
});

test('the cache refuses files larger than an entry and evicts the least recently mapped', () => {
  const arena = Arena.create(ARENA);
  const cache = new PageCache(arena, { firstEntry: 0, entries: 2, firstPage: 0, pages: 64 });
  assert.equal(cache.map(1, (ENTRY_MAX_PAGES + 1) * PAGE_BYTES, 's', filled(0, 1)), Errno.FBIG);
  assert.equal(cache.map(1, 65 * PAGE_BYTES, 's', filled(0, 1)), Errno.NOSPC, 'larger than the whole slice');
  const one = cache.map(1, 40 * PAGE_BYTES, 's', filled(0, 1));
  const two = cache.map(2, 20 * PAGE_BYTES, 's', filled(0, 2));
  assert.ok(typeof one !== 'number' && typeof two !== 'number');
  cache.map(1, 40 * PAGE_BYTES, 's', filled(0, 1)); // 1 is now the most recently mapped
  const three = cache.map(3, 10 * PAGE_BYTES, 's', filled(0, 3));
  assert.ok(typeof three !== 'number');
  assert.equal(cache.isCached(2), false, 'the least recently mapped was evicted');
  assert.equal(cache.isCached(1), true);
  const word = arena.cacheEntryWord(two.entry) + CacheWord.GENERATION;
  assert.equal(readCached(arena, { ...two, word }, 0, [new Uint8Array(10)]), -1, 'an evicted entry\'s token is revoked');
});

test('revoking while another thread reads in a loop: no torn read is ever accepted', async () => {
  const size = 16 * PAGE_BYTES;
  const arena = Arena.create(ARENA);
  const cache = new PageCache(arena, { firstEntry: 0, entries: 4, firstPage: 0, pages: 64 });
  const ctrl = new Int32Array(new SharedArrayBuffer(32));
  const publish = (version: number): void => {
    const t = cache.map(5, size, `v${version}`, filled(size, version & 0xff));
    assert.ok(typeof t !== 'number');
    Atomics.add(ctrl, 0, 1);
    Atomics.store(ctrl, 1, t.entry);
    Atomics.store(ctrl, 2, t.generation);
    Atomics.add(ctrl, 0, 1);
  };
  publish(1);
  const worker = new Worker(new URL('../support/token-reader.js', import.meta.url), { workerData: { arena: arena.buffer, ctrl: ctrl.buffer, size } });
  try {
    const waitAttempts = (atLeast: number): void => waitForCount(ctrl, 4, atLeast);
    waitAttempts(1);
    for (let v = 2; v < 400; v++) {
      // Revoke and refill mid-loop: the reader may be inside a copy of the old pages right now.
      cache.revoke(5);
      publish(v);
      waitAttempts(Atomics.load(ctrl, 4) + 2);
    }
  } finally {
    Atomics.store(ctrl, 3, 1);
    await worker.terminate();
  }
  assert.equal(ctrl[7], 0, 'torn reads accepted');
  assert.ok(ctrl[5]! > 100, `accepted reads: ${ctrl[5]}`);
});

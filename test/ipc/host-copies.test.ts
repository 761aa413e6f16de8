/**
 * Host copies at the level of the shared memory (docs/decisions/026-host-write-words.md): a copy
 * of a host file is found by its identity only while it is published, of the very file (device,
 * inode), size and host mtime asked for, and no write on an own descriptor bumped the file's host
 * write word since it was taken; a revoked or refilled copy is never found under its old token.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Arena, PAGE_BYTES } from '../../src/ipc/arena.js';
import { findHostCopy } from '../../src/ipc/host-copies.js';
import { readCached } from '../../src/ipc/page-cache-read.js';
import { MAX_LISTED, PageCache } from '../../src/services/fs/page-cache.js';
import { waitForCount } from '../support/counter-wait.js';

const ARENA = { maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024, cacheEntries: 4, cachePages: 64 };
// Device and inode past 2^32 (both halves are compared), an mtime in nanoseconds past 2^32.
const FILE = { dev: 0x1_0000_0803, ino: 0x2_0000_1234, mtimeNs: 1_700_000_000_123_456_789n };
/** Pins taken (the file system's descriptor of the file) and released. */
const pins = { taken: 0, released: 0 };
const pinned = (mtimeNs = FILE.mtimeNs) => ({
  ...FILE, mtimeNs,
  pin: () => {
    pins.taken++;
    return () => { pins.released++; };
  },
});

function setUp(): { arena: Arena; cache: PageCache; data: Uint8Array } {
  const arena = Arena.create(ARENA);
  const cache = new PageCache(arena, { firstEntry: 0, entries: 4, firstPage: 0, pages: 64 });
  const data = Uint8Array.from({ length: 9000 }, (_, i) => (i * 13) & 0xff);
  return { arena, cache, data };
}

test('a published host copy is found by its identity, size and mtime, and read', () => {
  const { arena, cache, data } = setUp();
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length }), null, 'nothing cached yet');
  const t = cache.map(7, data.length, 's', (o, l) => data.subarray(o, o + l), pinned());
  assert.ok(typeof t !== 'number');
  const found = findHostCopy(arena, { ...FILE, size: data.length });
  assert.ok(found, 'found');
  assert.equal(found.entry, t.entry);
  assert.equal(found.generation, t.generation);
  const into = new Uint8Array(data.length);
  assert.equal(readCached(arena, found, 0, [into]), data.length);
  assert.deepEqual(into, data);
  for (const other of [
    { ...FILE, dev: FILE.dev + 1 }, { ...FILE, dev: FILE.dev + 2 ** 32 }, { ...FILE, ino: FILE.ino + 1 }, { ...FILE, ino: FILE.ino - 2 ** 32 },
    { ...FILE, mtimeNs: FILE.mtimeNs + 1n }, { ...FILE, mtimeNs: FILE.mtimeNs + (1n << 32n) },
  ]) assert.equal(findHostCopy(arena, { ...other, size: data.length }), null, `not for ${JSON.stringify({ ...other, mtimeNs: String(other.mtimeNs) })}`);
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length - 1 }), null, 'not of another size');
});

test('a write on an own descriptor, a revocation or a refill ends what was found', () => {
  const { arena, cache, data } = setUp();
  const base = { ...pins };
  cache.map(7, data.length, 's', (o, l) => data.subarray(o, o + l), pinned());
  const first = findHostCopy(arena, { ...FILE, size: data.length })!;
  // A program's write on its own descriptor bumps the file's host write word.
  Atomics.add(arena.i32, arena.hostWriteWord(FILE.dev, FILE.ino), 1);
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length }), null, 'not found after the write');
  assert.equal(readCached(arena, first, 0, [new Uint8Array(10)]), -1, 'nor read under the token found before');
  assert.equal(cache.tokenFor(7), null, 'nor handed out by the file system: revoked');
  // Copied anew: found again, under a new generation; the old token stays refused.
  assert.equal(pins.released - base.released, 1, 'the pin is released with the copy');
  const again = cache.map(7, data.length, 's', (o, l) => data.subarray(o, o + l), pinned());
  assert.ok(typeof again !== 'number');
  const second = findHostCopy(arena, { ...FILE, size: data.length });
  assert.ok(second && second.generation !== first.generation);
  const same = cache.map(7, data.length, 's', (o, l) => data.subarray(o, o + l), pinned());
  assert.ok(typeof same !== 'number' && same.generation === second.generation, 'mapped again: the same copy');
  assert.equal(pins.taken - pins.released, base.taken - base.released + 1, 'one pin held for the one copy');
  cache.revoke(7);
  assert.equal(pins.taken - pins.released, base.taken - base.released, 'none once it is revoked');
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length }), null, 'not found once revoked');
  assert.equal(readCached(arena, second, 0, [new Uint8Array(10)]), -1);
});

test('a write that lands while the copy is taken leaves a copy no one finds or reads', () => {
  const { arena, cache, data } = setUp();
  let wrote = false;
  const t = cache.map(7, data.length, 's', (o, l) => {
    if (!wrote) Atomics.add(arena.i32, arena.hostWriteWord(FILE.dev, FILE.ino), 1);
    wrote = true;
    return data.subarray(o, o + l);
  }, pinned());
  assert.ok(typeof t !== 'number');
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length }), null);
  assert.equal(readCached(arena, { ...t, word: arena.cacheEntryWord(t.entry) }, 0, [new Uint8Array(10)]), -1);
});

test('revoking and refilling while another thread looks the copy up and reads it: no read of another version is accepted', async () => {
  const { arena, cache } = setUp();
  // Two fill chunks (64 KiB each): the copy is half rewritten while the second is read.
  const size = 32 * PAGE_BYTES;
  const ctrl = new Int32Array(new SharedArrayBuffer(32));
  let worker: Worker | null = null;
  const waitAttempts = (atLeast: number): void => waitForCount(ctrl, 2, atLeast);
  // Each version of the file: its own host mtime, every byte its number. Halfway through a
  // refill, the reader is given time to look up and read what is there.
  const publish = (version: number): void => {
    const t = cache.map(5, size, `v${version}`, (offset, l) => {
      if (offset > 0 && worker !== null) waitAttempts(Atomics.load(ctrl, 2) + 3);
      return new Uint8Array(l).fill(version & 0xff);
    }, pinned(FILE.mtimeNs + BigInt(version)));
    assert.ok(typeof t !== 'number');
    Atomics.store(ctrl, 0, version);
  };
  publish(1);
  worker = new Worker(new URL('../support/host-copy-reader.js', import.meta.url), {
    workerData: { arena: arena.buffer, ctrl: ctrl.buffer, size, dev: FILE.dev, ino: FILE.ino, mtimeBase: FILE.mtimeNs },
  });
  try {
    waitAttempts(1);
    for (let v = 2; v < 400; v++) {
      // Mid-loop, the reader may be between its lookup and its read of the old copy: half the
      // time the copy is revoked first, half the time map finds it stale (another stamp) itself;
      // every tenth time a write on an own descriptor outdates it instead.
      if (v % 10 === 0) Atomics.add(arena.i32, arena.hostWriteWord(FILE.dev, FILE.ino), 1);
      else if (v % 2 === 0) cache.revoke(5);
      publish(v);
      waitAttempts(Atomics.load(ctrl, 2) + 2);
    }
  } finally {
    Atomics.store(ctrl, 1, 1);
    await worker.terminate();
  }
  assert.equal(ctrl[5], 0, 'reads of another version accepted');
  assert.ok(ctrl[3]! > 100, `accepted reads: ${ctrl[3]}`);
});

test('a copy of a file the file system could not pin is not listed, and a new instance withdraws every copy', () => {
  const { arena, cache, data } = setUp();
  const t = cache.map(7, data.length, 's', (o, l) => data.subarray(o, o + l), { ...FILE, pin: () => null });
  assert.ok(typeof t !== 'number');
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length }), null, 'not listed');
  assert.ok(cache.tokenFor(7), 'still handed out by its own opens');
  cache.map(8, data.length, 's', (o, l) => data.subarray(o, o + l), { ...FILE, ino: FILE.ino + 1, pin: () => () => {} });
  const listed = findHostCopy(arena, { ...FILE, ino: FILE.ino + 1, size: data.length });
  assert.ok(listed);
  // The file system restarts over the same slice: tokens held and copies listed end at once.
  new PageCache(arena, { firstEntry: 0, entries: 4, firstPage: 0, pages: 64 });
  assert.equal(findHostCopy(arena, { ...FILE, ino: FILE.ino + 1, size: data.length }), null);
  assert.equal(readCached(arena, listed, 0, [new Uint8Array(10)]), -1);
});

test('past MAX_LISTED copies the least recently mapped listed one is revoked to list the next', () => {
  const arena = Arena.create({ ...ARENA, cacheEntries: MAX_LISTED + 8, cachePages: MAX_LISTED + 8 });
  const cache = new PageCache(arena, { firstEntry: 0, entries: MAX_LISTED + 8, firstPage: 0, pages: MAX_LISTED + 8 });
  let held = 0;
  const file = (i: number) => ({ ...FILE, ino: 1000 + i, pin: () => { held++; return () => { held--; }; } });
  for (let i = 0; i <= MAX_LISTED; i++) assert.ok(typeof cache.map(i, 100, 's', (_o, l) => new Uint8Array(l).fill(i), file(i)) !== 'number');
  assert.equal(held, MAX_LISTED, 'as many files pinned as copies listed');
  assert.equal(findHostCopy(arena, { ...file(0), size: 100 }), null, 'the oldest was revoked');
  assert.equal(cache.isCached(0), false);
  assert.ok(findHostCopy(arena, { ...file(MAX_LISTED), size: 100 }), 'the newest is listed');
  cache.revokeAll();
  assert.equal(held, 0, 'every pin released when the file system stops');
  assert.equal(findHostCopy(arena, { ...file(MAX_LISTED), size: 100 }), null);
});

test("a change the file system makes ends every copy of the host file, under any node (a hard link's)", () => {
  const { arena, cache, data } = setUp();
  cache.map(7, data.length, 's', (o, l) => data.subarray(o, o + l), pinned());
  const viaOther = cache.map(9, data.length, 's', (o, l) => data.subarray(o, o + l), pinned());
  assert.ok(typeof viaOther !== 'number');
  const token = { ...viaOther, word: arena.cacheEntryWord(viaOther.entry) };
  assert.equal(readCached(arena, token, 0, [new Uint8Array(10)]), 10);
  // A write through node 7 revokes node 7's copy and bumps the file's host write word.
  cache.revoke(7);
  cache.hostWritten(FILE);
  assert.equal(readCached(arena, token, 0, [new Uint8Array(10)]), -1, "node 9's copy is not read either");
  assert.equal(cache.tokenFor(9), null);
  assert.equal(findHostCopy(arena, { ...FILE, size: data.length }), null);
});

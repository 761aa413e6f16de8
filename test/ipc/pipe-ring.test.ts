/**
 * Pipe rings (ipc/pipe-ring.ts, services/vfs/pipe.ts, services/vfs/pipe-rings.ts): the ring's
 * counters across their uint32 wrap, a producer on another thread against a consumer here, the
 * VFS's mode (direct only while one read end and one write end exist), and how rings are given
 * to pipes and taken back (a generation per use; a ring whose end is mid-operation is not reset).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { PipeRing, RING_DIRECT, RING_HEADER_BYTES, RING_THROUGH_VFS, RingWord } from '../../src/ipc/pipe-ring.js';
import { Arena } from '../../src/ipc/arena.js';
import { Pipe } from '../../src/services/vfs/pipe.js';
import { PipeRings } from '../../src/services/vfs/pipe-rings.js';
import { within } from '../support/api-helpers.js';

const ARENA = { maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024, pipeRings: 3 };
const noDone = { read: () => {}, write: () => {} };

test('bytes come out in order across the end of the data area and the uint32 wrap of the counters', () => {
  const ring = PipeRing.private(16);
  ring.setWord(RingWord.READ, 0xfffffff0 | 0);
  ring.setWord(RingWord.WRITTEN, 0xfffffff0 | 0);
  let next = 0, expect = 0;
  const out = new Uint8Array(16);
  for (let round = 0; round < 40; round++) {
    const src = Uint8Array.from({ length: 1 + (round % 11) }, () => next++ & 0xff);
    const space = ring.space;
    const put = ring.put(src);
    assert.equal(put, Math.min(src.length, space), 'what fits goes in');
    next -= src.length - put;
    const n = ring.takeInto(out, 0, 1 + (round % 5));
    for (let i = 0; i < n; i++) assert.equal(out[i], expect++ & 0xff, `round ${round}, byte ${i}`);
  }
  while (ring.buffered > 0) {
    const n = ring.takeInto(out, 0, 16);
    for (let i = 0; i < n; i++) assert.equal(out[i], expect++ & 0xff);
  }
  assert.equal(expect, next);
  assert.ok((ring.word(RingWord.WRITTEN) >>> 0) < 0xfffffff0, 'the counters wrapped');
});

test('a capacity below the data area bounds what is buffered', () => {
  const ring = PipeRing.private(1000);
  assert.equal(ring.data.length, 1024);
  assert.equal(ring.put(new Uint8Array(5000)), 1000);
  assert.equal(ring.space, 0);
  assert.equal(ring.put(new Uint8Array(1)), 0);
});

test('a producer on another thread and a consumer here move 4 MiB through a 64 KiB ring unchanged', async () => {
  const arena = Arena.create(ARENA);
  const ring = arena.pipeRing(1);
  ring.reset(64 * 1024);
  const bytes = 4 << 20;
  const dataOffset = ring.data.byteOffset;
  const worker = new Worker(new URL('../support/pipe-ring-producer.js', import.meta.url), { workerData: { buffer: arena.buffer, base: ring.base, dataOffset, dataBytes: ring.data.length, bytes } });
  try {
    const done = new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    const buf = new Uint8Array(9973);
    let got = 0;
    const deadline = Date.now() + 60_000;
    while (got < bytes) {
      assert.ok(Date.now() < deadline, `only ${got} of ${bytes} bytes arrived`);
      const seen = ring.word(RingWord.EVENT);
      const n = ring.takeInto(buf, 0, buf.length);
      for (let i = 0; i < n; i++) if (buf[i] !== (got + i) % 251) assert.fail(`byte ${got + i} is ${buf[i]}`);
      got += n;
      if (n === 0) Atomics.wait(ring.i32, ring.base + RingWord.EVENT, seen, 100);
    }
    await within(done, 60_000, 'the producer');
    assert.equal(ring.buffered, 0);
  } finally {
    await worker.terminate();
  }
});

test('a pipe is direct only while it has at most one read end and one write end, and only on an arena ring', () => {
  const arena = Arena.create(ARENA);
  const rings = new PipeRings(arena, { first: 0, count: 3 });
  const { ring, place } = rings.take(64 * 1024);
  assert.ok(place);
  const p = new Pipe(ring, place, noDone.read, noDone.write);
  p.addEnd(false, 1);
  p.addEnd(true, 1);
  assert.equal(ring.word(RingWord.MODE), RING_DIRECT);
  p.addEnd(true, 1); // a second writer (a share token, or a child's fid)
  assert.equal(ring.word(RingWord.MODE), RING_THROUGH_VFS);
  p.addEnd(true, -1);
  assert.equal(ring.word(RingWord.MODE), RING_DIRECT);
  p.addEnd(false, 1);
  assert.equal(ring.word(RingWord.MODE), RING_THROUGH_VFS);
  const own = new Pipe(PipeRing.private(4096), null, noDone.read, noDone.write);
  own.addEnd(false, 1);
  own.addEnd(true, 1);
  assert.equal(own.ring.word(RingWord.MODE), RING_THROUGH_VFS, 'a private ring is never worked on in place');
});

test('the last end gone lowers that end\'s busy word; the VFS does not take while the read end is busy', () => {
  const arena = Arena.create(ARENA);
  const { ring, place } = new PipeRings(arena, { first: 0, count: 3 }).take(64 * 1024);
  const p = new Pipe(ring, place, noDone.read, noDone.write);
  p.addEnd(false, 1);
  p.addEnd(true, 1);
  assert.equal(p.write(new Uint8Array([1, 2, 3])), 3);
  ring.setWord(RingWord.RBUSY, 1); // a reader's local kernel mid-operation
  assert.equal(p.readInto(new Uint8Array(8), 8), -1, 'not while the reader works in place');
  ring.setWord(RingWord.RBUSY, 0);
  assert.equal(p.readInto(new Uint8Array(8), 8), 3);
  ring.setWord(RingWord.WBUSY, 1); // the writer killed mid-operation
  p.addEnd(true, -1);
  assert.equal(ring.word(RingWord.WBUSY), 0);
  assert.equal(p.readInto(new Uint8Array(8), 8), 0, 'end of input');
});

test('rings are given out with a new generation each time, skipped while an end of an old use is busy, and private once all are out', () => {
  const arena = Arena.create(ARENA);
  const before = [0, 1, 2].map((i) => arena.pipeRing(i).word(RingWord.GEN));
  const rings = new PipeRings(arena, { first: 0, count: 3 });
  [0, 1, 2].forEach((i) => assert.notEqual(arena.pipeRing(i).word(RingWord.GEN), before[i], 'a new VFS instance revokes what the one before granted'));
  arena.pipeRing(0).setWord(RingWord.WBUSY, 1); // a writer of an earlier use, mid-operation
  const a = rings.take(65536), b = rings.take(65536);
  assert.deepEqual([a.place?.index, b.place?.index].sort(), [1, 2]);
  assert.equal(rings.take(65536).place, null, 'ring 0 is busy: a private ring');
  arena.pipeRing(0).setWord(RingWord.WBUSY, 0);
  const c = rings.take(65536);
  assert.equal(c.place?.index, 0);
  assert.equal(rings.take(65536).place, null, 'all given out');
  const gen = c.ring.word(RingWord.GEN);
  rings.give(c.place!);
  assert.notEqual(c.ring.word(RingWord.GEN), gen, 'taken back: grants on it end');
  assert.equal(rings.take(128 * 1024).place, null, 'larger than a ring: private');
  assert.equal(RING_HEADER_BYTES % 64, 0);
});

test('a VFS instance that follows takes the pipes over: their bytes, their holders\' fids and their share tokens', async () => {
  const { PipeTable } = await import('../../src/services/vfs/pipe-table.js');
  const arena = Arena.create(ARENA);
  const slice = { first: 0, count: 3 };
  const before = new PipeTable(new PipeRings(arena, slice), 65536, noDone);
  const p = before.make();
  const readFid = before.fidFor(p, false, () => false)!;
  const writeFid = before.fidFor(p, true, () => false)!;
  assert.ok(readFid >= 2 ** 31 && writeFid >= 2 ** 31 && readFid !== writeFid, 'fids numbered from the ring');
  p.addEnd(false, 1);
  before.held(p, 10, false, 1);
  p.addEnd(true, 1);
  before.held(p, 20, true, 1);
  p.addEnd(true, 1); // a share token of the write end, made by session 20, not taken yet
  before.shared(p, 777, 20, true);
  assert.equal(p.write(new TextEncoder().encode('kept')), 4);
  const lonely = before.make(); // a pipe whose every end was closed: not taken over
  lonely.addEnd(false, 1);
  lonely.addEnd(false, -1);

  // The VFS dies; the next instance starts on the same arena.
  const after = new PipeTable(new PipeRings(arena, slice), 65536, noDone);
  assert.equal(after.tookOver, true);
  assert.deepEqual(after.takeOverTokens().map((t) => [t.token, t.sharer, t.write]), [[777, 20, true]]);
  assert.equal(after.claim(99, readFid), null, 'a session that held nothing of the pipe gets nothing');
  assert.equal(after.claim(10, writeFid), null, 'nor an end it did not hold');
  const r = after.claim(10, readFid);
  assert.ok(r && !r.write);
  assert.equal(after.claim(10, readFid), null, 'a holding is claimed once');
  assert.equal(r.pipe.readers, 1);
  assert.equal(r.pipe.writers, 2, 'the writer\'s fid and the token');
  const out = new Uint8Array(8);
  assert.equal(r.pipe.readInto(out, 8), 4);
  assert.equal(new TextDecoder().decode(out.subarray(0, 4)), 'kept');
  // Session 20 ended while no VFS served: its write fid closes when the kernel says so.
  after.liveSessions(new Set([10]));
  assert.equal(r.pipe.writers, 1, 'only the token is left');
  assert.equal(after.claim(20, writeFid), null);
});

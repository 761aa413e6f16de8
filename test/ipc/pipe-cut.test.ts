/**
 * Judging a pipe read or write that the VFS's end cut (ipc/pipe-cut.ts; ipc/pipe-fid.ts): the
 * counter of the caller's end tells how many bytes the cut call moved while the end is its side's
 * only one, nothing moved means the call may be made again, and a counter that another end of
 * the same side may have moved (or a ring given to another pipe since) is unknown — never taken
 * for the caller's own bytes.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/ipc/arena.js';
import { RingWord } from '../../src/ipc/pipe-ring.js';
import { decodePipeFid, encodePipeFid, pipeFidGen } from '../../src/ipc/pipe-fid.js';
import { markPipe, movedByCut } from '../../src/ipc/pipe-cut.js';

const ARENA = { maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024, pipeRings: 3 };

function pipeOn(arena: Arena, ring: number, gen: number, readers: number, writers: number) {
  const r = arena.pipeRing(ring);
  r.reset(64 * 1024);
  r.setWord(RingWord.GEN, gen);
  r.setWord(RingWord.READERS, readers);
  r.setWord(RingWord.WRITERS, writers);
  return r;
}

test('a pipe fid names its ring, generation bits, end and index, and nothing else decodes', () => {
  for (const f of [{ ring: 0, gen: 0, write: false, index: 0 }, { ring: 4095, gen: 16383, write: true, index: 15 }, { ring: 7, gen: 70000, write: true, index: 3 }]) {
    const fid = encodePipeFid(f);
    assert.ok(fid >= 0x8000_0000 && fid < 0x1_0000_0000);
    assert.deepEqual(decodePipeFid(fid), { ...f, gen: pipeFidGen(f.gen) });
  }
  for (const fid of [0, 3, 0x7fff_ffff, 0x1_0000_0000, -1, 1.5]) assert.equal(decodePipeFid(fid), null);
});

test('a cut write by the only writer: what it put counts, and a write that put nothing may be made again', () => {
  const arena = Arena.create(ARENA);
  const ring = pipeOn(arena, 1, 5, 1, 1);
  const fid = encodePipeFid({ ring: 1, gen: 5, write: true, index: 0 });
  let m = markPipe(arena, fid);
  assert.ok(m);
  assert.equal(movedByCut(m), 0, 'nothing put: make it again');
  ring.put(new Uint8Array(1000)); // the VFS put the bytes, then was killed before it answered
  assert.equal(movedByCut(m), 1000);
  // The counters wrap: the count is taken modulo 2^32.
  ring.setWord(RingWord.READ, 0xffffff00 | 0);
  ring.setWord(RingWord.WRITTEN, 0xffffff00 | 0);
  m = markPipe(arena, fid);
  ring.put(new Uint8Array(600));
  assert.equal(movedByCut(m), 600);
});

test('a cut read by the only reader: what it took counts (its bytes are in the caller\'s buffer)', () => {
  const arena = Arena.create(ARENA);
  const ring = pipeOn(arena, 2, 9, 1, 1);
  ring.put(new Uint8Array(300));
  const m = markPipe(arena, encodePipeFid({ ring: 2, gen: 9, write: false, index: 1 }));
  ring.takeInto(new Uint8Array(200), 0, 200);
  assert.equal(movedByCut(m), 200);
});

test('another end of the same side, before or after, makes a moved counter unknown', () => {
  const arena = Arena.create(ARENA);
  const ring = pipeOn(arena, 0, 1, 1, 2);
  const fid = encodePipeFid({ ring: 0, gen: 1, write: true, index: 0 });
  let m = markPipe(arena, fid);
  assert.equal(movedByCut(m), 0, 'no one put anything: making it again is safe');
  ring.put(new Uint8Array(10));
  assert.equal(movedByCut(m), null, 'two writers: whose bytes is not known');
  ring.setWord(RingWord.WRITERS, 1);
  m = markPipe(arena, fid);
  ring.setWord(RingWord.WRITERS, 2); // another writer came and may have written
  ring.put(new Uint8Array(10));
  assert.equal(movedByCut(m), null);
  // The other side's ends do not matter.
  ring.setWord(RingWord.WRITERS, 1);
  ring.setWord(RingWord.READERS, 3);
  m = markPipe(arena, fid);
  ring.put(new Uint8Array(10));
  assert.equal(movedByCut(m), 10);
});

test('a ring given to another pipe since is unknown; a fid of no ring of the arena moved nothing', () => {
  const arena = Arena.create(ARENA);
  const ring = pipeOn(arena, 1, 4, 1, 1);
  const fid = encodePipeFid({ ring: 1, gen: 4, write: true, index: 0 });
  const m = markPipe(arena, fid);
  ring.setWord(RingWord.GEN, 5);
  assert.equal(movedByCut(m), null);
  assert.equal(markPipe(arena, fid), null, 'the fid names a generation the ring no longer has');
  assert.equal(markPipe(arena, encodePipeFid({ ring: 3, gen: 0, write: true, index: 0 })), null, 'past the arena\'s rings');
  assert.equal(markPipe(arena, 12), null, 'not a pipe fid');
  assert.equal(movedByCut(null), 0);
});

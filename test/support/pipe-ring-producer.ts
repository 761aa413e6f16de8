/**
 * A worker thread that writes `bytes` bytes of a counting pattern (byte i = i mod 251) into a
 * pipe ring in shared memory as its producer, in pieces of varying size, sleeping on the ring's
 * EVENT word while it is full (test/ipc/pipe-ring.test.ts).
 */

import { workerData, parentPort } from 'node:worker_threads';
import { PipeRing, RingWord } from '../../src/ipc/pipe-ring.js';

const { buffer, base, dataOffset, dataBytes, bytes } = workerData as { buffer: SharedArrayBuffer; base: number; dataOffset: number; dataBytes: number; bytes: number };
const ring = new PipeRing(new Int32Array(buffer), base, new Uint8Array(buffer, dataOffset, dataBytes));
const piece = new Uint8Array(7001);
let sent = 0;
let size = 1;
while (sent < bytes) {
  const n = Math.min(size, bytes - sent, piece.length);
  for (let i = 0; i < n; i++) piece[i] = (sent + i) % 251;
  let done = 0;
  while (done < n) {
    const seen = ring.word(RingWord.EVENT);
    const put = ring.put(piece.subarray(done, n));
    done += put;
    if (put === 0) Atomics.wait(ring.i32, base + RingWord.EVENT, seen, 1000);
  }
  sent += n;
  size = (size * 7 + 13) % 7001 || 1;
}
parentPort!.postMessage('done');

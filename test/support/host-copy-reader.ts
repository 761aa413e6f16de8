/**
 * Worker for the host-copy race test (test/ipc/host-copies.test.ts): looks a host file's copy up
 * by identity, as a local kernel does at a local open, and reads it, as fast as it can, while the
 * main thread revokes and refills the copy with new versions (each of its own mtime, every byte
 * the version's number). A read the lookup and the token accept must be all of the version it
 * asked for: it counts accepted reads, refused ones and wrong ones (which must stay 0).
 *
 * ctrl (Int32Array): [0] the version last published, [1] stop, [2] attempts, [3] accepted,
 * [4] refused, [5] wrong.
 */

import { workerData } from 'node:worker_threads';
import { Arena } from '../../src/ipc/arena.js';
import { findHostCopy } from '../../src/ipc/host-copies.js';
import { readCached } from '../../src/ipc/page-cache-read.js';

const { arena: buffer, ctrl: ctrlBuffer, size, dev, ino, mtimeBase } = workerData as {
  arena: SharedArrayBuffer; ctrl: SharedArrayBuffer; size: number; dev: number; ino: number; mtimeBase: bigint;
};
const arena = Arena.attach(buffer);
const ctrl = new Int32Array(ctrlBuffer);
const buf = new Uint8Array(size);
while (Atomics.load(ctrl, 1) === 0) {
  const version = Atomics.load(ctrl, 0);
  const token = findHostCopy(arena, { dev, ino, size, mtimeNs: mtimeBase + BigInt(version) });
  const n = token === null ? -1 : readCached(arena, token, 0, [buf]);
  if (n < 0) Atomics.add(ctrl, 4, 1);
  else {
    let wrong = n !== size;
    for (let i = 0; i < n && !wrong; i++) wrong = buf[i] !== (version & 0xff);
    Atomics.add(ctrl, wrong ? 5 : 3, 1);
  }
  Atomics.add(ctrl, 2, 1);
  Atomics.notify(ctrl, 2);
}

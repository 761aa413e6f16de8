/**
 * Worker for the address-token race test: reads a page-cache entry under whatever token the main
 * thread last published, as fast as it can, while the main thread revokes and refills the entry
 * with new contents. Every read the token check accepts must hold one version only (all bytes
 * equal); it counts accepted reads, refused ones and torn ones (which must stay 0).
 *
 * ctrl (Int32Array): [0] token seq (even = stable), [1] entry, [2] generation, [3] stop,
 * [4] attempts, [5] accepted, [6] refused, [7] torn.
 */

import { workerData } from 'node:worker_threads';
import { Arena, CacheWord } from '../../src/ipc/arena.js';
import { readCached } from '../../src/ipc/page-cache-read.js';

const { arena: buffer, ctrl: ctrlBuffer, size } = workerData as { arena: SharedArrayBuffer; ctrl: SharedArrayBuffer; size: number };
const arena = Arena.attach(buffer);
const ctrl = new Int32Array(ctrlBuffer);
const buf = new Uint8Array(size);
while (Atomics.load(ctrl, 3) === 0) {
  const seq = Atomics.load(ctrl, 0);
  const entry = Atomics.load(ctrl, 1), generation = Atomics.load(ctrl, 2);
  if ((seq & 1) !== 0 || Atomics.load(ctrl, 0) !== seq) continue;
  const n = readCached(arena, { entry, generation, word: arena.cacheEntryWord(entry) + CacheWord.GENERATION }, 0, [buf]);
  if (n < 0) Atomics.add(ctrl, 6, 1);
  else {
    let torn = n !== size;
    for (let i = 1; i < n && !torn; i++) torn = buf[i] !== buf[0];
    Atomics.add(ctrl, torn ? 7 : 5, 1);
  }
  Atomics.add(ctrl, 4, 1);
  Atomics.notify(ctrl, 4);
}

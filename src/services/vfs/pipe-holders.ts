/**
 * A pipe's holder table, in its ring's header (ipc/pipe-ring.ts): which sessions hold fids of
 * which end, kept by the VFS as fids are added and closed, so that a restarted VFS can take the
 * pipe over — it knows whose fids to honour, and whose ends to count until their sessions end.
 *
 * Rows are (badge, read fids, write fids); a row with no fids is free. A pipe held by more
 * sessions than there are rows marks itself OVERFLOW and is not taken over. Beside it, the share
 * tokens of the pipe's ends not yet taken (token, sharer, end), so a child a parent was starting
 * can still take its end from the VFS after; a token the table has no room for is not kept (it
 * dies with the VFS, as every token did before). Only the VFS writes the tables.
 */

import { HOLDER_ROWS, HOLDER_WORDS, HolderWord, type PipeRing, RingWord, TOKEN_ROWS, TOKEN_WORDS, TokenWord } from '../../ipc/pipe-ring.js';

export interface Holder { readonly badge: number; readonly reads: number; readonly writes: number }
export interface SharedEnd { readonly token: number; readonly sharer: number; readonly write: boolean }

function f64Of(ring: PipeRing): Float64Array {
  return new Float64Array(ring.i32.buffer, ring.i32.byteOffset, ring.i32.length >> 1);
}

function rowWord(ring: PipeRing, row: number): number {
  return ring.base + RingWord.HOLDERS + row * HOLDER_WORDS;
}

/** Count `delta` (±1) fids of the write (`write`) or read end held by session `badge`. */
export function hold(ring: PipeRing, badge: number, write: boolean, delta: number): void {
  const i32 = ring.i32;
  const f64 = f64Of(ring);
  let free = -1;
  for (let row = 0; row < HOLDER_ROWS; row++) {
    const w = rowWord(ring, row);
    const used = i32[w + HolderWord.READS]! + i32[w + HolderWord.WRITES]! > 0;
    if (used && f64[(w + HolderWord.BADGE) >> 1] === badge) {
      i32[w + (write ? HolderWord.WRITES : HolderWord.READS)]! += delta;
      return;
    }
    if (!used && free < 0) free = row;
  }
  if (delta < 0) return; // a fid counted while the table was full
  if (free < 0) {
    ring.setWord(RingWord.OVERFLOW, 1);
    return;
  }
  const w = rowWord(ring, free);
  f64[(w + HolderWord.BADGE) >> 1] = badge;
  i32[w + HolderWord.READS] = write ? 0 : delta;
  i32[w + HolderWord.WRITES] = write ? delta : 0;
}

/** Every session holding the pipe, with its fids of each end. */
export function holders(ring: PipeRing): Holder[] {
  const i32 = ring.i32;
  const f64 = f64Of(ring);
  const out: Holder[] = [];
  for (let row = 0; row < HOLDER_ROWS; row++) {
    const w = rowWord(ring, row);
    const reads = i32[w + HolderWord.READS]!, writes = i32[w + HolderWord.WRITES]!;
    if (reads + writes > 0) out.push({ badge: f64[(w + HolderWord.BADGE) >> 1]!, reads, writes });
  }
  return out;
}

function tokenWord(ring: PipeRing, row: number): number {
  return ring.base + RingWord.TOKENS + row * TOKEN_WORDS;
}

/** Keep share token `token` of an end (`write`) made by session `sharer`. */
export function addToken(ring: PipeRing, token: number, sharer: number, write: boolean): void {
  const f64 = f64Of(ring);
  for (let row = 0; row < TOKEN_ROWS; row++) {
    const w = tokenWord(ring, row);
    if (f64[(w + TokenWord.TOKEN) >> 1] !== 0) continue;
    f64[(w + TokenWord.SHARER) >> 1] = sharer;
    ring.i32[w + TokenWord.WRITE] = write ? 1 : 0;
    f64[(w + TokenWord.TOKEN) >> 1] = token;
    return;
  }
}

/** Token `token` was taken or released. */
export function removeToken(ring: PipeRing, token: number): void {
  const f64 = f64Of(ring);
  for (let row = 0; row < TOKEN_ROWS; row++) {
    const w = tokenWord(ring, row);
    if (f64[(w + TokenWord.TOKEN) >> 1] === token) f64[(w + TokenWord.TOKEN) >> 1] = 0;
  }
}

/** Every share token of the pipe's ends not yet taken. */
export function tokens(ring: PipeRing): SharedEnd[] {
  const f64 = f64Of(ring);
  const out: SharedEnd[] = [];
  for (let row = 0; row < TOKEN_ROWS; row++) {
    const w = tokenWord(ring, row);
    const token = f64[(w + TokenWord.TOKEN) >> 1]!;
    if (token !== 0) out.push({ token, sharer: f64[(w + TokenWord.SHARER) >> 1]!, write: ring.i32[w + TokenWord.WRITE] === 1 });
  }
  return out;
}

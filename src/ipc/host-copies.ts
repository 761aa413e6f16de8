/**
 * The host copy index (docs/decisions/026-host-write-words.md): a page-cache copy of a host file
 * found by the file's identity, so a local kernel that opened the file on a descriptor of its own
 * (a local open, which the VFS never sees) reads the copy with no call.
 *
 * The file system that owns the entry (page-cache.ts) writes the file's identity into the entry
 * with its other words, bumps the generation (the publication), then sets PUBLISHED and the
 * index slot; a revocation clears PUBLISHED and the slot (if it still names the entry) *before*
 * it bumps the generation. A reader loads the generation, then PUBLISHED, the identity, size,
 * mtime and host write word, then the generation again: it takes a token only if PUBLISHED was 1
 * and the generation did not move — so never one of an entry being revoked or filled anew (its
 * PUBLISHED is 0 from before the revocation's bump until after the next publication's).
 *
 * Invariants: only the owning file system writes an entry's words and its slot (a slot names at
 * most one entry; two files sharing a slot: the later copy takes it); a token is handed out only
 * for a copy of the very file (device, inode), of the size and host mtime the caller's own fstat
 * of it gave, whose host write word has not moved since the copy was taken.
 */

import { type Arena, CacheWord, HOST_COPY_SLOTS } from './arena.js';
import { type PageToken, copyUnwritten } from './page-cache-read.js';

/** What identifies a host file's contents for a copy: its device and inode, its size and host mtime. */
export interface HostCopyIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeNs: bigint;
}

const U32 = 0x1_0000_0000;
const low = (n: number): number => (n % U32) | 0;
const high = (n: number): number => Math.floor(n / U32) | 0;
const lowNs = (t: bigint): number => Number(BigInt.asIntN(32, t));
const highNs = (t: bigint): number => Number(BigInt.asIntN(32, t >> 32n));

/** Write the identity of the file entry `entry` holds a copy of (before the entry is published). */
export function writeHostIdentity(arena: Arena, entry: number, id: HostCopyIdentity): void {
  const w = arena.cacheEntryWord(entry), i32 = arena.i32;
  i32[w + CacheWord.HOST_DEV_LO] = low(id.dev);
  i32[w + CacheWord.HOST_DEV_HI] = high(id.dev);
  i32[w + CacheWord.HOST_INO_LO] = low(id.ino);
  i32[w + CacheWord.HOST_INO_HI] = high(id.ino);
  i32[w + CacheWord.HOST_MTIME_LO] = lowNs(id.mtimeNs);
  i32[w + CacheWord.HOST_MTIME_HI] = highNs(id.mtimeNs);
}

/** After the publication of `entry` (its generation bumped): let local kernels find it. Returns the slot taken. */
export function publishHostCopy(arena: Arena, entry: number, id: HostCopyIdentity): number {
  const w = arena.cacheEntryWord(entry);
  Atomics.store(arena.i32, w + CacheWord.PUBLISHED, 1);
  const slot = arena.hostCopySlot(id.dev, id.ino);
  Atomics.store(arena.i32, slot, entry + 1);
  return slot;
}

/** Before `entry`'s revocation (its generation bumped): no local kernel finds it from now on. */
export function withdrawHostCopy(arena: Arena, entry: number, slot: number): void {
  Atomics.store(arena.i32, arena.cacheEntryWord(entry) + CacheWord.PUBLISHED, 0);
  if (slot >= 0) Atomics.compareExchange(arena.i32, slot, entry + 1, 0);
}

/**
 * A file system's page cache starts (again, after a restart): withdraw every copy its slice of
 * entries [first, first + count) held, before any entry is reused — the caller then revokes them.
 */
export function withdrawSlice(arena: Arena, first: number, count: number): void {
  for (let e = first; e < first + count; e++) Atomics.store(arena.i32, arena.cacheEntryWord(e) + CacheWord.PUBLISHED, 0);
  const slots = arena.hostCopySlots;
  for (let s = slots; s < slots + HOST_COPY_SLOTS; s++) {
    const named = Atomics.load(arena.i32, s) - 1;
    if (named >= first && named < first + count) Atomics.compareExchange(arena.i32, s, named + 1, 0);
  }
}

/** A token on a published copy of the file `id` describes, if the index names one that still holds; else null. */
export function findHostCopy(arena: Arena, id: HostCopyIdentity): PageToken | null {
  const i32 = arena.i32;
  const entry = Atomics.load(i32, arena.hostCopySlot(id.dev, id.ino)) - 1;
  if (entry < 0 || entry >= (arena.config.cacheEntries ?? 0)) return null;
  const w = arena.cacheEntryWord(entry);
  const word = w + CacheWord.GENERATION;
  const generation = Atomics.load(i32, word);
  if (Atomics.load(i32, w + CacheWord.PUBLISHED) !== 1) return null;
  if (i32[w + CacheWord.HOST_DEV_LO] !== low(id.dev) || i32[w + CacheWord.HOST_DEV_HI] !== high(id.dev)
    || i32[w + CacheWord.HOST_INO_LO] !== low(id.ino) || i32[w + CacheWord.HOST_INO_HI] !== high(id.ino)
    || i32[w + CacheWord.HOST_MTIME_LO] !== lowNs(id.mtimeNs) || i32[w + CacheWord.HOST_MTIME_HI] !== highNs(id.mtimeNs)
    || i32[w + CacheWord.SIZE] !== id.size) return null;
  if (!arena.isHostWriteWord(i32[w + CacheWord.HOST_WRITES]!) || !copyUnwritten(arena, w)) return null;
  if (Atomics.load(i32, word) !== generation) return null;
  return { entry, generation, word };
}

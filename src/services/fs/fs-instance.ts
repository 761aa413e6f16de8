/**
 * What every file-system kind's factory does the same way: where its node numbers start (so a
 * restarted instance never reuses one a client kept), its page cache (the slice of the arena's
 * page cache the system gave it, if any) and its change word (if it has one).
 */

import type { Caller } from '../../ipc/caller.js';
import type { ThreadPlatform } from '../../host/thread-platform.js';
import { type CacheSlice, PageCache } from './page-cache.js';
import { ChangeWord } from './change-word.js';

/**
 * Where a file system's node numbers start: a random multiple of 2^32 below 2^52, so numbers a
 * client kept from an instance before a restart are unknown to this one (ENOENT, never another file).
 */
export function firstNode(platform: ThreadPlatform): number {
  const r = new Uint32Array(1);
  platform.randomFill(new Uint8Array(r.buffer));
  return ((r[0]! & 0xfffff) + 1) * 0x1_0000_0000;
}

/** The file system's page cache over `slice` of the arena, or null when it was given none. */
export function pageCacheOf(caller: Caller, slice: CacheSlice | undefined): PageCache | null {
  return slice && slice.entries > 0 && slice.pages > 0 ? new PageCache(caller.arena, slice) : null;
}

/** The file system's change word (change-word.ts) with its slots unless `slots` is false, or null when the system gave it none. */
export function changeWordOf(caller: Caller, index: number | undefined, slots = true): ChangeWord | null {
  if (index === undefined) return null;
  return new ChangeWord(caller.arena, caller.arena.changeWord(index), slots ? caller.arena.changeSlots(index) : -1);
}

/** What the system adds to the configuration of a file system that caches pages. */
export interface CachedFsConfig {
  /** Its slice of the arena's page cache (absent: no page cache). */
  readonly cache?: CacheSlice;
  /** Its change word, by index (absent: none; only for a file system that changes only through Keel). */
  readonly changeWord?: number;
  /** false: the change word without its slots (the bench's ablation; absent: with them). */
  readonly changeSlots?: boolean;
}

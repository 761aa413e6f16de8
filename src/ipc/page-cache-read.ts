/**
 * Reading cached file data under an address token: the local kernel's side of the page cache.
 *
 * A file system that owns a page-cache entry keeps the whole file in it (size, page list, pages,
 * see CacheWord in arena.ts) and grants a token on the entry's generation word. While the token
 * holds, the local kernel copies file bytes straight from the pages into the program's buffers.
 * The owner bumps the generation before it changes or frees anything the entry names, so a copy
 * that overlapped a change fails the closing check and the caller reads through IPC instead.
 * A copy of a host file also holds only while the file's host write word is unchanged: a write
 * on a program's own descriptor (which the owner never sees) bumps it before the write returns,
 * so a read that starts after that write returned never sees the older copy.
 */

import { type Arena, CacheWord, ENTRY_MAX_PAGES, PAGE_BYTES } from './arena.js';
import { type AddressToken, tokenHeld, tokenValid } from './address-token.js';

/** A token on one page-cache entry. */
export interface PageToken extends AddressToken {
  readonly entry: number;
}

/**
 * Whether the entry whose word 0 is `base` is not a host file's copy, or its host write word has
 * not moved since the copy was taken (no write on a program's own descriptor since: arena.ts).
 */
export function copyUnwritten(arena: Arena, base: number): boolean {
  const i32 = arena.i32;
  const hostWrites = i32[base + CacheWord.HOST_WRITES]!;
  return hostWrites === 0 || Atomics.load(i32, hostWrites) === i32[base + CacheWord.HOST_WRITES_SEEN];
}

/**
 * Copy the file's bytes from `offset` into `into` (in order, up to end of file). Returns the
 * bytes copied, or -1 when the token no longer holds (nothing copied may be trusted).
 */
export function readCached(arena: Arena, t: PageToken, offset: number, into: readonly Uint8Array[]): number {
  if (!tokenValid(arena, t)) return -1;
  const base = arena.cacheEntryWord(t.entry);
  const i32 = arena.i32;
  if (!copyUnwritten(arena, base)) return -1;
  const size = i32[base + CacheWord.SIZE]!;
  const pages = i32[base + CacheWord.PAGES]!;
  if (size < 0 || pages < 0 || pages > ENTRY_MAX_PAGES || size > pages * PAGE_BYTES) return -1;
  const u8 = arena.u8;
  let at = offset;
  let total = 0;
  for (const dst of into) {
    let done = 0;
    while (done < dst.length && at < size) {
      const page = Math.floor(at / PAGE_BYTES);
      const within = at - page * PAGE_BYTES;
      const n = Math.min(dst.length - done, PAGE_BYTES - within, size - at);
      const src = arena.cachePageOffset(i32[base + CacheWord.PAGE_LIST + page]!) + within;
      dst.set(u8.subarray(src, src + n), done);
      done += n;
      at += n;
    }
    total += done;
    if (at >= size) break;
  }
  return tokenHeld(arena, t) ? total : -1;
}

/**
 * The page cache of one file system: whole files (up to ENTRY_MAX_PAGES pages) copied into its
 * slice of the arena's page-cache area, so local kernels can read them under address tokens with
 * no IPC (see ipc/page-cache-read.ts for the reader).
 *
 * Invariants:
 *   - only this file system writes its slice's entries and pages;
 *   - an entry's generation is bumped *before* anything it names is changed or reused, so a
 *     token granted earlier fails its reader's closing check;
 *   - the file system revokes a node's entry before every change to the node's data (write,
 *     truncate) and when the node's size or mtime changed behind its back (hostfs: checked at
 *     each open — close-to-open consistency, as NFS gives);
 *   - entries are evicted least recently mapped first when the slice runs out;
 *   - a new instance (a restart) revokes every entry of its slice before it reuses any;
 *   - a host file's copy names the file's host write word and the value it had before the copy
 *     was read (arena.ts): a program's write on a descriptor of its own, which this file system
 *     never sees, bumps it, and a copy whose word moved is never handed out again (it is revoked
 *     and filled anew at the next map);
 *   - a host file's copy is listed in the host copy index from just after its publication to just
 *     before its revocation (ipc/host-copies.ts), with the file's identity and host mtime, so a
 *     local kernel that opened the file itself can find it.
 */

import { type Arena, CacheWord, ENTRY_MAX_PAGES, PAGE_BYTES } from '../../ipc/arena.js';
import { revokeTokens } from '../../ipc/address-token.js';
import { copyUnwritten } from '../../ipc/page-cache-read.js';
import { publishHostCopy, withdrawHostCopy, withdrawSlice, writeHostIdentity } from '../../ipc/host-copies.js';
import { Errno } from '../../abi/errno.js';
import { FreeIds } from './free-ids.js';

/** The part of the arena's page cache one file system owns (given at boot). */
export interface CacheSlice {
  readonly firstEntry: number;
  readonly entries: number;
  readonly firstPage: number;
  readonly pages: number;
}

/** A host file: the device and inode its host write word and its slot in the host copy index are found by. */
export interface HostFileId {
  readonly dev: number;
  readonly ino: number;
}

/**
 * A host file about to be copied: its identity, its host mtime (ns) as the file system read it
 * before the copy, and `pin`, which holds the file (a descriptor of it, so its inode is never
 * another file's while the copy is listed) until the function it returns is called — null: not
 * pinned, and the copy is not listed in the host copy index (only the file system's own opens
 * hand it out).
 */
export interface HostIdentity extends HostFileId {
  readonly mtimeNs: bigint;
  readonly pin: () => (() => void) | null;
}

/** Copies listed in the host copy index at most, per file system: each holds a host descriptor. */
export const MAX_LISTED = 64;

interface Cached {
  readonly entry: number;
  readonly pages: readonly number[];
  /** What the file looked like when filled (size and mtime). */
  readonly stamp: string;
  /** Its slot in the host copy index (ipc/host-copies.ts), or -1 (not listed there). */
  readonly slot: number;
  /** Unpins the host file, once the copy is withdrawn from the index. */
  readonly release: (() => void) | null;
}

export class PageCache {
  private readonly freeEntries: FreeIds;
  private readonly freePages: FreeIds;
  /** Cached nodes, least recently mapped first. */
  private readonly byNode = new Map<number, Cached>();
  /** Copies listed in the host copy index now. */
  private listed = 0;

  constructor(private readonly arena: Arena, slice: CacheSlice) {
    this.freeEntries = new FreeIds(slice.firstEntry, slice.entries);
    this.freePages = new FreeIds(slice.firstPage, slice.pages);
    // A restarted file system finds its slice as the last instance left it: tokens local kernels
    // still hold, copies still listed. All are revoked before any entry or page is reused.
    withdrawSlice(arena, slice.firstEntry, slice.entries);
    for (let e = slice.firstEntry; e < slice.firstEntry + slice.entries; e++) revokeTokens(arena, arena.cacheEntryWord(e) + CacheWord.GENERATION);
  }

  /**
   * A token for `node`'s data: its entry and generation, filling the entry with `read` first if
   * the node is not cached. EFBIG for files larger than an entry holds, ENOSPC when the whole
   * slice is smaller than the file.
   */
  map(node: number, size: number, stamp: string, read: (offset: number, length: number) => Uint8Array | number, host: HostIdentity | null = null): { entry: number; generation: number } | number {
    const have = this.byNode.get(node);
    if (have && have.stamp === stamp && copyUnwritten(this.arena, this.arena.cacheEntryWord(have.entry))) {
      this.byNode.delete(node);
      this.byNode.set(node, have);
      return this.tokenFor(node)!;
    }
    if (have) this.revoke(node);
    const want = Math.ceil(size / PAGE_BYTES);
    if (want > ENTRY_MAX_PAGES) return Errno.FBIG;
    while ((this.freeEntries.size === 0 || this.freePages.size < want) && this.byNode.size > 0) {
      this.revoke(this.byNode.keys().next().value!);
    }
    if (this.freeEntries.size === 0 || this.freePages.size < want) return Errno.NOSPC;
    const entry = this.freeEntries.take(1)[0]!;
    const pages = this.freePages.take(want);
    // Read before the file is: a write that lands while the copy is taken moves it.
    const hostWrites = host ? this.arena.hostWriteWord(host.dev, host.ino) : 0;
    const seen = host ? Atomics.load(this.arena.i32, hostWrites) : 0;
    const u8 = this.arena.u8;
    for (let done = 0; done < size;) {
      const data = read(done, Math.min(size - done, 64 * 1024));
      if (typeof data === 'number' || data.length === 0) {
        this.freeEntries.give([entry]);
        this.freePages.give(pages);
        return typeof data === 'number' ? data : Errno.IO;
      }
      for (let i = 0; i < data.length;) {
        const at = done + i;
        const page = Math.floor(at / PAGE_BYTES);
        const n = Math.min(data.length - i, PAGE_BYTES - (at - page * PAGE_BYTES));
        u8.set(data.subarray(i, i + n), this.arena.cachePageOffset(pages[page]!) + (at - page * PAGE_BYTES));
        i += n;
      }
      done += data.length;
    }
    const w = this.arena.cacheEntryWord(entry);
    const i32 = this.arena.i32;
    i32[w + CacheWord.NODE] = node;
    i32[w + CacheWord.SIZE] = size;
    i32[w + CacheWord.PAGES] = want;
    i32[w + CacheWord.HOST_WRITES] = hostWrites;
    i32[w + CacheWord.HOST_WRITES_SEEN] = seen;
    if (host) writeHostIdentity(this.arena, entry, { ...host, size });
    pages.forEach((p, i) => { i32[w + CacheWord.PAGE_LIST + i] = p; });
    // Publish: a reader that sees this generation sees everything written above.
    const generation = revokeTokens(this.arena, w + CacheWord.GENERATION);
    const release = host ? this.pinToList(host) : null;
    const slot = release ? publishHostCopy(this.arena, entry, { ...host!, size }) : -1;
    if (release) this.listed++;
    this.byNode.set(node, { entry, pages, stamp, slot, release });
    return { entry, generation };
  }

  /** Revoke every token on `node`'s entry and free it (before the node's data changes). */
  revoke(node: number): void {
    const have = this.byNode.get(node);
    if (!have) return;
    // Found by no local kernel before the tokens it may hold are revoked (host-copies.ts).
    withdrawHostCopy(this.arena, have.entry, have.slot);
    revokeTokens(this.arena, this.arena.cacheEntryWord(have.entry) + CacheWord.GENERATION);
    if (have.release) {
      have.release();
      this.listed--;
    }
    this.byNode.delete(node);
    this.freeEntries.give([have.entry]);
    this.freePages.give(have.pages);
  }

  /**
   * Pin `host` for a copy about to be listed, first revoking the least recently mapped listed copy
   * if MAX_LISTED are: its release, or null (not pinned: the copy is not listed).
   */
  private pinToList(host: HostIdentity): (() => void) | null {
    if (this.listed >= MAX_LISTED) {
      for (const [node, c] of this.byNode) {
        if (c.release === null) continue;
        this.revoke(node);
        break;
      }
    }
    return host.pin();
  }

  /**
   * The file system changed host file `host`'s data (a write, a truncate): copies of it under any
   * node, in any file system's cache (hard links, two mounts of one directory), stop holding —
   * after the change, before the call that made it returns.
   */
  hostWritten(host: HostFileId): void {
    Atomics.add(this.arena.i32, this.arena.hostWriteWord(host.dev, host.ino), 1);
  }

  /** Revoke every entry (the file system stops): no copy stays listed, no token holds. */
  revokeAll(): void {
    for (const node of [...this.byNode.keys()]) this.revoke(node);
  }

  /** Revoke `node`'s entry if the file changed since it was filled (`stamp` is its size and mtime now). */
  revalidate(node: number, stamp: string): void {
    const have = this.byNode.get(node);
    if (have && have.stamp !== stamp) this.revoke(node);
  }

  /** The live token of a cached node (null if it is not cached, or its host file was written on a descriptor of its own since). */
  tokenFor(node: number): { entry: number; generation: number } | null {
    const have = this.byNode.get(node);
    if (!have) return null;
    if (!copyUnwritten(this.arena, this.arena.cacheEntryWord(have.entry))) {
      this.revoke(node);
      return null;
    }
    return { entry: have.entry, generation: Atomics.load(this.arena.i32, this.arena.cacheEntryWord(have.entry) + CacheWord.GENERATION) };
  }

  isCached(node: number): boolean {
    return this.byNode.has(node);
  }
}

/**
 * The local kernel's page-cache tokens, one per open file (fid), and when to ask for one.
 *
 * Reading a file through a token costs no IPC, but getting one costs a call and makes the file
 * system copy the file into the page cache, so the local kernel asks only for files that are
 * read again and again: after READS_BEFORE_MAP reads through IPC on the same fid — or at once,
 * free, when the open itself comes back with a token (the file was cached already). A file system
 * that cannot cache the file (too large, no page cache, not a regular file) is not asked again
 * for that fid. A revoked token (the file changed, or its entry was evicted) is dropped and the
 * next request waits twice as many IPC reads as the last, so a file that keeps changing settles
 * on plain IPC reads instead of filling the cache over and over — or, sooner, twice as long as the
 * last wait (1 ms, doubling to MAX_BACKOFF_MS): at most one copy of a file that keeps changing
 * every MAX_BACKOFF_MS, while a file that stops changing (a database between its writes and its
 * queries) is cached again within that time, however many reads the count had grown to. A token
 * that served SETTLED_READS reads before it was revoked starts the time over.
 */

import { CacheWord } from '../ipc/arena.js';
import type { Caller } from '../ipc/caller.js';
import { type PageToken, readCached } from '../ipc/page-cache-read.js';
import type { ProtocolClient } from '../ipc/protocol-client.js';
import type { vfsProtocol } from '../abi/protocols/vfs.js';
import { Errno } from '../abi/errno.js';

const READS_BEFORE_MAP = 2;
const MAX_WAIT = 1 << 16;
const MIN_BACKOFF_MS = 1;
const MAX_BACKOFF_MS = 64;
const SETTLED_READS = 64;

interface FileTokenState {
  token: PageToken | null;
  /** IPC reads on this fid since the last request (or since open); reads through the token. */
  reads: number;
  cachedReads: number;
  /** IPC reads to wait before the next request; Infinity once the file system said no. */
  wait: number;
  /** Or a request once this time (ms) has come (Infinity once the file system said no); the time to wait after the next revocation. */
  notBefore: number;
  backoff: number;
}

export class FileTokens {
  private readonly byFid = new Map<number, FileTokenState>();
  /** Statistics: reads answered from the page cache, tokens granted, tokens found revoked. */
  readonly stats = { cachedReads: 0, granted: 0, revoked: 0 };

  constructor(private readonly caller: Caller, private readonly vfs: ProtocolClient<typeof vfsProtocol>, private readonly now: () => number) {}

  private static fresh(token: PageToken | null): FileTokenState {
    return { token, reads: 0, cachedReads: 0, wait: READS_BEFORE_MAP, notBefore: 0, backoff: MIN_BACKOFF_MS };
  }

  /**
   * Read from the page cache if this fid holds (or now gets) a live token: bytes read, or -1 to
   * read through IPC instead.
   */
  read(fid: number, offset: number, into: readonly Uint8Array[]): number {
    let st = this.byFid.get(fid);
    if (!st) {
      st = FileTokens.fresh(null);
      this.byFid.set(fid, st);
    }
    if (!st.token && st.reads >= READS_BEFORE_MAP && (st.reads >= st.wait || this.now() >= st.notBefore)) this.request(fid, st);
    if (!st.token) {
      st.reads++;
      return -1;
    }
    const n = readCached(this.caller.arena, st.token, offset, into);
    if (n >= 0) {
      this.stats.cachedReads++;
      st.cachedReads++;
      return n;
    }
    // Revoked: back to IPC, and wait longer before asking again (unless the token served long).
    this.stats.revoked++;
    st.token = null;
    st.reads = 1;
    st.wait = Math.min(st.wait * 2, MAX_WAIT);
    st.backoff = st.cachedReads >= SETTLED_READS ? MIN_BACKOFF_MS : Math.min(st.backoff * 2, MAX_BACKOFF_MS);
    st.notBefore = this.now() + st.backoff;
    return -1;
  }

  /**
   * A VFS open answered: take the token it carries, if any (`cached` is 1 + the page-cache entry
   * when the file was already cached, 0 otherwise).
   */
  opened(open: { readonly fid: number; readonly cached: number; readonly generation: number }): void {
    if (open.cached === 0) return;
    this.byFid.set(open.fid, FileTokens.fresh(this.tokenOf(open.cached - 1, open.generation)));
    this.stats.granted++;
  }

  private tokenOf(entry: number, generation: number): PageToken {
    return { entry, generation, word: this.caller.arena.cacheEntryWord(entry) + CacheWord.GENERATION };
  }

  private request(fid: number, st: FileTokenState): void {
    st.reads = 0;
    const r = this.vfs.call('map', { fid });
    if (r.transport !== 0 || r.status !== 0) {
      // No cache for this file (or a full one): stop asking, except after ENOSPC, which may pass.
      if (r.transport === 0 && r.status === Errno.NOSPC) {
        st.wait = Math.min(st.wait * 4, MAX_WAIT);
        st.backoff = Math.min(st.backoff * 4, MAX_BACKOFF_MS);
        st.notBefore = this.now() + st.backoff;
      } else st.wait = st.notBefore = Infinity;
      return;
    }
    const { entry, generation } = r.reply!;
    st.token = this.tokenOf(entry, generation);
    st.cachedReads = 0;
    this.stats.granted++;
  }

  /** The fid was closed: forget its token. */
  forget(fid: number): void {
    this.byFid.delete(fid);
  }
}

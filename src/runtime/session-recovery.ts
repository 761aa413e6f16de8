/**
 * Transparent recovery of a process's VFS session (MINIX 3's reincarnation with state recovery,
 * done by the client): when the VFS, or the file system behind an open file, is restarted by the
 * supervisor, the local kernel re-establishes what the process had — its preopened directories
 * and the files and directories it opened — on its own, and the call that found the session gone
 * is retried if repeating it cannot change its effect (see LocalKernel.vfs: recoveringClient).
 *
 * How a lost session shows: a transport error (the service died, or is not serving yet; or
 * BAD_HANDLE for a call the VFS forwarded under its own handle just before it died); EBADF
 * for a fid the local kernel holds while the VFS endpoint is served by a new incarnation (a
 * restarted VFS starts its fids elsewhere, so an old fid names nothing); or ESTALE, which a live
 * VFS answers for a fid whose file system was restarted since the open.
 *
 * What is re-opened: every fd entry with an origin — the VFS path of a directory to open as a
 * root (a preopen's VFS path), the path under it, the lookup flag and the open flags without
 * O_CREAT, O_EXCL and O_TRUNC (the file exists; it must not be emptied again). Offsets and fd
 * flags live in the fd table and are kept. Writes made since the file's last successful sync are
 * kept here (up to UNSYNCED_LIMIT bytes a file; past it none are, until the next sync) and
 * written again after the re-open, so a file system that restarts from its last commit
 * (diskfs) ends up with what the program wrote. A pipe end keeps its fid, which a restarted VFS
 * that took the pipe over knows by its number. Files without an origin cannot be re-made: their
 * calls answer EIO from then on.
 *
 * Waiting: for the VFS to serve again, on its endpoint's serve counter (the kernel notifies it);
 * for a file system behind it, by retrying the re-open with a growing pause. Both are bounded by
 * RECOVERY_MS; past it, the call answers EIO as before.
 */

import { Errno } from '../abi/errno.js';
import { Status } from '../abi/status.js';
import { OFLAG_CREAT, OFLAG_EXCL, OFLAG_TRUNC } from '../abi/protocols/vfs.js';
import type { Caller } from '../ipc/caller.js';
import type { FdEntry, FdTable, FileOrigin } from './fd-table.js';
import { isLocalFid } from './local-opens.js';

/** How long recovery waits for the services to come back before the call answers EIO. */
export const RECOVERY_MS = 20_000;
/** Unsynced bytes kept per file for replay; past this none are kept until the file is synced. */
export const UNSYNCED_LIMIT = 1 << 20;

/** The open flags a re-open uses: never create, require absence or truncate again. */
export function reopenFlags(packed: number): number {
  return packed & ~(OFLAG_CREAT | OFLAG_EXCL | OFLAG_TRUNC);
}

/** A file's origin seen from `dir` (the directory fd it was opened under), or undefined. */
export function originUnder(dir: FdEntry, path: string, lookup: number, oflags: number): FileOrigin | undefined {
  if (!dir.origin) return undefined;
  const base = dir.origin.path;
  return { root: dir.origin.root, path: base === '' ? path : `${base}/${path}`, lookup, oflags: reopenFlags(oflags) };
}

/** The VFS calls recovery needs (the raw client: no recovery of its own). */
export interface RawVfs {
  openRoot(path: string): { fid: number } | number;
  open(dir: number, lookup: number, oflags: number, path: string): { fid: number } | number;
  close(fid: number): void;
  write(fid: number, offset: number, data: Uint8Array): number;
  /** What the local kernel kept for `fid` (tokens, grants) is no longer of use: it was replaced. */
  forget(fid: number): void;
}

interface UnsyncedWrite { readonly offset: number; readonly data: Uint8Array }

export class SessionRecovery {
  private fds: FdTable | null = null;
  /** The VFS incarnation the session's fids were made in (-1: not known yet). */
  private incarnation = -1;
  private readonly unsynced = new Map<number, { writes: UnsyncedWrite[]; bytes: number }>();
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  /** Counts: sessions re-established, files re-opened, calls retried, calls answered EIO. */
  readonly stats = { recoveries: 0, reopened: 0, retried: 0, failed: 0 };

  constructor(private readonly caller: Caller, private readonly vfsHandle: number, private readonly raw: RawVfs, private readonly now: () => number) {}

  /**
   * The fd table whose entries recovery re-opens (set once the process has one). `madeIn`: the VFS
   * incarnation the fids it was given were made in (proc's, when it took them in for the process),
   * if known.
   */
  adopt(fds: FdTable, madeIn = -1): void {
    this.fds = fds;
    // With fids of two incarnations (proc's from before a restart, the process's own from after),
    // the older is the session's: an EBADF after a restart then always counts as a lost session.
    if (madeIn >= 0 && (this.incarnation < 0 || madeIn < this.incarnation)) this.incarnation = madeIn;
    else this.noteIncarnation();
  }

  /** The VFS's incarnation now (-1 while nobody serves it): read before a call, for noteIncarnation. */
  currentIncarnation(): number {
    return this.caller.incarnation(this.vfsHandle);
  }

  /**
   * Remember which VFS incarnation the session lives in, once: `seen`, read before a call that the
   * VFS then answered (a restart between the answer and a read after it would name the next
   * incarnation, whose EBADF for the session's fids would then not count as a lost session), else now.
   */
  noteIncarnation(seen = -1): void {
    if (this.incarnation < 0) this.incarnation = seen >= 0 ? seen : this.currentIncarnation();
  }

  /** Does this failure mean the session (or one file's place in it) was lost? */
  lost(transport: number, errno: number): boolean {
    // BAD_HANDLE while this process's own VFS handle resolves: the call was forwarded under the
    // VFS's handle and the VFS died before the file system took it (refused unrun: safe to retry).
    if (transport === Status.BAD_HANDLE) return this.currentIncarnation() >= 0 || this.caller.servesWord(this.vfsHandle) >= 0;
    if (transport !== Status.OK) return transport === Status.PEER_CLOSED || transport === Status.BAD_STATE;
    if (errno === Errno.STALE) return true;
    return errno === Errno.BADF && this.incarnation >= 0 && this.currentIncarnation() !== this.incarnation;
  }

  /**
   * A write that succeeded on `fid`, kept until the file is synced. Past UNSYNCED_LIMIT bytes the
   * file's writes are no longer kept (until its next sync): a restart then loses them where the
   * file system restarts from its last commit, as a crash would.
   */
  wrote(fid: number, offset: number, data: Uint8Array): void {
    let u = this.unsynced.get(fid);
    if (!u) this.unsynced.set(fid, (u = { writes: [], bytes: 0 }));
    if (u.bytes > UNSYNCED_LIMIT) return;
    u.bytes += data.length;
    if (u.bytes > UNSYNCED_LIMIT) u.writes = [];
    else u.writes.push({ offset, data: data.slice() });
  }

  /** `fid` was synced (or closed): its writes are the file system's now. */
  synced(fid: number): void {
    this.unsynced.delete(fid);
  }

  /**
   * Re-establish the session: wait for the VFS, re-open every entry with an origin, replay its
   * unsynced writes. Returns the old fid → new fid map (-1: could not be re-made), or null if the
   * services did not come back within RECOVERY_MS.
   */
  recover(): Map<number, number> | null {
    const deadline = this.now() + RECOVERY_MS;
    if (!this.awaitVfs(deadline)) return null;
    const now = this.currentIncarnation();
    const vfsRestarted = this.incarnation >= 0 && now !== this.incarnation;
    this.incarnation = now;
    this.stats.recoveries++;
    const moved = new Map<number, number>();
    const roots = new Map<string, number>();
    const entries = new Set<FdEntry>();
    for (const fd of this.fds?.fds() ?? []) entries.add(this.fds!.get(fd)!);
    for (const e of entries) {
      if (e.kind !== 'file' && e.kind !== 'dir' && e.kind !== 'pipe') continue;
      // A local open (local-opens.ts) is the host's: no service was holding it.
      if (isLocalFid(e.fid)) continue;
      // Another entry on the same fid (a directory opened as '.') was moved already: so is this
      // one, and what it kept of the old fid goes as that one's did.
      if (moved.has(e.fid)) {
        e.fid = moved.get(e.fid)!;
        if (e.kind !== 'pipe') {
          e.attributes = undefined;
          e.unread = undefined;
        }
        continue;
      }
      const old = e.fid;
      // A pipe end keeps its fid: a restarted VFS took the pipe over and knows the fid by its
      // number (services/vfs/pipe-table.ts), or answers EBADF for it. No file system is behind it.
      if (e.kind === 'pipe') {
        moved.set(old, old);
        continue;
      }
      if (!e.origin && !vfsRestarted) continue;
      const fid = e.origin ? this.reopen(e, roots, deadline) : -1;
      if (!vfsRestarted) this.raw.close(old);
      this.raw.forget(old);
      moved.set(old, fid);
      e.fid = fid;
      e.attributes = undefined;
      e.unread = undefined;
      if (fid >= 0) {
        this.stats.reopened++;
        this.replay(old, fid);
      }
    }
    const used = new Set(moved.values());
    for (const fid of roots.values()) if (fid >= 0 && !used.has(fid)) this.raw.close(fid);
    return moved;
  }

  /** Wait until the VFS serves again; false at the deadline. */
  private awaitVfs(deadline: number): boolean {
    return this.caller.awaitServed(this.vfsHandle, deadline, this.now);
  }

  /** Open `e` again by its origin; retried while its file system is coming back. -1 on failure. */
  private reopen(e: FdEntry, roots: Map<string, number>, deadline: number): number {
    const o = e.origin!;
    for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, 50)) {
      const r = this.reopenOnce(o, roots, e.kind === 'dir' && o.path === '');
      if (r >= 0) return r;
      // EIO: the file system behind is not serving yet; anything else will not change by waiting.
      if (r !== -Errno.IO && r !== -Errno.STALE) return -1;
      roots.delete(o.root);
      const left = deadline - this.now();
      if (left <= 0) return -1;
      Atomics.wait(this.pause, 0, 0, Math.min(left, pauseMs));
    }
  }

  /** One try: the new fid, or -errno. A root re-opened for the entry itself is not shared. */
  private reopenOnce(o: FileOrigin, roots: Map<string, number>, isRoot: boolean): number {
    if (isRoot) {
      const r = this.raw.openRoot(o.root);
      return typeof r === 'number' ? -r : r.fid;
    }
    let root = roots.get(o.root);
    if (root === undefined) {
      const r = this.raw.openRoot(o.root);
      if (typeof r === 'number') return -r;
      roots.set(o.root, (root = r.fid));
    }
    const r = this.raw.open(root, o.lookup, o.oflags, o.path);
    return typeof r === 'number' ? -r : r.fid;
  }

  /**
   * Write again what was written on `old` since its last sync, now on `fid`. The writes stay kept
   * under `fid` until a sync succeeds, whether or not this replay got through them: one cut by
   * yet another restart is made whole by the next recovery's replay (at an offset, a write
   * lands on the same bytes again). Dropping them here once let the sync that followed, on the
   * next instance, succeed without them.
   */
  private replay(old: number, fid: number): void {
    const u = this.unsynced.get(old);
    if (!u) return;
    this.unsynced.delete(old);
    this.unsynced.set(fid, u);
    for (const w of u.writes) if (this.raw.write(fid, w.offset, w.data) !== 0) return;
  }

  /** Pause before another try of a call whose service is still coming back. */
  pauseMs(ms: number): void {
    Atomics.wait(this.pause, 0, 0, ms);
  }

  /**
   * A raw read or write on `fid` failed with (transport, errno) on try `attempt` (0 first): the
   * fid to try again on, or -1 to answer the failure. The pauses between tries grow to 50 ms and
   * add up to about RECOVERY_MS.
   */
  regain(transport: number, errno: number, fid: number, attempt: number): number {
    if (!this.lost(transport, errno)) return -1;
    if (attempt > 0) {
      if (attempt > 7 + RECOVERY_MS / 50) return -1;
      this.pauseMs(Math.min(2 ** (attempt - 1), 50));
    }
    const moved = this.recover();
    return moved?.get(fid) ?? -1;
  }
}

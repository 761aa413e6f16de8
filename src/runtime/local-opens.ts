/**
 * Local opens (docs/decisions/025-local-opens.md): a regular file under a direct host directory
 * is opened by the local kernel itself — the host's open on its own handle of the directory, or
 * of each directory on the way down, never following a symlink (direct-host-dirs.ts) — and its
 * fd names a local fid the VFS has never heard of. Its reads, writes, appends, fstat, fsync,
 * truncate and close are host calls in this thread (direct-files.ts keeps the descriptor), so
 * open → write → fsync → close → unlink, SQLite's journal, makes no call at all.
 *
 * The few calls only the VFS can make — passing the file to another process, times set
 * explicitly (hostfs keeps their exact nanoseconds), attributes while hostfs keeps such times —
 * first make the open the VFS's (`materialize`): the VFS opens the file again (under the
 * directory the local open was made in while that is open, else by the fd's origin), and the fid
 * becomes that open's if it is the very file (device and inode); if the name now stands for
 * another file, or none, the call fails ESTALE and the fd stays local.
 *
 * A read-only local open is read from hostfs's page-cache copy of its file when the host copy
 * index lists one of the very file, size and host mtime its open saw (ipc/host-copies.ts); a
 * file this process opens here again and finds no copy of is copied by hostfs at that open's
 * first read (docs/decisions/026-host-write-words.md).
 *
 * Invariants: a local fid lies in [LOCAL_FID_BASE, LOCAL_FID_END) — the VFS numbers a session's
 * files from below 2^30 up and its pipe ends from 2^31 (ipc/pipe-fid.ts) — and is never sent to
 * the VFS; only a file whose directory fd has an origin is opened here (else it could never be
 * made the VFS's); its descriptor is closed with its last fd, or when the open becomes the VFS's
 * (whose grant takes a descriptor of its own when it needs one).
 */

import { Errno } from '../abi/errno.js';
import type { HostFiles, LocalOpen } from '../host/host-files.js';
import type { DirectFiles } from './direct-files.js';
import type { DirectHostDirs } from './direct-host-dirs.js';
import type { FdEntry, FileOrigin } from './fd-table.js';
import type { HostStat } from '../host/host-fs.js';
import type { Arena } from '../ipc/arena.js';
import { type HostCopyIdentity, findHostCopy } from '../ipc/host-copies.js';
import type { PageToken } from '../ipc/page-cache-read.js';

/** The local fids: between the VFS's files and its pipe ends. */
export const LOCAL_FID_BASE = 0x5000_0000;
const LOCAL_FID_END = 0x8000_0000;

/** Whether `fid` is a local open's (never the VFS's). */
export function isLocalFid(fid: number): boolean {
  return fid >= LOCAL_FID_BASE && fid < LOCAL_FID_END;
}

/** Where a local open was made: the VFS's directory fid and the path under it. */
export interface OpenedUnder {
  readonly dir: number;
  readonly path: string;
}

/**
 * The VFS's open of a file by its origin — by `under` first while that directory is still open
 * (one call), else from the origin's root: its fid and the host file it found, or an errno.
 */
export type OpenByOrigin = (origin: FileOrigin, under: OpenedUnder | undefined) => { fid: number; host: number; hostDev: number; hostIno: number } | number;

/**
 * Have the VFS's file system copy the file at `path` under directory fid `dir` into the page cache
 * (it lists the copy in the host copy index), if it is the host file `id` names.
 */
export type FillCopy = (dir: number, path: string, id: HostCopyIdentity) => void;

/** Host files this process opened here read-only, remembered to ask for a copy at the next open (forgotten all at once past this many). */
const OPENED_FILES = 256;

export class LocalOpens {
  private next = LOCAL_FID_BASE;
  /** Where each local open was made, while that directory fid is open; and the local opens made under each directory fid. */
  private readonly under = new Map<number, OpenedUnder>();
  private readonly madeUnder = new Map<number, Set<number>>();
  /** Host files (device:inode) opened here read-only before: false once a copy was asked for. */
  private readonly openedBefore = new Map<string, boolean>();
  /** Local opens whose first read asks for a copy of their file first (copyOf). */
  private readonly copyAtRead = new Map<number, HostCopyIdentity>();
  /** `files` null: nothing is opened here (no platform support, or turned off). */
  constructor(
    private readonly files: HostFiles | null,
    private readonly hostDirs: DirectHostDirs,
    private readonly direct: DirectFiles,
    private readonly openByOrigin: OpenByOrigin,
    private readonly closeVfs: (fid: number) => void,
    private readonly arena: Arena,
    private readonly fillCopy: FillCopy,
  ) {}

  /** Open `path` under directory fid `dir` here: the local fid, -errno (ENOENT), or null (ask the VFS). */
  open(dir: number, path: string, how: LocalOpen): number | null {
    if (this.files === null) return null;
    const h = this.hostDirs.openFile(dir, path, how);
    if (h === null) return null;
    if (typeof h === 'number') return -h;
    let fid: number;
    do {
      fid = this.next;
      this.next = this.next + 1 < LOCAL_FID_END ? this.next + 1 : LOCAL_FID_BASE;
    } while (this.direct.holds(fid)); // after a wrap, never one still open
    const copy = how.write || h.stat === null ? null : this.copyOf(fid, h.stat);
    this.direct.adopt(fid, h.fd, how.write, h.dev, h.times, copy, h.stat);
    this.remember(fid, { dir, path });
    // The open emptied the file: no copy of what it held may be read again.
    if (how.truncate) this.direct.written(fid);
    return fid;
  }

  /**
   * A token on a page-cache copy of the file read-only local open `fid` found (`st`, its host stat
   * just before the open), if one holds (host-copies.ts). A file this process opens here again,
   * of no copy yet, is copied at that open's first read — once: a file read once costs nothing
   * more, nor does one opened again only to be looked at, and one read again and again (the case
   * a copy is for) costs the file system's open and copy once.
   */
  private copyOf(fid: number, st: HostStat): PageToken | null {
    const id: HostCopyIdentity = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
    const found = findHostCopy(this.arena, id);
    if (found !== null || st.size === 0) return found;
    const key = `${st.dev}:${st.ino}`;
    const before = this.openedBefore.get(key);
    if (before === undefined) {
      if (this.openedBefore.size >= OPENED_FILES) this.openedBefore.clear();
      this.openedBefore.set(key, true);
    } else if (before) {
      this.openedBefore.set(key, false);
      this.copyAtRead.set(fid, id);
    }
    return null;
  }

  /** Local open `fid`'s first read: if it is to ask for a copy (copyOf), ask, and give it the copy made. True if it has one now. */
  copyAtFirstRead(fid: number): boolean {
    const id = this.copyAtRead.get(fid);
    if (id === undefined) return false;
    this.copyAtRead.delete(fid);
    const u = this.under.get(fid);
    if (u === undefined) return false;
    this.fillCopy(u.dir, u.path, id);
    const copy = findHostCopy(this.arena, id);
    return copy !== null && this.direct.takeCopy(fid, copy);
  }

  /** `fid` was closed: a local open, or a directory local opens were made under. */
  forget(fid: number): void {
    this.unremember(fid);
    this.copyAtRead.delete(fid);
    const made = this.madeUnder.get(fid);
    if (made === undefined) return;
    this.madeUnder.delete(fid);
    for (const local of made) this.under.delete(local);
  }

  private remember(fid: number, u: OpenedUnder): void {
    this.under.set(fid, u);
    let made = this.madeUnder.get(u.dir);
    if (made === undefined) this.madeUnder.set(u.dir, made = new Set());
    made.add(fid);
  }

  private unremember(fid: number): void {
    const u = this.under.get(fid);
    if (u === undefined) return;
    this.under.delete(fid);
    const made = this.madeUnder.get(u.dir);
    made?.delete(fid);
    if (made?.size === 0) this.madeUnder.delete(u.dir);
  }

  /**
   * `e`'s fid as the VFS knows it: a local open is made the VFS's first (and `e` names the new
   * fid from then on). -errno if it cannot be: ESTALE when its origin names another file now.
   */
  materialize(e: FdEntry): number {
    if (!isLocalFid(e.fid)) return e.fid;
    const mine = this.direct.hostFd(e.fid, false);
    if (!e.origin || mine < 0) return -Errno.BADF;
    // Where it was opened first (one call), then from the origin's root: after a VFS restart the
    // directory's fid may stand for another directory, whose file the identity check refuses.
    const under = this.under.get(e.fid);
    let fid = under ? this.sameFile(mine, this.openByOrigin(e.origin, under)) : -Errno.STALE;
    if (fid === -Errno.STALE) fid = this.sameFile(mine, this.openByOrigin(e.origin, undefined));
    if (fid < 0) return fid;
    // Closes this descriptor: the VFS's grant takes one of its own when it needs one.
    this.direct.forget(e.fid);
    this.unremember(e.fid);
    this.copyAtRead.delete(e.fid);
    e.fid = fid;
    return fid;
  }

  /** The VFS's open `r` if it is the file `mine` is open on (else it is closed): its fid, or -errno (ESTALE: another file or none). */
  private sameFile(mine: number, r: ReturnType<OpenByOrigin>): number {
    // Its name stands for nothing now (or nothing the VFS may open): the open is the host's alone.
    if (typeof r === 'number') return r === Errno.IO ? -r : -Errno.STALE;
    let same = false;
    try {
      const st = this.files!.fstat(mine);
      same = r.host >= 0 && r.hostDev === st.dev && r.hostIno === st.ino;
    } catch {
      // Not known to be the same file.
    }
    if (same) return r.fid;
    this.closeVfs(r.fid);
    return -Errno.STALE;
  }
}

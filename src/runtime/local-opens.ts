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
 * first make the open the VFS's (`materialize`): the VFS opens the file again by the fd's origin,
 * and the fid becomes that open's if it is the very file (device and inode); if the name now
 * stands for another file, or none, the call fails ESTALE and the fd stays local.
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

/** The local fids: between the VFS's files and its pipe ends. */
export const LOCAL_FID_BASE = 0x5000_0000;
const LOCAL_FID_END = 0x8000_0000;

/** Whether `fid` is a local open's (never the VFS's). */
export function isLocalFid(fid: number): boolean {
  return fid >= LOCAL_FID_BASE && fid < LOCAL_FID_END;
}

/** The VFS's open of a file by its origin: its fid and the host file it found, or an errno. */
export type OpenByOrigin = (origin: FileOrigin) => { fid: number; host: number; hostDev: number; hostIno: number } | number;

export class LocalOpens {
  private next = LOCAL_FID_BASE;
  /** `files` null: nothing is opened here (no platform support, or turned off). */
  constructor(
    private readonly files: HostFiles | null,
    private readonly hostDirs: DirectHostDirs,
    private readonly direct: DirectFiles,
    private readonly openByOrigin: OpenByOrigin,
    private readonly closeVfs: (fid: number) => void,
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
    this.direct.adopt(fid, h.fd, how.write, h.dev, h.times);
    return fid;
  }

  /**
   * `e`'s fid as the VFS knows it: a local open is made the VFS's first (and `e` names the new
   * fid from then on). -errno if it cannot be: ESTALE when its origin names another file now.
   */
  materialize(e: FdEntry): number {
    if (!isLocalFid(e.fid)) return e.fid;
    const mine = this.direct.hostFd(e.fid, false);
    if (!e.origin || mine < 0) return -Errno.BADF;
    const r = this.openByOrigin(e.origin);
    // Its name stands for nothing now (or nothing the VFS may open): the open is the host's alone.
    if (typeof r === 'number') return r === Errno.IO ? -r : -Errno.STALE;
    let same = false;
    try {
      const st = this.files!.fstat(mine);
      same = r.host >= 0 && r.hostDev === st.dev && r.hostIno === st.ino;
    } catch {
      // Not known to be the same file.
    }
    if (!same) {
      this.closeVfs(r.fid);
      return -Errno.STALE;
    }
    // Closes this descriptor: the VFS's grant takes one of its own when it needs one.
    this.direct.forget(e.fid);
    e.fid = r.fid;
    return r.fid;
  }
}

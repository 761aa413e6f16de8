/**
 * The local kernel's direct host directories (docs/decisions/024-direct-host-files.md): for a
 * directory fid on a host directory (hostfs), a handle of its own, reopened from hostfs's, under
 * which mkdir, rmdir, unlink, stat, set-times-to-now and opens of regular files (local-opens.ts)
 * are host calls made in this thread instead of calls through the VFS to hostfs. SQLite's lock
 * directory (a mkdir and an rmdir per statement), its journal and a compiler's header probes are
 * such calls.
 *
 * The VFS grants a directory (vfs `grant`, DIRECT_HOST_DIR) only where nothing else could answer
 * for a name under it: no mount point lies inside that file system (the mount table is fixed at
 * boot), hostfs guards no image in its tree and is not read-only. The call is then the one hostfs
 * would make — the host's *At call on a directory's handle, resolved through /proc/self/fd by the
 * host kernel, never following the last component — on the very directory the grant named
 * (device and inode checked when the handle is taken), or on a directory below it reached by
 * opening each one on the way from the one before, never following a symlink (decision 025).
 * Anything else goes to the VFS: '', '.' or '..' anywhere in the path, a trailing '/', a symlink
 * on the way or one a stat must follow, and a stat while hostfs keeps exact nanoseconds the host
 * rounded (its arena word, named by the grant, is marked).
 *
 * Invariants: a fid is asked about once (the answer, grant or none, is kept until the fid is
 * forgotten, or its grant ends); a handle is used only while this process's VFS handle resolves
 * to the VFS instance that granted it and the VFS's handle to hostfs to the incarnation the grant
 * saw (as direct files, decision 018), and is closed when the fid is forgotten, its grant ends or
 * the process ends; a handle opened on the way down is closed before the call returns.
 */

import { Errno } from '../abi/errno.js';
import { FileType } from '../abi/protocols/fs.js';
import { DIRECT_HOST_DIR } from '../abi/protocols/vfs.js';
import { type HostFs, type HostStat, errnoOfHostError, isComponent } from '../host/host-fs.js';
import { closeQuietly, reopenIdentical } from './own-host-descriptor.js';
import type { HostFiles, LocalOpen } from '../host/host-files.js';
import type { Caller } from '../ipc/caller.js';
import type { StatFields } from './fd-table.js';
import type { DirectGrant } from './direct-files.js';

interface HostDir {
  /** This thread's own handle of the directory. */
  readonly fd: number;
  /** What stat reports as the device (the VFS's number for the mount). */
  readonly dev: number;
  readonly vfsFrom: number;
  /** The grant's holder (the VFS), its handle to hostfs and hostfs's incarnation. */
  readonly holder: number;
  readonly via: number;
  readonly from: number;
  /** hostfs's exact-times word: while it is not 0, stat is hostfs's to answer. */
  readonly times: number;
}

export class DirectHostDirs {
  private readonly byFid = new Map<number, HostDir | null>();

  constructor(
    private readonly caller: Caller,
    private readonly vfsHandle: number,
    private readonly files: HostFiles | null,
    private readonly fs: HostFs | null,
    private readonly ask: (fid: number) => DirectGrant | null | undefined,
  ) {}

  /** mkdir `path` under directory fid `dir` here: the errno, or null to ask the VFS. */
  mkdir(dir: number, path: string): number | null {
    return this.at(dir, path, (fd, name) => this.run(() => this.fs!.mkdirAt(fd, name)));
  }

  /** rmdir (`directory`) or unlink `path` under directory fid `dir` here: the errno, or null to ask the VFS. */
  remove(dir: number, path: string, directory: boolean): number | null {
    return this.at(dir, path, (fd, name) => this.run(() => (directory ? this.fs!.rmdirAt(fd, name) : this.fs!.unlinkAt(fd, name))));
  }

  /** stat of `path` under directory fid `dir` here (`follow`: a symlink found goes to the VFS): the answer, or null to ask the VFS. */
  stat(dir: number, path: string, follow: boolean): StatFields | number | null {
    return this.at(dir, path, (fd, name, d) => {
      if (Atomics.load(this.caller.arena.i32, d.times) !== 0) return null;
      const st = this.found(fd, name, follow);
      if (st === null || typeof st === 'number') return st;
      return { dev: d.dev, ino: st.ino, type: st.type, nlink: st.nlink, size: st.size, atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs };
    });
  }

  /**
   * Open `path` under directory fid `dir` here, as the program's own host descriptor of a regular
   * file (docs/decisions/025-local-opens.md): the descriptor with the device stat reports and
   * hostfs's exact-times word; ENOENT when nothing is there to open; null to ask the VFS — no
   * grant, no descriptor left to this thread, anything but a regular file there (a symlink, a
   * FIFO, a device: looked at, never opened, HostFiles.openAt), or any other refusal by the host:
   * the VFS gives the answer then, as it always has.
   */
  openFile(dir: number, path: string, how: LocalOpen): { fd: number; dev: number; times: number; stat: HostStat | null } | number | null {
    return this.at(dir, path, (at, name, d) => {
      let opened: { fd: number; stat: HostStat | null } | null;
      try {
        opened = this.files!.openAt(at, name, how);
      } catch (e) {
        return errnoOfHostError(e) === Errno.NOENT ? Errno.NOENT : null;
      }
      return opened === null ? null : { fd: opened.fd, dev: d.dev, times: d.times, stat: opened.stat };
    });
  }

  /**
   * fsync directory fid `dir` here, on this thread's handle of it (SQLite syncs its database's
   * directory after making or removing its journal; the handle is a read-only one of the very
   * directory, as hostfs's sync would use): the errno, or null to ask the VFS (no usable grant).
   */
  sync(dir: number): number | null {
    if (this.files === null) return null;
    const d = this.granted(dir);
    if (d === null) return null;
    return this.run(() => this.files!.fsync(d.fd));
  }

  /** What `name` in directory `fd` is (never following it): its errno if the host has nothing there, null if it is a symlink to follow (ask the VFS). */
  private found(fd: number, name: string, follow: boolean): HostStat | number | null {
    let st;
    try {
      st = this.fs!.lstatAtOrNull(fd, name);
    } catch (e) {
      return errnoOfHostError(e);
    }
    if (st === null) return Errno.NOENT;
    return follow && st.type === FileType.SYMBOLIC_LINK ? null : st;
  }

  /**
   * Set both times of `path` under directory fid `dir` to now (`nowNs`), here — the only
   * set-times made here: hostfs keeps times given explicitly, or kept while the other is set,
   * exactly where the host rounds them (`follow`: a symlink found goes to the VFS). The errno, or
   * null to ask the VFS.
   */
  touch(dir: number, path: string, follow: boolean, nowNs: bigint): number | null {
    return this.at(dir, path, (fd, name) => {
      const st = this.found(fd, name, follow);
      if (st === null || typeof st === 'number') return st;
      return this.run(() => this.fs!.utimesAt(fd, name, nowNs, nowNs));
    });
  }

  /**
   * `call` on the directory holding `path`'s last component and that component, if `dir` has a
   * usable grant and `path` is names to walk down — no '', '.' or '..' anywhere: each directory
   * on the way is opened here in turn from the one before, never following a symlink (a
   * symlink on the way, ENOTDIR, goes to the VFS, which follows it), and closed after the call.
   * ENOENT when a directory on the way is not there; null (ask the VFS) when this cannot answer.
   */
  private at<T>(dir: number, path: string, call: (fd: number, name: string, d: HostDir) => T | null): T | number | null {
    if (this.files === null || this.fs === null) return null;
    const d = this.granted(dir);
    if (d === null) return null;
    if (isComponent(path)) return call(d.fd, path, d);
    const names = path.split('/');
    if (!names.every(isComponent)) return null;
    const name = names.pop()!;
    let fd = d.fd;
    try {
      for (const n of names) {
        let next: number | null;
        try {
          next = this.files.openDirAt(fd, n);
        } catch (e) {
          return errnoOfHostError(e) === Errno.NOENT ? Errno.NOENT : null;
        }
        if (next === null) return null;
        if (fd !== d.fd) closeQuietly(this.files, fd);
        fd = next;
      }
      return call(fd, name, d);
    } finally {
      if (fd !== d.fd) closeQuietly(this.files, fd);
    }
  }

  /** The fid was closed (or lost): close its handle. */
  forget(fid: number): void {
    const d = this.byFid.get(fid);
    this.byFid.delete(fid);
    if (d) closeQuietly(this.files!, d.fd);
  }

  /** The process is ending: close every handle. */
  end(): void {
    for (const fid of [...this.byFid.keys()]) this.forget(fid);
  }

  /** The usable grant of directory fid `dir`, or null. */
  private granted(dir: number): HostDir | null {
    let d = this.byFid.get(dir);
    if (d === undefined) {
      d = this.take(dir);
      this.byFid.set(dir, d);
    }
    if (d === null) return null;
    if (this.caller.incarnation(this.vfsHandle) !== d.vfsFrom || this.caller.incarnationAs(d.holder, d.via) !== d.from) {
      this.forget(dir);
      return null;
    }
    return d;
  }

  /** Ask the VFS for `dir`'s grant and reopen the handle it names, if it is that very directory. */
  private take(dir: number): HostDir | null {
    const vfsFrom = this.caller.incarnation(this.vfsHandle);
    const g = this.ask(dir);
    if (!g || (g.direct & DIRECT_HOST_DIR) === 0 || g.host < 0 || vfsFrom < 0 || !this.caller.arena.isChangeWord(g.hostTimes)) return null;
    // A fid opened before hostfs restarted: the VFS answers ESTALE for it, and recovery re-opens it.
    if (this.caller.incarnationAs(g.holder, g.via) !== g.from) return null;
    const fd = reopenIdentical(this.files!, g.host, true, false, { dev: g.hostDev, ino: g.hostIno, type: FileType.DIRECTORY });
    return fd === null ? null : { fd, dev: g.dev, vfsFrom, holder: g.holder, via: g.via, from: g.from, times: g.hostTimes };
  }

  private run(call: () => void): number {
    try {
      call();
      return Errno.SUCCESS;
    } catch (e) {
      return errnoOfHostError(e);
    }
  }
}

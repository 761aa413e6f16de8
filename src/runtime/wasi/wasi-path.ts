/**
 * WASI path_* functions. Each resolves its directory fd and checks the right the operation needs
 * on it, reads the path from guest memory strictly (guest-path.ts: invalid UTF-8 is EILSEQ, an
 * over-long path ENAMETOOLONG, both before any service is asked), and asks the VFS, which walks
 * the path confined to that directory (see services/vfs/path-walk.ts).
 */

import { FID_READ, FID_WRITE, openFlags } from '../../abi/protocols/vfs.js';
import { originUnder } from '../session-recovery.js';
import { Errno } from '../../abi/errno.js';
import type { FdEntry } from '../fd-table.js';
import { readGuestPath, readLinkTarget } from '../guest-path.js';
import { DIR_RIGHTS, FILE_RIGHTS, FdFlag, Fstflag, OFlag, WasiRight } from '../../abi/wasi-rights.js';
import type { ShimContext } from '../shim-context.js';
import { LocalKernel } from '../local-kernel.js';
import { isLocalFid } from '../local-opens.js';
import { vfsResult, writeFilestat } from './wasi-fd.js';

const FILETYPE_DIRECTORY = 3;
const FILETYPE_REGULAR_FILE = 4;

export function pathFunctions(ctx: ShimContext) {
  const { mem, fds, lk } = ctx;

  const dirWith = (fd: number, right: number): FdEntry | number => {
    const e = fds.get(fd);
    if (!e) return Errno.BADF;
    if (e.kind !== 'dir') return Errno.NOTDIR;
    if ((e.rightsBase & right) !== right) return Errno.NOTCAPABLE;
    return e;
  };
  const errnoOf = (r: unknown): number => (typeof r === 'number' ? r : Errno.SUCCESS);

  return {
    path_open: (dirfd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdOut: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_OPEN);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      mem.check(fdOut, 4);
      if (oflags & ~0xf || fdflags & ~0x1f) return Errno.INVAL;
      // As wasmtime: a directory open cannot also create, require exclusivity or truncate.
      if (oflags & OFlag.DIRECTORY && oflags & (OFlag.CREAT | OFlag.EXCL | OFlag.TRUNC)) return Errno.INVAL;
      if (oflags & OFlag.CREAT && (dir.rightsBase & WasiRight.PATH_CREATE_FILE) === 0) return Errno.NOTCAPABLE;
      if (oflags & OFlag.TRUNC && (dir.rightsBase & WasiRight.PATH_FILESTAT_SET_SIZE) === 0) return Errno.NOTCAPABLE;
      const base = Number(BigInt.asUintN(64, rightsBase) & 0x3fffffffn) & dir.rightsInheriting;
      const inheriting = Number(BigInt.asUintN(64, rightsInheriting) & 0x3fffffffn) & dir.rightsInheriting;
      // As wasmtime does: asking for any right that writes makes this a write open, and a
      // directory opened for writing is EISDIR.
      const wantsWrite = (base & (WasiRight.FD_WRITE | WasiRight.FD_ALLOCATE | WasiRight.FD_FILESTAT_SET_SIZE)) !== 0
        || (fdflags & FdFlag.APPEND) !== 0 || (oflags & OFlag.TRUNC) !== 0;
      const access = FID_READ | (wantsWrite ? FID_WRITE : 0);
      const origin = originUnder(dir, path, dirflags & 1, openFlags(oflags, access));
      // The directory itself, for reading ('.': SQLite's open of its database's directory, to
      // fsync it): a new fd on the same fid, no call. Its last fd's close closes the fid.
      if (path === '.' && !wantsWrite && (oflags & (OFlag.CREAT | OFlag.EXCL | OFlag.TRUNC)) === 0) return place(dir.fid, FILETYPE_DIRECTORY, undefined, true);
      // A regular file in a direct host directory, opened here (local-opens.ts): only with an
      // origin (to make it the VFS's when a call needs that) and not for appending (whose own
      // descriptor would be a second one).
      if (origin && (oflags & OFlag.DIRECTORY) === 0 && (fdflags & FdFlag.APPEND) === 0) {
        const fid = lk.openHere(dir.fid, path, {
          write: wantsWrite, create: (oflags & OFlag.CREAT) !== 0, exclusive: (oflags & OFlag.EXCL) !== 0, truncate: (oflags & OFlag.TRUNC) !== 0,
        });
        if (fid !== null) return fid < 0 ? -fid : place(fid, FILETYPE_REGULAR_FILE, undefined);
      }
      const r = lk.open(dir.fid, dirflags & 1, openFlags(oflags, access), path);
      if (typeof r === 'number') return r;
      lk.opened(r);
      return place(r.fid, r.type, LocalKernel.attributesFromOpen(r));

      function place(fid: number, type: number, attributes: FdEntry['attributes'], shared = false): number {
        const isDir = type === FILETYPE_DIRECTORY;
        const entry: FdEntry = {
          kind: isDir ? 'dir' : 'file', fid, filetype: type, offset: 0,
          rightsBase: base & (isDir ? DIR_RIGHTS : FILE_RIGHTS), rightsInheriting: inheriting,
          flags: fdflags, preopen: null, ...(attributes ? { attributes } : {}),
        };
        if (origin) entry.origin = origin;
        const fd = fds.add(entry);
        if (fd < 0) {
          if (shared) return Errno.MFILE;
          lk.forgetFile(fid);
          if (!isLocalFid(fid)) lk.vfs.call('close', { fid });
          return Errno.MFILE;
        }
        mem.setU32(fdOut, fd);
        return Errno.SUCCESS;
      }
    },
    path_create_directory: (dirfd: number, pathPtr: number, pathLen: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_CREATE_DIRECTORY);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      return lk.hostDirs.mkdir(dir.fid, path) ?? errnoOf(vfsResult(lk.vfs.call('mkdir', { dir: dir.fid, path })));
    },
    path_filestat_get: (dirfd: number, flags: number, pathPtr: number, pathLen: number, out: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_FILESTAT_GET);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      mem.check(out, 64);
      const st = lk.statPath(dir.fid, flags & 1, path);
      if (typeof st === 'number') return st;
      writeFilestat(mem, out, st);
      return Errno.SUCCESS;
    },
    path_filestat_set_times: (dirfd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fst: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_FILESTAT_SET_TIMES);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      if (fst & ~0xf || (fst & 1 && fst & 2) || (fst & 4 && fst & 8)) return Errno.INVAL;
      const here = fst === (Fstflag.ATIM_NOW | Fstflag.MTIM_NOW) ? lk.hostDirs.touch(dir.fid, path, (flags & 1) !== 0, ctx.realtime()) : null;
      if (here !== null) return here;
      return errnoOf(vfsResult(lk.vfs.call('setTimesPath', { dir: dir.fid, lookup: flags & 1, atim: BigInt.asUintN(64, atim), mtim: BigInt.asUintN(64, mtim), flags: fst, path })));
    },
    path_link: (oldfd: number, oldFlags: number, oldPtr: number, oldLen: number, newfd: number, newPtr: number, newLen: number) => {
      const a = dirWith(oldfd, WasiRight.PATH_LINK_SOURCE);
      if (typeof a === 'number') return a;
      const b = dirWith(newfd, WasiRight.PATH_LINK_TARGET);
      if (typeof b === 'number') return b;
      const from = readGuestPath(mem, oldPtr, oldLen);
      if (typeof from === 'number') return from;
      const to = readGuestPath(mem, newPtr, newLen);
      if (typeof to === 'number') return to;
      return errnoOf(vfsResult(lk.vfs.call('link', { fromDir: a.fid, toDir: b.fid, lookup: oldFlags & 1, from, to })));
    },
    path_readlink: (dirfd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, usedPtr: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_READLINK);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      const out = mem.bytes(buf, bufLen);
      mem.check(usedPtr, 4);
      const r = vfsResult(lk.vfs.call('readlink', { dir: dir.fid, path }));
      if (typeof r === 'number') return r;
      const bytes = new TextEncoder().encode(r.target);
      const n = Math.min(bytes.length, bufLen);
      out.set(bytes.subarray(0, n));
      mem.setU32(usedPtr, n);
      return Errno.SUCCESS;
    },
    path_remove_directory: (dirfd: number, pathPtr: number, pathLen: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_REMOVE_DIRECTORY);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      // Made here on a host directory, where a close carried by the next open makes no difference.
      const here = lk.hostDirs.remove(dir.fid, path, true);
      if (here !== null) return here;
      lk.flushClose();
      return errnoOf(vfsResult(lk.vfs.call('unlink', { dir: dir.fid, directory: 1, path })));
    },
    path_unlink_file: (dirfd: number, pathPtr: number, pathLen: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_UNLINK_FILE);
      if (typeof dir === 'number') return dir;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      // Made here on a host directory, where a close carried by the next open makes no difference.
      const here = lk.hostDirs.remove(dir.fid, path, false);
      if (here !== null) return here;
      lk.flushClose();
      return errnoOf(vfsResult(lk.vfs.call('unlink', { dir: dir.fid, directory: 0, path })));
    },
    path_rename: (fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const a = dirWith(fd, WasiRight.PATH_RENAME_SOURCE);
      if (typeof a === 'number') return a;
      const b = dirWith(newFd, WasiRight.PATH_RENAME_TARGET);
      if (typeof b === 'number') return b;
      const from = readGuestPath(mem, oldPtr, oldLen);
      if (typeof from === 'number') return from;
      const to = readGuestPath(mem, newPtr, newLen);
      if (typeof to === 'number') return to;
      lk.flushClose();
      return errnoOf(vfsResult(lk.vfs.call('rename', { fromDir: a.fid, toDir: b.fid, from, to })));
    },
    path_symlink: (oldPtr: number, oldLen: number, dirfd: number, newPtr: number, newLen: number) => {
      const dir = dirWith(dirfd, WasiRight.PATH_SYMLINK);
      if (typeof dir === 'number') return dir;
      const target = readLinkTarget(mem, oldPtr, oldLen);
      if (typeof target === 'number') return target;
      const path = readGuestPath(mem, newPtr, newLen);
      if (typeof path === 'number') return path;
      return errnoOf(vfsResult(lk.vfs.call('symlink', { dir: dir.fid, target, path })));
    },
  };
}

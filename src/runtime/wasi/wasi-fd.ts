/**
 * WASI fd_* functions: reads, writes, seeks, stats, directory listing and fd bookkeeping.
 * Offsets and fd state are kept locally; data and metadata come from the VFS or the console.
 * Each function checks the fd, then the right it needs, then its guest pointers, then acts.
 */

import { unpackDirEntries } from '../../abi/protocols/fs.js';
import { Errno } from '../../abi/errno.js';
import type { FdEntry, StatFields } from '../fd-table.js';
import type { GuestMemory } from '../guest-memory.js';
import { FdFlag, WasiRight, Whence } from '../../abi/wasi-rights.js';
import type { ShimContext } from '../shim-context.js';
import type { LocalKernel } from '../local-kernel.js';
import { encodeInto } from '../../abi/text-codec.js';

const encoder = new TextEncoder();
const FILETYPE_DIRECTORY = 3;
/** fd_readdir builds each dirent here before copying it out (names are at most 255 bytes in every Keel file system). */
const direntScratch = new Uint8Array(24 + 4096);
const direntView = new DataView(direntScratch.buffer);

export type { StatFields } from '../fd-table.js';

export function writeFilestat(mem: GuestMemory, ptr: number, st: StatFields): void {
  mem.check(ptr, 64);
  mem.bytes(ptr, 64).fill(0);
  mem.setU64(ptr, st.dev);
  mem.setU64(ptr + 8, st.ino);
  mem.setU8(ptr + 16, st.type);
  mem.setU64(ptr + 24, st.nlink);
  mem.setU64(ptr + 32, st.size);
  mem.setU64(ptr + 40, st.atim);
  mem.setU64(ptr + 48, st.mtim);
  mem.setU64(ptr + 56, st.ctim);
}

/** A VFS reply → errno or value. */
export function vfsResult<T>(r: { transport: number; status: number; reply: T | null }): T | number {
  if (r.transport !== 0) return Errno.IO;
  return r.status !== 0 ? r.status : r.reply!;
}

/**
 * `e`'s attributes (fd_filestat_get, and wherever a size is needed): those its open returned while
 * they hold, else its direct file's (kept for next time if its file system says how long they
 * hold), else the VFS's — a local open made the VFS's first, or its own descriptor's when its
 * name is gone (local-opens.ts).
 */
export function statOf(lk: LocalKernel, e: FdEntry): StatFields | number {
  if (e.kind === 'console' || e.kind === 'socket') return { dev: 0, ino: 0, type: e.filetype, nlink: 1, size: 0, atim: 0n, mtim: 0n, ctim: 0n };
  const local = lk.attributesOf(e);
  if (local) return local;
  const direct = e.kind === 'file' ? lk.direct.stat(e.fid) : null;
  if (direct === null) {
    const fid = lk.vfsFid(e);
    // A local open whose name is gone: its own descriptor's attributes (the host's times).
    if (fid < 0) return lk.direct.localStat(e.fid) ?? -fid;
    return vfsResult(lk.vfs.call('stat', { fid }));
  }
  if (direct.token) e.attributes = { stat: direct.stat, token: direct.token };
  return direct.stat;
}

export function fdFunctions(ctx: ShimContext) {
  const { mem, fds, lk } = ctx;

  const withRight = (fd: number, right: number): FdEntry | number => {
    const e = fds.get(fd);
    if (!e) return Errno.BADF;
    if ((e.rightsBase & right) !== right) return Errno.NOTCAPABLE;
    return e;
  };
  /** An fd that is not a directory, then the right (wasmtime: reading or writing a directory is EBADF). */
  const ioWithRight = (fd: number, right: number): FdEntry | number => {
    const e = fds.get(fd);
    if (!e || e.kind === 'dir') return Errno.BADF;
    return withRight(fd, right);
  };

  /** One fd let go of `e`: close its fid when no other fd names it. */
  const closeEntry = (e: FdEntry): void => lk.releaseFd(e, fds);

  const views = (iovs: number, count: number): Uint8Array[] => mem.buffers(iovs, count);

  const read = (e: FdEntry, into: Uint8Array[], offset: number | null): [number, number] => {
    if (e.kind === 'console') return e.fid === 0 ? lk.consoleRead(into) : [Errno.BADF, 0];
    if (e.kind === 'dir') return [Errno.ISDIR, 0];
    if (e.kind === 'pipe') return lk.pipeRead(e.fid, into, (e.flags & FdFlag.NONBLOCK) !== 0);
    if (e.kind === 'socket') return lk.sockRecv(e.fid, into, (e.flags & FdFlag.NONBLOCK) !== 0);
    return lk.fileRead(e.fid, offset ?? e.offset, into);
  };

  const write = (e: FdEntry, from: Uint8Array[], offset: number | null): [number, number, number] => {
    if (e.kind === 'console') {
      if (e.fid === 0) return [Errno.BADF, 0, 0];
      const [err, n] = lk.consoleWrite(e.fid, from);
      return [err, n, 0];
    }
    if (e.kind === 'dir') return [Errno.ISDIR, 0, 0];
    if (e.kind === 'pipe') {
      const [err, n] = lk.pipeWrite(e.fid, from, (e.flags & FdFlag.NONBLOCK) !== 0);
      return [err, n, 0];
    }
    if (e.kind === 'socket') {
      const [err, n] = lk.sockSend(e.fid, from);
      return [err, n, 0];
    }
    const append = offset === null && (e.flags & FdFlag.APPEND) !== 0;
    return lk.fileWrite(e.fid, offset ?? e.offset, append, from);
  };

  /** Set a file's size: here for a local open (local-opens.ts), else by the VFS. */
  const truncate = (e: FdEntry, size: number): number => {
    const here = lk.direct.hostTruncate(e.fid, size);
    if (here !== null) return here;
    const r = vfsResult(lk.vfs.call('truncate', { fid: e.fid, size }));
    return typeof r === 'number' ? r : Errno.SUCCESS;
  };

  const stat = (e: FdEntry): StatFields | number => statOf(lk, e);

  /** fd_sync (`dataOnly`: fd_datasync): a host file or directory here, else the VFS's sync. */
  const sync = (fd: number, right: number, dataOnly: boolean): number => {
    const e = withRight(fd, right);
    if (typeof e === 'number') return e;
    if (e.kind === 'console') return Errno.SUCCESS;
    const here = e.kind === 'file' ? lk.syncHere(e.fid, dataOnly) : e.kind === 'dir' ? lk.hostDirs.sync(e.fid) : null;
    if (here !== null) return here;
    const r = vfsResult(lk.vfs.call('sync', { fid: e.fid }));
    return typeof r === 'number' ? r : Errno.SUCCESS;
  };

  return {
    fd_read: (fd: number, iovs: number, count: number, nread: number) => {
      const e = ioWithRight(fd, WasiRight.FD_READ);
      if (typeof e === 'number') return e;
      const into = views(iovs, count);
      mem.check(nread, 4);
      const [err, n] = read(e, into, null);
      if (err) return err;
      if (e.kind === 'file') e.offset += n;
      mem.setU32(nread, n);
      return Errno.SUCCESS;
    },
    fd_pread: (fd: number, iovs: number, count: number, offset: bigint, nread: number) => {
      const e = ioWithRight(fd, WasiRight.FD_READ | WasiRight.FD_SEEK);
      if (typeof e === 'number') return e;
      if (e.kind !== 'file') return e.kind === 'dir' ? Errno.ISDIR : Errno.SPIPE;
      if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      const into = views(iovs, count);
      mem.check(nread, 4);
      const [err, n] = read(e, into, Number(offset));
      if (err) return err;
      mem.setU32(nread, n);
      return Errno.SUCCESS;
    },
    fd_write: (fd: number, iovs: number, count: number, nwritten: number) => {
      const e = ioWithRight(fd, WasiRight.FD_WRITE);
      if (typeof e === 'number') return e;
      const from = views(iovs, count);
      mem.check(nwritten, 4);
      const [err, n, end] = write(e, from, null);
      if (err) return err;
      if (e.kind === 'file') e.offset = end;
      mem.setU32(nwritten, n);
      return Errno.SUCCESS;
    },
    fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, nwritten: number) => {
      const e = ioWithRight(fd, WasiRight.FD_WRITE | WasiRight.FD_SEEK);
      if (typeof e === 'number') return e;
      if (e.kind !== 'file') return e.kind === 'dir' ? Errno.ISDIR : Errno.SPIPE;
      if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      const from = views(iovs, count);
      mem.check(nwritten, 4);
      const [err, n] = write(e, from, Number(offset));
      if (err) return err;
      mem.setU32(nwritten, n);
      return Errno.SUCCESS;
    },
    fd_seek: (fd: number, offset: bigint, whence: number, out: number) => {
      const e = fds.get(fd);
      if (!e) return Errno.BADF;
      const need = offset === 0n && whence === Whence.CUR ? WasiRight.FD_TELL : WasiRight.FD_SEEK;
      if ((e.rightsBase & (need | WasiRight.FD_SEEK)) === 0) return Errno.NOTCAPABLE;
      if (e.kind === 'console' || e.kind === 'pipe' || e.kind === 'socket') return Errno.SPIPE;
      if (e.kind === 'dir') return Errno.BADF;
      mem.check(out, 8);
      let base: number;
      if (whence === Whence.SET) base = 0;
      else if (whence === Whence.CUR) base = e.offset;
      else if (whence === Whence.END) {
        const st = stat(e);
        if (typeof st === 'number') return st;
        base = st.size;
      } else return Errno.INVAL;
      const next = base + Number(offset);
      if (next < 0 || !Number.isSafeInteger(next)) return Errno.INVAL;
      e.offset = next;
      mem.setU64(out, next);
      return Errno.SUCCESS;
    },
    fd_tell: (fd: number, out: number) => {
      const e = withRight(fd, WasiRight.FD_TELL);
      if (typeof e === 'number') return e;
      if (e.kind !== 'file') return e.kind === 'dir' ? Errno.BADF : Errno.SPIPE;
      mem.setU64(out, e.offset);
      return Errno.SUCCESS;
    },
    fd_close: (fd: number) => {
      const e = fds.remove(fd);
      if (!e) return Errno.BADF;
      closeEntry(e);
      return Errno.SUCCESS;
    },
    fd_renumber: (from: number, to: number) => {
      const a = fds.get(from);
      if (!a || !fds.get(to)) return Errno.BADF;
      if (from === to) return Errno.SUCCESS;
      closeEntry(fds.remove(to)!);
      fds.set(to, fds.remove(from)!);
      return Errno.SUCCESS;
    },
    fd_fdstat_get: (fd: number, out: number) => {
      const e = fds.get(fd);
      if (!e) return Errno.BADF;
      mem.check(out, 24);
      mem.bytes(out, 24).fill(0);
      mem.setU8(out, e.filetype);
      mem.setU16(out + 2, e.flags);
      mem.setU64(out + 8, e.rightsBase);
      mem.setU64(out + 16, e.rightsInheriting);
      return Errno.SUCCESS;
    },
    fd_fdstat_set_flags: (fd: number, flags: number) => {
      const e = withRight(fd, WasiRight.FD_FDSTAT_SET_FLAGS);
      if (typeof e === 'number') return e;
      if (flags & ~0x1f) return Errno.INVAL;
      e.flags = flags;
      return Errno.SUCCESS;
    },
    fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) => {
      const e = fds.get(fd);
      if (!e) return Errno.BADF;
      const b = Number(BigInt.asUintN(64, base) & 0x3fffffffn), i = Number(BigInt.asUintN(64, inheriting) & 0x3fffffffn);
      if (BigInt.asUintN(64, base) >> 30n || BigInt.asUintN(64, inheriting) >> 30n) return Errno.NOTCAPABLE;
      if ((b & ~e.rightsBase) !== 0 || (i & ~e.rightsInheriting) !== 0) return Errno.NOTCAPABLE;
      e.rightsBase = b;
      e.rightsInheriting = i;
      return Errno.SUCCESS;
    },
    fd_filestat_get: (fd: number, out: number) => {
      const e = withRight(fd, WasiRight.FD_FILESTAT_GET);
      if (typeof e === 'number') return e;
      mem.check(out, 64);
      const st = stat(e);
      if (typeof st === 'number') return st;
      writeFilestat(mem, out, st);
      return Errno.SUCCESS;
    },
    fd_filestat_set_size: (fd: number, size: bigint) => {
      const e = withRight(fd, WasiRight.FD_FILESTAT_SET_SIZE);
      if (typeof e === 'number') return e;
      if (e.kind !== 'file') return Errno.INVAL;
      if (size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      return truncate(e, Number(size));
    },
    fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, flags: number) => {
      const e = withRight(fd, WasiRight.FD_FILESTAT_SET_TIMES);
      if (typeof e === 'number') return e;
      if (e.kind === 'console') return Errno.SUCCESS;
      if (flags & ~0xf || (flags & 1 && flags & 2) || (flags & 4 && flags & 8)) return Errno.INVAL;
      const fid = lk.vfsFid(e);
      if (fid < 0) return -fid;
      const r = vfsResult(lk.vfs.call('setTimes', { fid, atim: BigInt.asUintN(64, atim), mtim: BigInt.asUintN(64, mtim), flags }));
      return typeof r === 'number' ? r : Errno.SUCCESS;
    },
    fd_advise: (fd: number, _offset: bigint, _len: bigint, advice: number) => {
      const e = withRight(fd, WasiRight.FD_ADVISE);
      if (typeof e === 'number') return e;
      if (advice < 0 || advice > 5) return Errno.INVAL;
      return e.kind === 'dir' ? Errno.BADF : Errno.SUCCESS;
    },
    fd_allocate: (fd: number, offset: bigint, len: bigint) => {
      const e = withRight(fd, WasiRight.FD_ALLOCATE);
      if (typeof e === 'number') return e;
      if (e.kind !== 'file') return Errno.BADF;
      const end = offset + len;
      if (offset < 0n || len <= 0n || end > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      const st = stat(e);
      if (typeof st === 'number') return st;
      if (Number(end) <= st.size) return Errno.SUCCESS;
      return truncate(e, Number(end));
    },
    fd_sync: (fd: number) => sync(fd, WasiRight.FD_SYNC, false),
    fd_datasync: (fd: number) => sync(fd, WasiRight.FD_DATASYNC, true),
    fd_prestat_get: (fd: number, out: number) => {
      const e = fds.get(fd);
      if (!e) return Errno.BADF;
      if (e.preopen === null) return Errno.BADF;
      mem.check(out, 8);
      mem.setU32(out, 0);
      mem.setU32(out + 4, encoder.encode(e.preopen).length);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name: (fd: number, path: number, len: number) => {
      const e = fds.get(fd);
      if (!e) return Errno.BADF;
      if (e.preopen === null) return Errno.BADF;
      const name = encoder.encode(e.preopen);
      if (len < name.length) return Errno.NAMETOOLONG;
      mem.bytes(path, name.length).set(name);
      return Errno.SUCCESS;
    },
    fd_readdir: (fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number) => {
      const d = fds.get(fd);
      if (!d) return Errno.BADF;
      if (d.kind !== 'dir' || d.filetype !== FILETYPE_DIRECTORY) return Errno.NOTDIR;
      const e = withRight(fd, WasiRight.FD_READDIR);
      if (typeof e === 'number') return e;
      const out = mem.bytes(buf, bufLen);
      mem.check(usedPtr, 4);
      let used = 0;
      let c = Number(cookie);
      // One dirent: 24-byte header, then the name; the last one may be cut off at the buffer's end.
      const put = (next: number, ino: number, type: number, name: string): boolean => {
        const { read, written } = encodeInto(name, direntScratch.subarray(24));
        if (read < name.length) return true; // longer than any name a file system returns: skip
        direntView.setBigUint64(0, BigInt(next), true);
        direntView.setBigUint64(8, BigInt(ino), true);
        direntView.setUint32(16, written, true);
        direntView.setUint32(20, type, true);
        const take = Math.min(24 + written, bufLen - used);
        out.set(direntScratch.subarray(0, take), used);
        used += take;
        return used < bufLen;
      };
      if (c === 0) {
        const self = vfsResult(lk.vfs.call('stat', { fid: e.fid }));
        if (typeof self === 'number') return self;
        if (!put(1, self.ino, FILETYPE_DIRECTORY, '.')) return done();
      }
      if (c <= 1 && !put(2, 0, FILETYPE_DIRECTORY, '..')) return done();
      // Entries are handed out in batches; what did not fit last time is kept for the call that
      // resumes there (wasi-libc asks for the next buffer at exactly that cookie).
      let batch = e.unread && e.unread.at === Math.max(c, 2) ? e.unread.entries : null;
      let fsCookie = Math.max(0, c - 2);
      e.unread = undefined;
      for (;;) {
        if (!batch) {
          const r = vfsResult(lk.vfs.call('readdir', { fid: e.fid, cookie: fsCookie, max: Math.max(1024, Math.min(lk.maxChunk - 64, bufLen * 2)) }));
          if (typeof r === 'number') return r;
          if (r.count === 0) break;
          batch = unpackDirEntries(r.entries, r.count);
        }
        let resumeAt = Math.max(c, 2);
        for (let i = 0; i < batch.length; i++) {
          const entry = batch[i]!;
          if (!put(entry.next + 2, entry.node, entry.type, entry.name)) {
            e.unread = { at: resumeAt, entries: batch.slice(i) };
            return done();
          }
          resumeAt = entry.next + 2;
        }
        fsCookie = batch[batch.length - 1]!.next;
        batch = null;
      }
      return done();
      function done(): number {
        mem.setU32(usedPtr, used);
        c = 0;
        return Errno.SUCCESS;
      }
    },
  };
}

/**
 * HostFs on Node.js: the synchronous `node:fs` calls hostfs is written against.
 *
 * Nothing here follows a final symlink: stat is lstat, open adds O_NOFOLLOW, times are set with
 * lutimes. `open` asks for read-write and falls back to read-only when the host refuses writing
 * (EACCES, EPERM, EROFS, ETXTBSY) or the node is a directory (then O_RDONLY|O_DIRECTORY).
 * `join` accepts one component only. Every failure is thrown as HostFsError with the POSIX code
 * of the Node error (EIO when it has none, EINVAL for Node's own argument errors).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type HostFs, HostFsError, type HostStat } from '../../services/fs/host-fs-api.js';

const C = fs.constants;
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;
const READ_ONLY_FALLBACK = new Set(['EACCES', 'EPERM', 'EROFS', 'ETXTBSY', 'EISDIR']);
const WINDOWS = process.platform === 'win32';

function hostError(e: unknown): HostFsError {
  if (e instanceof HostFsError) return e;
  const err = e as { code?: unknown; message?: unknown } | null;
  let code = typeof err?.code === 'string' ? err.code : 'EIO';
  if (code.startsWith('ERR_')) code = 'EINVAL';
  return new HostFsError(code, typeof err?.message === 'string' ? err.message : String(e));
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw hostError(e);
  }
}

function typeOf(s: fs.BigIntStats): number {
  if (s.isFile()) return 4;
  if (s.isDirectory()) return 3;
  if (s.isSymbolicLink()) return 7;
  if (s.isBlockDevice()) return 1;
  if (s.isCharacterDevice()) return 2;
  if (s.isSocket()) return 6;
  return 0;
}

function toStat(s: fs.BigIntStats): HostStat {
  return {
    ino: Number(s.ino), type: typeOf(s), nlink: Number(s.nlink), size: Number(s.size),
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
  };
}

function openPath(p: string, create: boolean, exclusive: boolean): number {
  const extra = O_NOFOLLOW | (create ? C.O_CREAT : 0) | (exclusive ? C.O_EXCL : 0);
  try {
    return fs.openSync(p, C.O_RDWR | extra);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !READ_ONLY_FALLBACK.has(code)) throw e;
    return fs.openSync(p, C.O_RDONLY | extra | (code === 'EISDIR' ? O_DIRECTORY : 0));
  }
}

/** True if process `pid` exists (EPERM: it does, and is someone else's). */
function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's holder: `PID OWNER`, or null if it is not one. */
function holder(p: string): { pid: number; owner: string } | null {
  try {
    const [pid, owner] = fs.readFileSync(p, 'utf8').trim().split(' ');
    return pid && owner ? { pid: Number(pid), owner } : null;
  } catch {
    return null;
  }
}

function lockFile(p: string, owner: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(p, 'wx');
      try {
        fs.writeSync(fd, `${process.pid} ${owner}\n`);
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const h = holder(p);
    if (h && h.pid === process.pid && h.owner === owner) return;
    if (h && (h.pid === process.pid || alive(h.pid))) throw new HostFsError('EBUSY', `in use by ${h.pid === process.pid ? 'another Keel in this process' : `process ${h.pid}`} (lock ${p})`);
    // No holder left (its process is gone, or the file is half-written): take it over.
    try {
      fs.unlinkSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new HostFsError('EBUSY', `could not take the lock ${p}`);
}

export const nodeHostFs: HostFs = {
  lstat: (p) => wrap(() => toStat(fs.lstatSync(p, { bigint: true }))),
  fstat: (fd) => wrap(() => toStat(fs.fstatSync(fd, { bigint: true }))),
  open: (p, create, exclusive) => wrap(() => openPath(p, create, exclusive)),
  close: (fd) => wrap(() => fs.closeSync(fd)),
  read: (fd, into, position) => wrap(() => fs.readSync(fd, into, 0, into.length, position)),
  write: (fd, from, position) => wrap(() => fs.writeSync(fd, from, 0, from.length, position)),
  ftruncate: (fd, size) => wrap(() => fs.ftruncateSync(fd, size)),
  fsync: (fd) => wrap(() => fs.fsyncSync(fd)),
  readdir: (p) => wrap(() => fs.readdirSync(p)),
  mkdir: (p) => wrap(() => fs.mkdirSync(p)),
  rmdir: (p) => wrap(() => fs.rmdirSync(p)),
  unlink: (p) => wrap(() => fs.unlinkSync(p)),
  rename: (from, to) => wrap(() => fs.renameSync(from, to)),
  symlink: (target, p) => wrap(() => fs.symlinkSync(target, p)),
  readlink: (p) => wrap(() => fs.readlinkSync(p)),
  link: (existing, p) => wrap(() => fs.linkSync(existing, p)),
  // Linux's link(2) never follows a symlink; elsewhere assume it may.
  linkFollowsSymlinks: process.platform !== 'linux',
  statfs: (p) => wrap(() => {
    const s = fs.statfsSync(p);
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  }),
  utimes: (p, atimeNs, mtimeNs) => wrap(() => fs.lutimesSync(p, Number(atimeNs) / 1e9, Number(mtimeNs) / 1e9)),
  lock: (p, owner) => wrap(() => lockFile(p, owner)),
  unlock: (p, owner) => wrap(() => {
    const h = holder(p);
    if (h && h.pid === process.pid && h.owner === owner) fs.unlinkSync(p);
  }),
  join(dir, name) {
    const bad = name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')
      || (WINDOWS && (name.includes('\\') || name.includes(':')));
    if (bad) throw new HostFsError('EINVAL', `not a single path component: ${JSON.stringify(name)}`);
    return path.join(dir, name);
  },
};

/**
 * HostFs on Node.js: the synchronous `node:fs` calls hostfs and diskfs are written against.
 *
 * Node has no openat(2). On Linux every *At call names its component through
 * `/proc/self/fd/DIR/NAME`: the host kernel resolves `/proc/self/fd/DIR` to the directory the
 * descriptor was opened on (a magic link, not a path that can be swapped), then looks up NAME in
 * it, and no call here follows a final symlink (lstat, O_NOFOLLOW, lutimes, link without
 * AT_SYMLINK_FOLLOW, rename/unlink/rmdir/mkdir/symlink never follow their last component). So a
 * host process renaming directories or planting symlinks cannot move a call outside the
 * directory it was made in. Directories are opened O_RDONLY|O_DIRECTORY|O_NOFOLLOW (O_PATH when
 * the directory may be searched but not read).
 *
 * Elsewhere (no /proc: macOS, Windows) a directory handle stands for the path it was opened at;
 * the guest's own renames update the handles under them, but a host process racing to swap a
 * directory for a symlink between a check and a use is outside what this can guarantee
 * (`resolvesAtDirectory` is false and the docs say so).
 *
 * `open` asks for read-write and falls back to read-only when the host refuses writing (EACCES,
 * EPERM, EROFS, ETXTBSY) or the node is a directory (then O_RDONLY|O_DIRECTORY). Every failure
 * is thrown as HostFsError with the POSIX code of the Node error (EIO when it has none, EINVAL
 * for Node's own argument errors).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type DirHandle, type HostFs, HostFsError, type HostStat, isComponent } from '../../host/host-fs.js';

const C = fs.constants;
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;
/** Linux's O_PATH on the architectures Node ships for (x86, arm): a handle for lookups only. */
const O_PATH = 0o10000000;
const READ_ONLY_FALLBACK = new Set(['EACCES', 'EPERM', 'EROFS', 'ETXTBSY', 'EISDIR']);
const WINDOWS = process.platform === 'win32';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hostError(e: unknown): HostFsError {
  if (e instanceof HostFsError) return e;
  const err = e as { code?: unknown; message?: unknown } | null;
  let code = typeof err?.code === 'string' ? err.code : 'EIO';
  if (code.startsWith('ERR_')) code = 'EINVAL';
  return new HostFsError(code, typeof err?.message === 'string' ? err.message : String(e));
}

export function wrap<T>(fn: () => T): T {
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

export function toStat(s: fs.BigIntStats): HostStat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), type: typeOf(s), nlink: Number(s.nlink), size: Number(s.size),
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
  };
}

function openPath(p: string, create: boolean, exclusive: boolean, readOnly = false): number {
  const extra = O_NOFOLLOW | (create ? C.O_CREAT : 0) | (exclusive ? C.O_EXCL : 0);
  if (readOnly) return fs.openSync(p, C.O_RDONLY | extra);
  try {
    return fs.openSync(p, C.O_RDWR | extra);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !READ_ONLY_FALLBACK.has(code)) throw e;
    return fs.openSync(p, C.O_RDONLY | extra | (code === 'EISDIR' ? O_DIRECTORY : 0));
  }
}

/** Open a directory without following a final symlink; O_PATH if it may be searched but not read. */
function openDirPath(p: string, follow: boolean): number {
  const flags = O_DIRECTORY | (follow ? 0 : O_NOFOLLOW);
  try {
    return fs.openSync(p, C.O_RDONLY | flags);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'EACCES' || process.platform !== 'linux') throw e;
    return fs.openSync(p, O_PATH | flags);
  }
}

function component(name: string): string {
  if (!isComponent(name) || (WINDOWS && (name.includes('\\') || name.includes(':')))) {
    throw new HostFsError('EINVAL', `not a single path component: ${JSON.stringify(name)}`);
  }
  return name;
}

function decodeName(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
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

/** The soft RLIMIT_NOFILE of this process (Linux: /proc/self/limits), or 0 if unknown. */
function readDescriptorLimit(): number {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return 1 << 20;
    const n = Number(soft);
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * Where directory handles live. On Linux with /proc: descriptors, and names resolved through the
 * magic link. Elsewhere: a table of paths (handles from 2^30 up, never a real descriptor).
 */
interface DirResolver {
  readonly bound: boolean;
  at(dir: DirHandle, name: string): string;
  self(dir: DirHandle): string;
  openRoot(p: string): DirHandle;
  openDirAt(dir: DirHandle, name: string): DirHandle;
  closeDir(dir: DirHandle): void;
  fstatDir(dir: DirHandle): HostStat;
  renamed(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void;
}

const procResolver: DirResolver = {
  bound: true,
  at: (dir, name) => `/proc/self/fd/${dir}/${component(name)}`,
  self: (dir) => `/proc/self/fd/${dir}`,
  openRoot: (p) => openDirPath(p, true),
  openDirAt: (dir, name) => openDirPath(`/proc/self/fd/${dir}/${component(name)}`, false),
  closeDir: (dir) => fs.closeSync(dir),
  fstatDir: (dir) => toStat(fs.fstatSync(dir, { bigint: true })),
  renamed: () => {},
};

function pathResolver(): DirResolver {
  const paths = new Map<number, string>();
  let next = 1 << 30;
  const pathOf = (dir: DirHandle): string => {
    const p = paths.get(dir);
    if (p === undefined) throw new HostFsError('EBADF', `bad directory handle ${dir}`);
    return p;
  };
  const remember = (p: string): DirHandle => {
    const s = fs.lstatSync(p);
    if (!s.isDirectory()) throw new HostFsError(s.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR', `${p}: not a directory`);
    paths.set(next, p);
    return next++;
  };
  return {
    bound: false,
    at: (dir, name) => path.join(pathOf(dir), component(name)),
    self: pathOf,
    openRoot: (p) => remember(fs.realpathSync(p)),
    openDirAt: (dir, name) => remember(path.join(pathOf(dir), component(name))),
    closeDir: (dir) => { paths.delete(dir); },
    fstatDir: (dir) => toStat(fs.lstatSync(pathOf(dir), { bigint: true })),
    renamed(fromDir, fromName, toDir, toName) {
      const from = path.join(pathOf(fromDir), fromName), to = path.join(pathOf(toDir), toName);
      for (const [h, p] of paths) {
        if (p === from) paths.set(h, to);
        else if (p.startsWith(from + path.sep)) paths.set(h, to + p.slice(from.length));
      }
    },
  };
}

export function hasProcFd(): boolean {
  try {
    return process.platform === 'linux' && fs.statSync('/proc/self/fd').isDirectory();
  } catch {
    return false;
  }
}

const dirs: DirResolver = hasProcFd() ? procResolver : pathResolver();
let descriptorLimit: number | null = null;

export const nodeHostFs: HostFs = {
  lstat: (p) => wrap(() => toStat(fs.lstatSync(p, { bigint: true }))),
  open: (p, create, exclusive) => wrap(() => openPath(p, create, exclusive)),
  realpath: (p) => wrap(() => fs.realpathSync(p)),
  openRoot: (p) => wrap(() => dirs.openRoot(p)),
  statfs: (p) => wrap(() => {
    const s = fs.statfsSync(p);
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  }),
  lock: (p, owner) => wrap(() => lockFile(p, owner)),
  unlock: (p, owner) => wrap(() => {
    const h = holder(p);
    if (h && h.pid === process.pid && h.owner === owner) fs.unlinkSync(p);
  }),
  descriptorLimit: () => (descriptorLimit ??= readDescriptorLimit()),

  fstat: (fd) => wrap(() => toStat(fs.fstatSync(fd, { bigint: true }))),
  close: (fd) => wrap(() => fs.closeSync(fd)),
  read: (fd, into, position) => wrap(() => fs.readSync(fd, into, 0, into.length, position)),
  write: (fd, from, position) => wrap(() => fs.writeSync(fd, from, 0, from.length, position)),
  ftruncate: (fd, size) => wrap(() => fs.ftruncateSync(fd, size)),
  fsync: (fd) => wrap(() => fs.fsyncSync(fd)),

  resolvesAtDirectory: dirs.bound,
  openDirAt: (dir, name) => wrap(() => dirs.openDirAt(dir, name)),
  closeDir: (dir) => wrap(() => dirs.closeDir(dir)),
  fstatDir: (dir) => wrap(() => dirs.fstatDir(dir)),
  fsyncDir: (dir) => wrap(() => {
    const fd = dirs.bound ? dir : fs.openSync(dirs.self(dir), C.O_RDONLY | O_DIRECTORY);
    try {
      fs.fsyncSync(fd);
    } catch (e) {
      // An O_PATH handle cannot be synced; the host writes the directory back on its own.
      if ((e as { code?: unknown }).code !== 'EBADF') throw e;
    } finally {
      if (fd !== dir) fs.closeSync(fd);
    }
  }),
  readdirAt: (dir) => wrap(() => {
    const names: string[] = [];
    for (const raw of fs.readdirSync(dirs.self(dir), { encoding: 'buffer' })) {
      const name = decodeName(raw);
      if (name !== null) names.push(name);
    }
    return names;
  }),
  lstatAt: (dir, name) => wrap(() => toStat(fs.lstatSync(dirs.at(dir, name), { bigint: true }))),
  lstatAtOrNull: (dir, name) => wrap(() => {
    const s = fs.lstatSync(dirs.at(dir, name), { bigint: true, throwIfNoEntry: false });
    return s === undefined ? null : toStat(s);
  }),
  openAt: (dir, name, create, exclusive, readOnly) => wrap(() => openPath(dirs.at(dir, name), create, exclusive, readOnly)),
  mkdirAt: (dir, name) => wrap(() => fs.mkdirSync(dirs.at(dir, name))),
  rmdirAt: (dir, name) => wrap(() => fs.rmdirSync(dirs.at(dir, name))),
  unlinkAt: (dir, name) => wrap(() => fs.unlinkSync(dirs.at(dir, name))),
  renameAt: (fromDir, fromName, toDir, toName) => wrap(() => {
    fs.renameSync(dirs.at(fromDir, fromName), dirs.at(toDir, toName));
    dirs.renamed(fromDir, fromName, toDir, toName);
  }),
  symlinkAt: (target, dir, name) => wrap(() => fs.symlinkSync(target, dirs.at(dir, name))),
  readlinkAt: (dir, name) => wrap(() => {
    const target = decodeName(fs.readlinkSync(dirs.at(dir, name), { encoding: 'buffer' }));
    if (target === null) throw new HostFsError('EILSEQ', 'the symlink target is not valid UTF-8');
    return target;
  }),
  linkAt: (dir, name, toDir, toName) => wrap(() => fs.linkSync(dirs.at(dir, name), dirs.at(toDir, toName))),
  // Linux's link(2) never follows a symlink; elsewhere assume it may.
  linkFollowsSymlinks: process.platform !== 'linux',
  utimesAt: (dir, name, atimeNs, mtimeNs) => wrap(() => {
    const a = Number(atimeNs) / 1e9, m = Number(mtimeNs) / 1e9;
    if (name === null) fs.utimesSync(dirs.self(dir), a, m);
    else fs.lutimesSync(dirs.at(dir, name), a, m);
  }),
};

/**
 * The host file-system interface hostfs and diskfs are written against: synchronous and
 * descriptor-based. The platform supplies it (platform/node/node-host-fs.ts; in a browser,
 * platform/browser/opfs-host-fs.ts, which has disk images only). Every method throws a
 * HostFsError carrying a POSIX code (`ENOENT`, `EACCES`, …) on failure.
 *
 * Two kinds of names reach the host:
 *   - trusted paths, named by the user or the embedder (a disk image, the root of a `--dir`):
 *     `lstat`, `open`, `openRoot`, `statfs`, `lock`;
 *   - guest-reachable names, always ONE component inside a directory the host holds open (a
 *     `DirHandle`): every `*At` method. The component is never '', '.', '..', and holds no '/'
 *     or NUL (the methods refuse it with EINVAL). No `*At` method follows a final symlink.
 * Where `resolvesAtDirectory` is true (Linux: the handle is a descriptor and the name is resolved
 * through /proc/self/fd/N, which the host kernel binds to the open directory itself), a host
 * process renaming directories or planting symlinks cannot redirect a call: the call acts inside
 * the directory the handle was opened on, wherever that directory now is. Where it is false (no
 * /proc), a handle stands for a path and only the guest's own renames are followed.
 */

import { Errno, errnoFromCode } from '../abi/errno.js';

export class HostFsError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface HostStat {
  /** Device and inode: together, the identity of the file on the host. */
  readonly dev: number;
  readonly ino: number;
  readonly type: number; // WASI filetype
  readonly nlink: number;
  readonly size: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** A directory the host holds open; valid until closeDir. */
export type DirHandle = number;

export interface HostFs {
  // ---- trusted paths --------------------------------------------------------------------------
  /** lstat of a trusted path: never follows a final symlink. */
  lstat(path: string): HostStat;
  /** Open a trusted path for reading and writing if possible, else read-only; never follows a final symlink. */
  open(path: string, create: boolean, exclusive: boolean): number;
  /** The canonical absolute form of a trusted path (symlinks resolved). */
  realpath(path: string): string;
  /** Open the directory at a trusted path (the root of a host tree); follows symlinks the user named. */
  openRoot(path: string): DirHandle;
  /** Size and free space of the host file system holding `path`, in bytes. */
  statfs(path: string): { total: number; free: number };
  /**
   * Take the lock file `path` for `owner` (a token naming one Keel system): made if missing;
   * taken over if its holder's process is gone; kept if it is already `owner`'s in this process;
   * else HostFsError EBUSY naming the holder. A disk image is mounted by one system at a time.
   */
  lock(path: string, owner: string): void;
  /** Remove the lock file `path` if `owner` holds it (else leave it). */
  unlock(path: string, owner: string): void;
  /** How many descriptors this host process may hold at once (its soft limit), or 0 if unknown. */
  descriptorLimit(): number;

  // ---- descriptors ----------------------------------------------------------------------------
  fstat(fd: number): HostStat;
  close(fd: number): void;
  read(fd: number, into: Uint8Array, position: number): number;
  write(fd: number, from: Uint8Array, position: number): number;
  ftruncate(fd: number, size: number): void;
  fsync(fd: number): void;

  // ---- one component inside an open directory (guest-reachable) --------------------------------
  /** True where *At calls are bound to the open directory, not to a path (see the header). */
  readonly resolvesAtDirectory: boolean;
  /** Open the directory `name` in `dir`; ENOTDIR or ELOOP if it is not a real directory (a symlink never is). */
  openDirAt(dir: DirHandle, name: string): DirHandle;
  closeDir(dir: DirHandle): void;
  /** Identity and attributes of the open directory itself. */
  fstatDir(dir: DirHandle): HostStat;
  /** Make the directory's entries durable (best effort where the handle cannot be synced). */
  fsyncDir(dir: DirHandle): void;
  /** The names in `dir` (without '.' and '..'); names that are not valid UTF-8 are left out. */
  readdirAt(dir: DirHandle): string[];
  lstatAt(dir: DirHandle, name: string): HostStat;
  /**
   * As lstatAt, but null when nothing has that name (ENOENT) instead of an error: lookups of names
   * that do not exist are common (a compiler probing its include path, SQLite's lock directory),
   * and a thrown host error costs several times the lstat itself.
   */
  lstatAtOrNull(dir: DirHandle, name: string): HostStat | null;
  /** Open `name` in `dir` read-write if allowed, else read-only (`readOnly`: read-only); O_NOFOLLOW (a symlink is ELOOP). */
  openAt(dir: DirHandle, name: string, create: boolean, exclusive: boolean, readOnly?: boolean): number;
  mkdirAt(dir: DirHandle, name: string): void;
  rmdirAt(dir: DirHandle, name: string): void;
  unlinkAt(dir: DirHandle, name: string): void;
  renameAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void;
  symlinkAt(target: string, dir: DirHandle, name: string): void;
  /** The target of the symlink `name` in `dir`; EILSEQ if it is not valid UTF-8. */
  readlinkAt(dir: DirHandle, name: string): string;
  /** Hard-link `name` in `dir` as `toName` in `toDir` (never following a symlink `name`, see below). */
  linkAt(dir: DirHandle, name: string, toDir: DirHandle, toName: string): void;
  /** True where link() on a symlink links its target instead of the symlink (POSIX leaves it open). */
  readonly linkFollowsSymlinks: boolean;
  /**
   * Set the times of `name` in `dir` without following a final symlink, or of the directory
   * itself when `name` is null. Hosts may round: Node's API takes seconds as a double, so
   * nanoseconds are not kept exactly (hostfs makes up for it).
   */
  utimesAt(dir: DirHandle, name: string | null, atimeNs: bigint, mtimeNs: bigint): void;
}

/**
 * The errno of a failed host call, as hostfs answers it: the HostFsError's POSIX code; EBADF (a
 * write through a descriptor the host would only open read-only) is EACCES; anything else EIO.
 */
export function errnoOfHostError(e: unknown): number {
  if (!(e instanceof HostFsError)) return Errno.IO;
  return e.code === 'EBADF' ? Errno.ACCES : errnoFromCode(e.code);
}

/** True if `name` is one path component a host may be asked about. */
export function isComponent(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

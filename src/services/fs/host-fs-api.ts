/**
 * The host file-system interface hostfs is written against: synchronous, descriptor-based,
 * no path walking beyond one component at a time (the VFS walks paths). The platform supplies
 * it (platform/node/node-host-fs.ts). Every method throws a HostFsError carrying a POSIX code
 * (`ENOENT`, `EACCES`, …) on failure.
 */

export class HostFsError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface HostStat {
  readonly ino: number;
  readonly type: number; // WASI filetype
  readonly nlink: number;
  readonly size: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export interface HostFs {
  /** lstat: never follows a final symlink. */
  lstat(path: string): HostStat;
  fstat(fd: number): HostStat;
  /** Open for reading and writing if possible, else read-only; never follows a final symlink. */
  open(path: string, create: boolean, exclusive: boolean): number;
  /** Open a directory read-only (for fsync). */
  close(fd: number): void;
  read(fd: number, into: Uint8Array, position: number): number;
  write(fd: number, from: Uint8Array, position: number): number;
  ftruncate(fd: number, size: number): void;
  fsync(fd: number): void;
  readdir(path: string): string[];
  mkdir(path: string): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
  link(existing: string, path: string): void;
  /** True where link() on a symlink links its target instead of the symlink (POSIX leaves it open). */
  readonly linkFollowsSymlinks: boolean;
  /**
   * Set the times of `path` without following a final symlink. Hosts may round: Node's API takes
   * seconds as a double, so nanoseconds are not kept exactly (hostfs makes up for it).
   */
  utimes(path: string, atimeNs: bigint, mtimeNs: bigint): void;
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
  /** Join a directory path and one component (no `/`, `.` or `..` in it). */
  join(dir: string, name: string): string;
}

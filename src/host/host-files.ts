/**
 * Host files a local kernel holds itself: its own descriptor of a host file that hostfs opened
 * for one of its process's fids, so the fid's reads, writes, fstat and fsync are host calls made
 * in the program's thread instead of calls to hostfs (docs/decisions/024-direct-host-files.md).
 *
 * The descriptor is had from hostfs's own (`reopen`: on Linux, an open of /proc/self/fd/N, which
 * opens the very file N is open on, not a path): it names the file hostfs checked and opened,
 * whatever happens to names afterwards, and it stays the local kernel's until it closes it. The
 * local kernel checks that it is the file the grant named (device and inode) before using it.
 *
 * Invariants: a descriptor from `reopen` is used only by the thread that reopened it and closed
 * only through `close` here; the platform closes those a thread still held when it ended
 * without closing them (a killed program), never one it had closed.
 */

import type { HostStat } from './host-fs.js';

/** How `openAt` opens: for writing too (else read only), creating, only creating, truncating. */
export interface LocalOpen {
  readonly write: boolean;
  readonly create: boolean;
  readonly exclusive: boolean;
  readonly truncate: boolean;
}

export interface HostFiles {
  /**
   * A descriptor of the file open as `fd` in this host process, for reading and/or writing, or
   * null when the host gives none (the file may not be opened that way, no /proc, …). `append`:
   * every write goes to the end of the file, whatever position it names (O_APPEND).
   */
  reopen(fd: number, read: boolean, write: boolean, append?: boolean): number | null;
  /**
   * A descriptor of the regular file `name` (one component) in the directory open as `dir` — one
   * of this thread's own handles — never following `name` if it is a symlink and never opening
   * anything else (a FIFO or a device is looked at, not opened: its open has effects), or null
   * when this thread may take no more (then the open is hostfs's). Throws a HostFsError on the
   * host's refusal, ENOENT when nothing is there, EFTYPE when what is there is not a regular file.
   * A local kernel's own open in a direct host directory (decision 025). With the descriptor, what
   * the host said of the file just before it was opened (null for one this open made).
   */
  openAt(dir: number, name: string, how: LocalOpen): { fd: number; stat: HostStat | null } | null;
  /**
   * A handle of the directory `name` (one component) in the directory open as `dir`, never
   * following `name` if it is a symlink (the host refuses it: ENOTDIR), or null when this thread
   * may take no more. Throws a HostFsError on the host's refusal. A walk down a direct host
   * directory (decision 025); closed with `close`.
   */
  openDirAt(dir: number, name: string): number | null;
  /** Each throws a HostFsError carrying a POSIX code on failure. */
  fstat(fd: number): HostStat;
  ftruncate(fd: number, size: number): void;
  /** Read into `into` in order from `position`; the bytes read (short at the end of the file). */
  read(fd: number, into: readonly Uint8Array[], position: number): number;
  /**
   * Write `parts` in order from `position` (null: at the descriptor's own position, the end for an
   * `append` one); the bytes written (short only when the host ran out of room).
   */
  write(fd: number, parts: readonly Uint8Array[], position: number | null): number;
  fsync(fd: number): void;
  fdatasync(fd: number): void;
  close(fd: number): void;
}

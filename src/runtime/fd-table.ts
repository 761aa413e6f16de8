/**
 * A process's file-descriptor table, kept in its local kernel.
 *
 * An fd names what the program may use: a console stream, or a file, directory or pipe end the
 * VFS opened for this process (a fid). The offset of a file lives here, so tell and most seeks
 * need no IPC. Several fds may name one entry (dup2): they share its offset and flags, and the
 * fid is closed when the last of them is.
 * Rights follow WASI: a descriptor's rights can only shrink (fd_fdstat_set_rights), and one
 * opened from a directory gets at most the directory's inheriting rights.
 */

export type FdKind = 'console' | 'file' | 'dir' | 'pipe' | 'socket';

import type { DirEntry } from '../abi/protocols/fs.js';
import type { AddressToken } from '../ipc/address-token.js';

/** A file's attributes, as fd_filestat_get reports them. */
export interface StatFields {
  dev: number; ino: number; type: number; nlink: number; size: number; atim: bigint; mtim: bigint; ctim: bigint;
}

/**
 * Where an open file or directory can be found again after a restart (session-recovery.ts): the
 * VFS path of a directory to open as a root, the path under it ('' = that directory), the lookup
 * flag and the open flags to use (never creating, requiring absence or truncating).
 */
export interface FileOrigin {
  readonly root: string;
  readonly path: string;
  readonly lookup: number;
  readonly oflags: number;
}

export interface FdEntry {
  kind: FdKind;
  /** VFS fid for files, directories and pipes; the console stream (0, 1, 2); the net socket id. */
  fid: number;
  /** WASI filetype. */
  filetype: number;
  offset: number;
  rightsBase: number;
  rightsInheriting: number;
  /** WASI fdflags. */
  flags: number;
  /** Guest path of a preopened directory, else null. */
  preopen: string | null;
  /** How to open it again if its session is lost (absent: it cannot be, e.g. a pipe end). */
  origin?: FileOrigin;
  /**
   * The attributes the open (or the last fstat answered by the file system) returned, usable
   * while `token` holds: the word (the node's change slot, or the file system's change word)
   * still has the value read before them, so nothing about the file can have changed since.
   */
  attributes?: { readonly stat: StatFields; readonly token: AddressToken };
  /** How many fds name this entry (dup2 makes several). */
  refs?: number;
  /**
   * Directories: entries fetched by the last fd_readdir that did not fit in the caller's buffer,
   * and the cookie that resumes at the first of them (the next call usually asks for exactly it).
   */
  unread?: { readonly at: number; readonly entries: readonly (DirEntry & { next: number })[] };
}

export const MAX_FDS = 1024;

export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];

  /** `maxFds`: the process's open-file limit (fds 0 … maxFds-1 are usable), at most MAX_FDS. */
  constructor(readonly maxFds: number = MAX_FDS) {
    this.maxFds = Math.max(0, Math.min(MAX_FDS, Math.floor(maxFds)));
  }

  get(fd: number): FdEntry | undefined {
    return fd >= 0 && fd < this.entries.length ? this.entries[fd] : undefined;
  }

  set(fd: number, entry: FdEntry): void {
    this.entries[fd] = entry;
  }

  /** Make `to` name the same entry as `from` (dup2); returns the entry `to` named before, if any. */
  alias(from: number, to: number): FdEntry | undefined {
    const e = this.get(from)!;
    const old = this.remove(to);
    e.refs = (e.refs ?? 1) + 1;
    this.entries[to] = e;
    return old;
  }

  /** Drop one fd's reference; true when it was the entry's last, so its fid must be closed. */
  static release(e: FdEntry): boolean {
    e.refs = (e.refs ?? 1) - 1;
    return e.refs <= 0;
  }

  /** Place `entry` at the lowest free fd; -1 if the table is full. */
  add(entry: FdEntry): number {
    for (let fd = 0; fd < this.maxFds; fd++) {
      if (this.entries[fd] === undefined) {
        this.entries[fd] = entry;
        return fd;
      }
    }
    return -1;
  }

  remove(fd: number): FdEntry | undefined {
    const e = this.get(fd);
    if (e) this.entries[fd] = undefined;
    return e;
  }

  /** Whether an entry besides `e` names `e`'s fid (a directory opened again as '.': two entries, one fid). */
  sharesFid(e: FdEntry): boolean {
    return this.entries.some((o) => o !== undefined && o !== e && o.kind === e.kind && o.fid === e.fid);
  }

  /** Every open fd, ascending. */
  fds(): number[] {
    const out: number[] = [];
    this.entries.forEach((e, fd) => { if (e) out.push(fd); });
    return out;
  }
}

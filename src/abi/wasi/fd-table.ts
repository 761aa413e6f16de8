/**
 * A process's file-descriptor table, kept in its local kernel.
 *
 * An fd names what the program may use: a console stream, or a file or directory the VFS opened
 * for this process (a fid). The offset of a file lives here, so tell and most seeks need no IPC.
 * Rights follow WASI: a descriptor's rights can only shrink (fd_fdstat_set_rights), and one
 * opened from a directory gets at most the directory's inheriting rights.
 */

export type FdKind = 'console' | 'file' | 'dir';

export interface FdEntry {
  kind: FdKind;
  /** VFS fid for files and directories; the console stream number (0, 1, 2) for consoles. */
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
}

export const MAX_FDS = 1024;

export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];

  get(fd: number): FdEntry | undefined {
    return fd >= 0 && fd < this.entries.length ? this.entries[fd] : undefined;
  }

  set(fd: number, entry: FdEntry): void {
    this.entries[fd] = entry;
  }

  /** Place `entry` at the lowest free fd; -1 if the table is full. */
  add(entry: FdEntry): number {
    for (let fd = 0; fd < MAX_FDS; fd++) {
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

  /** Every open fd, ascending. */
  fds(): number[] {
    const out: number[] = [];
    this.entries.forEach((e, fd) => { if (e) out.push(fd); });
    return out;
  }
}

/**
 * cp [-r|-R] [-f] SRC... DEST: copy files. With one SRC, DEST is the copy's name, or, when DEST
 * is a directory, the copy goes into it under SRC's last component; with several, DEST must be a
 * directory. Directories need -r, which copies them recursively, copies symlinks as symlinks
 * (command-line ones too, like GNU -R) and refuses to copy a directory into itself. Without -r,
 * symlinks are followed. -f: a destination that cannot be opened is removed and tried again.
 * Times and modes are not preserved. Status 1 if anything could not be copied.
 *
 * Copier is shared with mv (its copy-and-remove fallback across file systems).
 */

import { type Stat, type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { baseName, joinPath } from '../../sys/sys-path.js';
import { parseOptions } from '../lib/options.js';
import { copyTarget, usageError } from '../lib/copy-target.js';

/** Copies one source tree, reporting each failure as `PROG: …` on stderr. */
export class Copier {
  constructor(private readonly sys: Sys, private readonly prog: string,
    private readonly recursive: boolean, private readonly force: boolean) {}

  private report(msg: string, e?: unknown): false {
    if (e !== undefined && !(e instanceof SysError)) throw e;
    this.sys.write(2, `${this.prog}: ${msg}${e instanceof SysError ? `: ${errorText(e.errno)}` : ''}\n`);
    return false;
  }

  private lstatOrNull(path: string): Stat | null {
    try {
      return this.sys.lstat(path);
    } catch {
      return null;
    }
  }

  private statOrNull(path: string): Stat | null {
    try {
      return this.sys.stat(path);
    } catch {
      return null;
    }
  }

  /** Copy `src` (whose stat is `st`) to `dst`; false if anything failed (already reported). */
  copy(src: string, dst: string, st: Stat): boolean {
    const absSrc = this.sys.resolve(src), absDst = this.sys.resolve(dst);
    const target = this.statOrNull(dst);
    if (absSrc === absDst || (target && st.type !== 'dir' && target.dev === st.dev && target.ino === st.ino)) {
      return this.report(`'${src}' and '${dst}' are the same file`);
    }
    if (st.type === 'dir') {
      if (!this.recursive) return this.report(`-r not specified; omitting directory '${src}'`);
      if (absDst.startsWith(`${absSrc}/`) || absSrc === '/') return this.report(`cannot copy a directory, '${src}', into itself, '${dst}'`);
      return this.copyDirectory(src, dst);
    }
    if (target?.type === 'dir') return this.report(`cannot overwrite directory '${dst}' with non-directory`);
    if (st.type === 'symlink') return this.copySymlink(src, dst);
    if (st.type !== 'file' && this.recursive) return this.report(`cannot create special file '${dst}': Operation not supported`);
    return this.copyFile(src, dst);
  }

  private copyDirectory(src: string, dst: string): boolean {
    const existing = this.statOrNull(dst);
    if (existing && existing.type !== 'dir') return this.report(`cannot overwrite non-directory '${dst}' with directory '${src}'`);
    let entries;
    try {
      if (!existing) this.sys.mkdir(dst);
    } catch (e) {
      return this.report(`cannot create directory '${dst}'`, e);
    }
    try {
      entries = this.sys.readdir(src);
    } catch (e) {
      return this.report(`cannot access '${src}'`, e);
    }
    let ok = true;
    for (const d of entries) {
      const from = joinPath(src, d.name);
      let st: Stat;
      try {
        st = this.sys.lstat(from);
      } catch (e) {
        ok = this.report(`cannot stat '${from}'`, e);
        continue;
      }
      ok = this.copy(from, joinPath(dst, d.name), st) && ok;
    }
    return ok;
  }

  private copySymlink(src: string, dst: string): boolean {
    try {
      const target = this.sys.readlink(src);
      // Like GNU cp -R: an existing non-directory destination is replaced by the link.
      if (this.lstatOrNull(dst)) this.sys.unlink(dst);
      this.sys.symlink(target, dst);
      return true;
    } catch (e) {
      return this.report(`cannot create symbolic link '${dst}'`, e);
    }
  }

  private copyFile(src: string, dst: string): boolean {
    let from: number, to: number;
    try {
      from = this.sys.open(src, { read: true });
    } catch (e) {
      return this.report(`cannot open '${src}' for reading`, e);
    }
    try {
      try {
        to = this.openTarget(dst);
      } catch (e) {
        return this.report(`cannot create regular file '${dst}'`, e);
      }
      try {
        for (;;) {
          let chunk: Uint8Array;
          try {
            chunk = this.sys.read(from);
          } catch (e) {
            return this.report(`error reading '${src}'`, e);
          }
          if (chunk.length === 0) return true;
          try {
            this.sys.write(to, chunk);
          } catch (e) {
            return this.report(`error writing '${dst}'`, e);
          }
        }
      } finally {
        this.sys.close(to);
      }
    } finally {
      this.sys.close(from);
    }
  }

  private openTarget(dst: string): number {
    const flags = { write: true, create: true, truncate: true };
    try {
      return this.sys.open(dst, flags);
    } catch (e) {
      if (!this.force || !this.lstatOrNull(dst)) throw e;
      this.sys.unlink(dst);
      return this.sys.open(dst, flags);
    }
  }
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'rRf', long: { recursive: 'R', force: 'f' } });
  if (typeof o === 'string') return usageError(sys, 'cp', o);
  const target = copyTarget(sys, 'cp', o.operands);
  if (typeof target === 'number') return target;
  const { sources, dest, destIsDir } = target;
  const recursive = o.flags.has('r') || o.flags.has('R');
  const copier = new Copier(sys, 'cp', recursive, o.flags.has('f'));
  let status = 0;
  for (const src of sources) {
    let st: Stat;
    try {
      st = recursive ? sys.lstat(src) : sys.stat(src);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `cp: cannot stat '${src}': ${errorText(e.errno)}\n`);
      status = 1;
      continue;
    }
    if (!copier.copy(src, destIsDir ? joinPath(dest, baseName(src)) : dest, st)) status = 1;
  }
  return status;
}

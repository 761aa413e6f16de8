/**
 * ls [-l] [-a] [-1] [-C] [-d] [-R] [-h] [PATH...]: list directory contents, GNU-style.
 *
 * Operands that are not directories (all of them with -d) are listed first, as one group, then
 * each directory's entries, under a `DIR:` header when there is more than one operand or with -R.
 * Names sort in byte (code point) order. Output is one name per line unless stdout is a terminal
 * (or -C is given): then names fill columns across the width (COLUMNS, else the terminal's).
 * -l gives the long form; Keel has no permission bits or owners, so the mode comes from the file
 * type alone (`drwxr-xr-x`, `-rw-r--r--`, `lrwxrwxrwx`, `crw-rw-rw-`), the owner and group are
 * `keel`, and the `total` line counts 1 KiB blocks from the sizes. Times are UTC.
 *
 * Status: 0; 1 if a subdirectory could not be read; 2 if an operand does not exist or cannot be
 * read (the others are still listed).
 */

import { type FileType, type Stat, type Sys, SysError, type Writer } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { joinPath } from '../../sys/sys-path.js';
import { parseOptions } from '../lib/options.js';

interface Options {
  readonly long: boolean;
  readonly all: boolean;
  readonly onePerLine: boolean;
  readonly columns: boolean;
  readonly directoryItself: boolean;
  readonly recursive: boolean;
  readonly human: boolean;
}

/** One name to print: the text shown, the path to reach it, and its type (and stat under -l). */
interface Entry {
  readonly name: string;
  readonly path: string;
  readonly type: FileType;
  readonly st: Stat | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 15_778_476_000;
const TYPE_CHAR: Readonly<Record<string, string>> = { dir: 'd', file: '-', symlink: 'l', char: 'c', block: 'b', socket: 's', 'socket-dgram': 's' };

/** `drwxr-xr-x` for a directory, `-rw-r--r--` for a file: the type letter and fixed permissions. */
export function modeString(type: FileType): string {
  const perms = type === 'dir' ? 'rwxr-xr-x' : type === 'symlink' ? 'rwxrwxrwx' : type === 'char' || type === 'block' ? 'rw-rw-rw-' : 'rw-r--r--';
  return `${TYPE_CHAR[type] ?? '?'}${perms}`;
}

/** GNU -h sizes: 1023, 1.0K, 1.5K, 10K, 121K, 1.0M (rounding up). */
export function humanSize(n: number): string {
  if (n < 1024) return String(n);
  const units = 'KMGTPE';
  let u = 0, scale = 1024;
  while (n / scale >= 1024 && u < units.length - 1) {
    u++;
    scale *= 1024;
  }
  const tenths = Math.ceil((n * 10) / scale); // exact: scale is a power of two
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}${units[u]!}`;
  const whole = Math.ceil(n / scale);
  if (whole >= 1024 && u < units.length - 1) return `1.0${units[u + 1]!}`;
  return `${whole}${units[u]!}`;
}

/** `Nov 23 14:05` for the last six months, `Nov 23  2023` otherwise (UTC). */
export function listTime(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const day = `${MONTHS[d.getUTCMonth()]!} ${String(d.getUTCDate()).padStart(2)}`;
  const recent = ms > nowMs - SIX_MONTHS_MS && ms <= nowMs + 60_000;
  if (!recent) return `${day}  ${d.getUTCFullYear()}`;
  return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** Byte order of the UTF-8 encodings, which is code point order. */
export function byteOrder(a: string, b: string): number {
  let i = 0;
  for (;;) {
    if (i >= a.length || i >= b.length) return (a.length - i) - (b.length - i);
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
}

/** GNU's column fit: the most columns (filled top to bottom) whose widths stay under `width`. */
export function columnLayout(names: readonly string[], width: number): string[] {
  const n = names.length;
  if (n === 0) return [];
  const maxCols = Math.max(1, Math.min(n, Math.floor(width / 3)));
  let best = { rows: n, widths: [Math.max(...names.map((s) => s.length))] };
  for (let cols = maxCols; cols > 1; cols--) {
    const rows = Math.ceil(n / cols);
    const widths: number[] = [];
    names.forEach((s, i) => {
      const c = Math.floor(i / rows);
      widths[c] = Math.max(widths[c] ?? 0, s.length);
    });
    const line = widths.reduce((sum, w, c) => sum + w + (c === cols - 1 ? 0 : 2), 0);
    if (line < width) {
      best = { rows, widths };
      break;
    }
  }
  const lines: string[] = [];
  for (let r = 0; r < best.rows; r++) {
    let text = '';
    for (let c = 0; r + c * best.rows < n; c++) {
      const name = names[r + c * best.rows]!;
      text += r + (c + 1) * best.rows < n ? name.padEnd(best.widths[c]! + 2) : name;
    }
    lines.push(text);
  }
  return lines;
}

class Lister {
  status = 0;
  private readonly out: Writer;
  private readonly tty: boolean;
  private readonly width: number;
  private readonly now: number;

  constructor(private readonly sys: Sys, private readonly o: Options) {
    this.out = sys.writer(1);
    this.tty = sys.isatty(1);
    const env = Number(sys.env.get('COLUMNS'));
    this.width = Number.isInteger(env) && env > 0 ? env : this.tty ? sys.terminalSize().columns : 80;
    this.now = sys.time();
  }

  private fail(what: string, path: string, e: unknown, status: number): void {
    if (!(e instanceof SysError)) throw e;
    this.sys.write(2, `ls: ${what} '${path}': ${errorText(e.errno)}\n`);
    this.status = Math.max(this.status, status);
  }

  /** Print a group of entries in the chosen format. */
  print(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (this.o.long) {
      const nlinkWidth = Math.max(...entries.map((e) => String(e.st!.nlink).length));
      const sizes = entries.map((e) => (this.o.human ? humanSize(e.st!.size) : String(e.st!.size)));
      const sizeWidth = Math.max(...sizes.map((s) => s.length));
      entries.forEach((e, i) => {
        const st = e.st!;
        let line = `${modeString(st.type)} ${String(st.nlink).padStart(nlinkWidth)} keel keel ${sizes[i]!.padStart(sizeWidth)} ${listTime(st.mtimeMs, this.now)} ${e.name}`;
        if (st.type === 'symlink') {
          try {
            line += ` -> ${this.sys.readlink(e.path)}`;
          } catch (err) {
            this.fail('cannot read symbolic link', e.path, err, 1);
          }
        }
        this.out.line(line);
      });
    } else if ((this.tty || this.o.columns) && !this.o.onePerLine) {
      for (const line of columnLayout(entries.map((e) => e.name), this.width)) this.out.line(line);
    } else {
      for (const e of entries) this.out.line(e.name);
    }
  }

  /** Stat `path` for -l; null (reported) if it vanished. */
  private entry(name: string, path: string, type: FileType): Entry | null {
    if (!this.o.long) return { name, path, type, st: null };
    try {
      const st = this.sys.lstat(path);
      return { name, path, type: st.type, st };
    } catch (e) {
      this.fail('cannot access', path, e, 1);
      return null;
    }
  }

  /** List the directory `dir` (its header already printed); recurse under -R. */
  listDirectory(dir: string, isOperand: boolean): void {
    let names;
    try {
      names = this.sys.readdir(dir);
    } catch (e) {
      this.fail('cannot open directory', dir, e, isOperand ? 2 : 1);
      return;
    }
    const all = this.o.all ? [{ name: '.', type: 'dir' as const }, { name: '..', type: 'dir' as const }, ...names] : names.filter((d) => !d.name.startsWith('.'));
    all.sort((a, b) => byteOrder(a.name, b.name));
    const entries: Entry[] = [];
    for (const d of all) {
      const e = this.entry(d.name, joinPath(dir, d.name), d.type);
      if (e) entries.push(e);
    }
    if (this.o.long) {
      const blocks = entries.reduce((sum, e) => sum + (e.type === 'symlink' ? 0 : Math.ceil(e.st!.size / 1024)), 0);
      this.out.line(`total ${this.o.human ? humanSize(blocks * 1024) : blocks}`);
    }
    this.print(entries);
    if (!this.o.recursive) return;
    for (const e of entries) {
      if (e.type !== 'dir' || e.name === '.' || e.name === '..') continue;
      this.out.line(`\n${e.path}:`);
      this.listDirectory(e.path, false);
    }
  }

  /** The whole listing for the command-line operands. */
  run(operands: readonly string[]): void {
    const files: Entry[] = [];
    const dirs: string[] = [];
    const noFollow = this.o.long || this.o.directoryItself;
    for (const path of operands) {
      let st: Stat;
      try {
        st = noFollow ? this.sys.lstat(path) : this.statOrLink(path);
      } catch (e) {
        this.fail('cannot access', path, e, 2);
        continue;
      }
      if (st.type === 'dir' && !this.o.directoryItself) dirs.push(path);
      else files.push({ name: path, path, type: st.type, st });
    }
    files.sort((a, b) => byteOrder(a.name, b.name));
    dirs.sort(byteOrder);
    this.print(files);
    const headers = operands.length > 1 || this.o.recursive;
    dirs.forEach((dir, i) => {
      if (headers) this.out.line(`${files.length > 0 || i > 0 ? '\n' : ''}${dir}:`);
      this.listDirectory(dir, true);
    });
  }

  /** Follow a symlink operand, but list a dangling one as itself. */
  private statOrLink(path: string): Stat {
    try {
      return this.sys.stat(path);
    } catch (e) {
      if (e instanceof SysError && e.code === 'ENOENT') return this.sys.lstat(path);
      throw e;
    }
  }
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), {
    flags: 'la1CdRh',
    long: { all: 'a', directory: 'd', recursive: 'R', 'human-readable': 'h' },
  });
  if (typeof o === 'string') {
    sys.write(2, `ls: ${o}\nTry 'ls --help' for more information.\n`);
    return 2;
  }
  const f = o.flags;
  const lister = new Lister(sys, {
    long: f.has('l'), all: f.has('a'), onePerLine: f.has('1'), columns: f.has('C'), directoryItself: f.has('d'),
    recursive: f.has('R') && !f.has('d'), human: f.has('h'),
  });
  try {
    lister.run(o.operands.length > 0 ? o.operands : ['.']);
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 2;
    throw e;
  }
  return lister.status;
}

/**
 * diff [-u|-U N|-c|-C N] [-q] [-s] [-r] [-N] [-i] [-b] [-w] [-a] [--label L]... FILE1 FILE2: compare
 * files line by line (lib/diff-lines.ts), as GNU diff.
 *
 * Output: the normal form (`2c2`, `< old`, `---`, `> new`) by default; unified (-u, N lines of
 * context, 3 by default) with `--- NAME\tTIME` headers; context (-c); -q only says whether they
 * differ. `\ No newline at end of file` marks a last line without one. Two directories are
 * compared by name (-r descends; `Only in DIR: NAME` for the others; -N treats a missing file as
 * empty). -i ignores case, -b changes in the amount of white space, -w all white space. A file
 * with a NUL byte is binary (`Binary files A and B differ`) unless -a. `-` is standard input.
 * Times are shown in UTC (Keel has no time zones). Status: 0 same, 1 different, 2 trouble.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { type Change, diffLines } from '../lib/diff-lines.js';
import { formatDate } from './date.js';

interface Options {
  format: 'normal' | 'unified' | 'context' | 'brief';
  context: number;
  reportSame: boolean;
  recursive: boolean;
  newFile: boolean;
  ignoreCase: boolean;
  ignoreSpaceChange: boolean;
  ignoreAllSpace: boolean;
  text: boolean;
  labels: string[];
}

class Trouble extends Error {}

interface Input { readonly lines: string[]; readonly finalNewline: boolean; readonly binary: boolean; readonly time: string }

function usage(sys: Sys, message: string): number {
  sys.write(2, `diff: ${message}\ndiff: Try 'diff --help' for more information.\n`);
  return 2;
}

function parseArgs(sys: Sys): { o: Options; files: string[] } | number {
  const o: Options = { format: 'normal', context: 3, reportSame: false, recursive: false, newFile: false, ignoreCase: false, ignoreSpaceChange: false, ignoreAllSpace: false, text: false, labels: [] };
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
      switch (name) {
        case 'unified': o.format = 'unified'; if (value !== undefined) o.context = Number(value); break;
        case 'context': o.format = 'context'; if (value !== undefined) o.context = Number(value); break;
        case 'brief': o.format = 'brief'; break;
        case 'report-identical-files': o.reportSame = true; break;
        case 'recursive': o.recursive = true; break;
        case 'new-file': o.newFile = true; break;
        case 'ignore-case': o.ignoreCase = true; break;
        case 'ignore-space-change': o.ignoreSpaceChange = true; break;
        case 'ignore-all-space': o.ignoreAllSpace = true; break;
        case 'text': o.text = true; break;
        case 'label': o.labels.push(value ?? args[++i] ?? ''); break;
        default: return usage(sys, `unrecognized option '${a}'`);
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (c === 'u') o.format = 'unified';
        else if (c === 'c') o.format = 'context';
        else if (c === 'U' || c === 'C') {
          o.format = c === 'U' ? 'unified' : 'context';
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined || !/^[0-9]+$/.test(v)) return usage(sys, `invalid context length '${v ?? ''}'`);
          o.context = Number(v);
          break;
        } else if (c === 'q') o.format = 'brief';
        else if (c === 's') o.reportSame = true;
        else if (c === 'r') o.recursive = true;
        else if (c === 'N') o.newFile = true;
        else if (c === 'i') o.ignoreCase = true;
        else if (c === 'b') o.ignoreSpaceChange = true;
        else if (c === 'w') o.ignoreAllSpace = true;
        else if (c === 'a') o.text = true;
        else if (c === 'L') {
          o.labels.push(args[++i] ?? '');
          break;
        } else return usage(sys, `invalid option -- '${c}'`);
      }
      continue;
    }
    files.push(a);
  }
  if (files.length < 2) return usage(sys, files.length === 0 ? 'missing operand' : `missing operand after '${files[0]!}'`);
  if (files.length > 2) return usage(sys, `extra operand '${files[2]!}'`);
  return { o, files };
}

function normalise(line: string, o: Options): string {
  let s = line;
  if (o.ignoreAllSpace) s = s.replace(/[ \t]+/g, '');
  else if (o.ignoreSpaceChange) s = s.replace(/[ \t]+/g, ' ').replace(/ $/, '');
  if (o.ignoreCase) s = s.toLowerCase();
  return s;
}

function range(start: number, count: number): string {
  // Unified ranges: `l,s`, `l` alone when s is 1, and the line before when s is 0.
  if (count === 1) return String(start + 1);
  return `${count === 0 ? start : start + 1},${count}`;
}

function normalRange(a: number, b: number): string {
  return b - a <= 1 ? String(a + 1) : `${a + 1},${b}`;
}

class Differ {
  status = 0;
  constructor(private readonly sys: Sys, private readonly o: Options, private readonly out: { write(s: string): void; line(s: string): void; flush(): void }) {}

  private read(name: string, missing: boolean): Input {
    if (missing) return { lines: [], finalNewline: true, binary: false, time: formatDate('%Y-%m-%d %H:%M:%S.%N %z', 0) };
    const sys = this.sys;
    const bytes = name === '-' ? sys.readAll(0) : sys.readFile(name);
    const time = name === '-' ? formatDate('%Y-%m-%d %H:%M:%S.%N %z', sys.time()) : formatDate('%Y-%m-%d %H:%M:%S.%N %z', sys.stat(name).mtimeMs);
    const binary = !this.o.text && bytes.subarray(0, 32 * 1024).includes(0);
    const text = new TextDecoder().decode(bytes);
    const finalNewline = text === '' || text.endsWith('\n');
    const lines = text === '' ? [] : (finalNewline ? text.slice(0, -1) : text).split('\n');
    return { lines, finalNewline, binary, time };
  }

  /** Compare two files; true when they differ. */
  files(n1: string, n2: string, missing1 = false, missing2 = false): boolean {
    const a = this.read(n1, missing1);
    const b = this.read(n2, missing2);
    const o = this.o;
    if ((a.binary || b.binary) && !o.text) {
      const same = a.lines.join('\n') === b.lines.join('\n') && a.finalNewline === b.finalNewline;
      if (!same) this.out.line(`Binary files ${n1} and ${n2} differ`);
      return !same;
    }
    const keyA = o.ignoreCase || o.ignoreSpaceChange || o.ignoreAllSpace ? a.lines.map((l) => normalise(l, o)) : a.lines;
    const keyB = o.ignoreCase || o.ignoreSpaceChange || o.ignoreAllSpace ? b.lines.map((l) => normalise(l, o)) : b.lines;
    // A last line without a newline differs from the same line with one.
    const markA = [...keyA], markB = [...keyB];
    if (!a.finalNewline && markA.length > 0) markA[markA.length - 1] += '\0nonl';
    if (!b.finalNewline && markB.length > 0) markB[markB.length - 1] += '\0nonl';
    const changes = diffLines(markA, markB);
    if (changes.length === 0) {
      if (o.reportSame) this.out.line(`Files ${n1} and ${n2} are identical`);
      return false;
    }
    if (o.format === 'brief') {
      this.out.line(`Files ${n1} and ${n2} differ`);
      return true;
    }
    if (o.format === 'normal') this.normal(a, b, changes);
    else this.hunks(n1, n2, a, b, changes);
    return true;
  }

  private emit(prefix: string, f: Input, i: number): void {
    this.out.line(`${prefix}${f.lines[i]!}`);
    if (i === f.lines.length - 1 && !f.finalNewline) this.out.line('\\ No newline at end of file');
  }

  private normal(a: Input, b: Input, changes: readonly Change[]): void {
    for (const c of changes) {
      const kind = c.i1 === c.i2 ? 'a' : c.j1 === c.j2 ? 'd' : 'c';
      const left = kind === 'a' ? String(c.i1) : normalRange(c.i1, c.i2);
      const right = kind === 'd' ? String(c.j1) : normalRange(c.j1, c.j2);
      this.out.line(`${left}${kind}${right}`);
      for (let i = c.i1; i < c.i2; i++) this.emit('< ', a, i);
      if (kind === 'c') this.out.line('---');
      for (let j = c.j1; j < c.j2; j++) this.emit('> ', b, j);
    }
  }

  private hunks(n1: string, n2: string, a: Input, b: Input, changes: readonly Change[]): void {
    const o = this.o;
    const ctx = o.context;
    const unified = o.format === 'unified';
    const [l1, l2] = [o.labels[0] ?? `${n1}\t${a.time}`, o.labels[1] ?? `${n2}\t${b.time}`];
    this.out.line(unified ? `--- ${l1}` : `*** ${l1}`);
    this.out.line(unified ? `+++ ${l2}` : `--- ${l2}`);
    // Group changes whose gap is at most 2·context into one hunk.
    const groups: Change[][] = [];
    for (const c of changes) {
      const last = groups.at(-1);
      if (last && c.i1 - last.at(-1)!.i2 <= 2 * ctx) last.push(c);
      else groups.push([c]);
    }
    for (const g of groups) {
      const first = g[0]!, last = g.at(-1)!;
      const s1 = Math.max(0, first.i1 - ctx), e1 = Math.min(a.lines.length, last.i2 + ctx);
      const s2 = Math.max(0, first.j1 - ctx), e2 = Math.min(b.lines.length, last.j2 + ctx);
      if (unified) {
        this.out.line(`@@ -${range(s1, e1 - s1)} +${range(s2, e2 - s2)} @@`);
        let i = s1;
        for (const c of g) {
          for (; i < c.i1; i++) this.emit(' ', a, i);
          for (let k = c.i1; k < c.i2; k++) this.emit('-', a, k);
          for (let k = c.j1; k < c.j2; k++) this.emit('+', b, k);
          i = c.i2;
        }
        for (; i < e1; i++) this.emit(' ', a, i);
        continue;
      }
      this.out.line('***************');
      const cr = (s: number, e: number): string => (e - s <= 1 ? String(e === s ? s : e) : `${s + 1},${e}`);
      this.out.line(`*** ${cr(s1, e1)} ****`);
      if (g.some((c) => c.i1 < c.i2)) {
        let i = s1;
        for (const c of g) {
          for (; i < c.i1; i++) this.emit('  ', a, i);
          for (let k = c.i1; k < c.i2; k++) this.emit(c.j1 < c.j2 ? '! ' : '- ', a, k);
          i = c.i2;
        }
        for (; i < e1; i++) this.emit('  ', a, i);
      }
      this.out.line(`--- ${cr(s2, e2)} ----`);
      if (g.some((c) => c.j1 < c.j2)) {
        let j = s2;
        for (const c of g) {
          for (; j < c.j1; j++) this.emit('  ', b, j);
          for (let k = c.j1; k < c.j2; k++) this.emit(c.i1 < c.i2 ? '! ' : '+ ', b, k);
          j = c.j2;
        }
        for (; j < e2; j++) this.emit('  ', b, j);
      }
    }
  }

  /** Compare two directories by name. */
  dirs(d1: string, d2: string): boolean {
    const sys = this.sys;
    const names = (d: string): string[] => sys.readdir(d).map((e) => e.name);
    const left = new Set(names(d1));
    const right = new Set(names(d2));
    const all = [...new Set([...left, ...right])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    let differ = false;
    for (const name of all) {
      const p1 = `${d1.replace(/\/$/, '')}/${name}`, p2 = `${d2.replace(/\/$/, '')}/${name}`;
      const in1 = left.has(name), in2 = right.has(name);
      if (!in1 || !in2) {
        if (this.o.newFile && (in1 ? !isDir(sys, p1) : !isDir(sys, p2))) {
          if (this.pair(p1, p2, !in1, !in2)) differ = true;
          continue;
        }
        this.out.line(`Only in ${in1 ? d1 : d2}: ${name}`);
        differ = true;
        continue;
      }
      const dir1 = isDir(sys, p1), dir2 = isDir(sys, p2);
      if (dir1 && dir2) {
        if (this.o.recursive) {
          if (this.dirs(p1, p2)) differ = true;
        } else this.out.line(`Common subdirectories: ${p1} and ${p2}`);
      } else if (dir1 !== dir2) {
        this.out.line(`File ${dir1 ? p1 : p2} is a directory while file ${dir1 ? p2 : p1} is a regular file`);
        differ = true;
      } else if (this.pair(p1, p2, false, false)) {
        differ = true;
      }
    }
    return differ;
  }

  /** Two files met in a directory walk: `diff FLAGS A B` comes before their differences. */
  private pair(p1: string, p2: string, missing1: boolean, missing2: boolean): boolean {
    this.headerText = this.o.format === 'brief' ? null : ['diff', ...this.flags(), p1, p2].join(' ');
    const differ = this.files(p1, p2, missing1, missing2);
    this.headerText = null;
    return differ;
  }

  private flags(): string[] {
    const o = this.o;
    const f: string[] = [];
    if (o.format === 'unified') f.push(o.context === 3 ? '-u' : `-U${o.context}`);
    if (o.format === 'context') f.push(o.context === 3 ? '-c' : `-C${o.context}`);
    if (o.recursive) f.push('-r');
    if (o.newFile) f.push('-N');
    return f;
  }

  /** `diff FLAGS A B`, written before the first output of a pair in a directory walk. */
  headerText: string | null = null;
}

function isDir(sys: Sys, path: string): boolean {
  try {
    return sys.stat(path).type === 'dir';
  } catch {
    return false;
  }
}

export function main(sys: Sys): number {
  const parsed = parseArgs(sys);
  if (typeof parsed === 'number') return parsed;
  const { o, files } = parsed;
  let [n1, n2] = files as [string, string];
  const buffered = sys.writer(1);
  let differ: Differ;
  // In a directory walk, a file pair's `diff …` line is written only when it differs.
  const out = {
    write: (s: string): void => {
      if (differ.headerText !== null) {
        buffered.line(differ.headerText);
        differ.headerText = null;
      }
      buffered.write(s);
    },
    line: (s: string): void => out.write(`${s}\n`),
    flush: (): void => buffered.flush(),
  };
  differ = new Differ(sys, o, out);
  try {
    const dir1 = n1 !== '-' && isDir(sys, n1);
    const dir2 = n2 !== '-' && isDir(sys, n2);
    let result: boolean;
    if (dir1 && dir2) result = differ.dirs(n1, n2);
    else {
      if (dir1) n1 = `${n1.replace(/\/$/, '')}/${n2.split('/').pop()!}`;
      if (dir2) n2 = `${n2.replace(/\/$/, '')}/${n1.split('/').pop()!}`;
      for (const n of [n1, n2]) {
        if (n !== '-' && !sys.exists(n) && !o.newFile) throw new Trouble(`${n}: No such file or directory`);
      }
      result = differ.files(n1, n2, n1 !== '-' && !sys.exists(n1), n2 !== '-' && !sys.exists(n2));
    }
    buffered.flush();
    return result ? 1 : 0;
  } catch (e) {
    buffered.flush();
    if (e instanceof Trouble) {
      sys.write(2, `diff: ${e.message}\n`);
      return 2;
    }
    if (e instanceof SysError) {
      if (e.code === 'EPIPE') return 2;
      sys.write(2, `diff: ${e.path ?? ''}: ${errorText(e.errno)}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Builtins that read and write: echo and printf (dash's: echo takes only -n and always
 * interprets \ escapes; printf has no \x), test and [, read.
 *
 * `read` takes one line from fd 0 without reading past it, as POSIX requires so that the
 * commands after it find the rest: from a file it reads a block and seeks back to just after the
 * newline; from a pipe or terminal it reads one byte at a time.
 */

import { SysError } from '../../sys/sys.js';
import { decodeText } from '../../abi/text-codec.js';
import { echoEscapes, printf } from '../lib/printf-format.js';
import { TestError, type TestFiles, evalTest } from '../lib/test-expr.js';
import type { Shell } from './shell.js';

/** Write a builtin's output; a failure other than a closed pipe is reported (`echo: No space left on device`). */
function output(sh: Shell, name: string, data: Uint8Array): number {
  try {
    sh.fds.write(1, data);
    return 0;
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    if (e.code !== 'EPIPE') sh.error(`${name}: ${e.message}`);
    return 1;
  }
}

export function echo(sh: Shell, argv: readonly string[]): number {
  let args = argv.slice(1);
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  const { bytes, stopped } = echoEscapes(args.join(' '));
  return output(sh, 'echo', stopped || !newline ? bytes : concat(bytes, 10));
}

function concat(bytes: Uint8Array, last: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = last;
  return out;
}

export function printfBuiltin(sh: Shell, argv: readonly string[]): number {
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sh.error('printf: usage: printf format [arg ...]');
    return 2;
  }
  const r = printf(args[0]!, args.slice(1), { gnu: false, report: (m) => sh.error(`printf: ${m}`) });
  if (r.output.length > 0 && output(sh, 'printf', r.output) !== 0) return 1;
  return r.status;
}

export function testFiles(sh: Shell): TestFiles {
  return {
    stat(path, lstat) {
      if (path === '') return null;
      try {
        return lstat ? sh.sys.lstat(path) : sh.sys.stat(path);
      } catch {
        return null;
      }
    },
    isatty: (fd) => {
      const real = sh.fds.get(fd);
      return real !== undefined && real >= 0 && sh.sys.isatty(real);
    },
  };
}

export function test(sh: Shell, argv: readonly string[]): number {
  let args = argv.slice(1);
  const name = argv[0]!;
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      sh.error('[: missing ]');
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evalTest(args, testFiles(sh), false) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    sh.error(`${name}: ${e.message}`);
    return 2;
  }
}

/** read [-r] [-p PROMPT] NAME...: one line from fd 0, split on IFS into the names. */
export function read(sh: Shell, argv: readonly string[]): number {
  let raw = false;
  let prompt: string | null = null;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-r') raw = true;
    else if (a === '-p') prompt = argv[++i] ?? '';
    else if (a.startsWith('-p')) prompt = a.slice(2);
    else if (/^-r+$/.test(a)) raw = true;
    else {
      sh.error(`read: Illegal option ${a}`);
      return 2;
    }
  }
  const names = argv.slice(i);
  if (names.length === 0) {
    sh.error('read: arg count');
    return 2;
  }
  if (prompt !== null && sh.fds.get(0) !== undefined && sh.sys.isatty(sh.fds.get(0)!)) sh.write(2, prompt);
  const line = readLine(sh, raw);
  if (line === null) {
    for (const n of names) sh.vars.set(n, '');
    return 1;
  }
  assignFields(sh, names, line.text, line.escaped);
  return line.eof ? 1 : 0;
}

interface ReadLine {
  readonly text: string;
  /** Indexes of characters that were escaped with \ (never delimiters). */
  readonly escaped: ReadonlySet<number>;
  /** The input ended before a newline. */
  readonly eof: boolean;
}

/** One logical line (backslash-newline joins lines unless `raw`); null at end of input with nothing read. */
function readLine(sh: Shell, raw: boolean): ReadLine | null {
  const fd = sh.fds.get(0);
  if (fd === undefined || fd < 0) return null;
  const bytes = new LineBytes(sh, fd);
  let text = '';
  const escaped = new Set<number>();
  for (;;) {
    const chunk = bytes.line();
    if (chunk === null) return text === '' && escaped.size === 0 ? null : { text, escaped, eof: true };
    const eof = !chunk.endsWith('\n');
    let s = eof ? chunk : chunk.slice(0, -1);
    if (raw) return { text: text + s, escaped, eof };
    let continued = false;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        if (i + 1 >= s.length) {
          continued = !eof;
          s = s.slice(0, i);
          break;
        }
        escaped.add(text.length);
        text += s[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    if (!continued) return { text, escaped, eof };
  }
}

/** Reading up to a newline from a real fd, never beyond it. */
class LineBytes {
  constructor(private readonly sh: Shell, private readonly fd: number) {}

  /** The next line with its newline (without one at the end of input), or null at the end. */
  line(): string | null {
    const parts: Uint8Array[] = [];
    let seekable = true;
    try {
      this.sh.sys.seek(this.fd, 0, 1);
    } catch {
      seekable = false;
    }
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = this.sh.sys.read(this.fd, seekable ? 512 : 1);
      } catch (e) {
        if (e instanceof SysError) break;
        throw e;
      }
      if (chunk.length === 0) break;
      const nl = chunk.indexOf(10);
      if (nl >= 0) {
        parts.push(chunk.subarray(0, nl + 1));
        if (seekable && nl + 1 < chunk.length) this.sh.sys.seek(this.fd, -(chunk.length - nl - 1), 1);
        return decode(parts);
      }
      parts.push(chunk);
    }
    return parts.length === 0 ? null : decode(parts);
  }
}

function decode(parts: readonly Uint8Array[]): string {
  let size = 0;
  for (const p of parts) size += p.length;
  const all = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return decodeText(new TextDecoder(), all);
}

/** Split `text` on IFS into `names`, the last taking the rest (XCU read). */
function assignFields(sh: Shell, names: readonly string[], text: string, escaped: ReadonlySet<number>): void {
  const ifs = sh.vars.get('IFS') ?? ' \t\n';
  const isIfs = (i: number): boolean => !escaped.has(i) && ifs.includes(text[i]!);
  const isWhite = (i: number): boolean => isIfs(i) && ' \t\n'.includes(text[i]!);
  let pos = 0;
  const n = text.length;
  while (pos < n && isWhite(pos)) pos++;
  names.forEach((name, k) => {
    if (k === names.length - 1) {
      let end = n;
      while (end > pos && isWhite(end - 1)) end--;
      // A single trailing non-white IFS character ends the last field when nothing follows it.
      let value = text.slice(pos, end);
      if (end > pos && isIfs(end - 1) && !isWhite(end - 1)) {
        const inner = text.slice(pos, end - 1);
        let other = false;
        for (let i = pos; i < end - 1; i++) if (isIfs(i)) other = true;
        if (!other) value = inner;
      }
      sh.vars.set(name, value);
      return;
    }
    const start = pos;
    while (pos < n && !isIfs(pos)) pos++;
    sh.vars.set(name, text.slice(start, pos));
    // Skip the delimiter: white space around at most one non-white IFS character.
    while (pos < n && isWhite(pos)) pos++;
    if (pos < n && isIfs(pos) && !isWhite(pos)) {
      pos++;
      while (pos < n && isWhite(pos)) pos++;
    }
  });
}

/**
 * The expression language of test(1) and `[`, shared by the `test` program and the shell's
 * builtin: POSIX's rules by number of arguments (0 to 4), and beyond that a grammar with `!`,
 * `-a` (tighter) and `-o`, and `( … )`.
 *
 * Primaries: -n -z STRING; STRING; = != < > (strings); -eq -ne -gt -ge -lt -le (integers);
 * -e -f -d -h -L -s -r -w -x -b -c -p -S -g -u -k FILE; -nt -ot -ef; -t FD.
 * Keel has no permission bits: -r and -w hold for anything that exists, -x for directories and
 * regular files; -g -u -k never hold.
 *
 * Interface: `evalTest(args, files, dialect)` → true/false, or throws TestError with the message
 * the caller prints (dash's or GNU's wording).
 */

import type { FileType } from '../../sys/sys.js';

export class TestError extends Error {}

export interface TestFiles {
  /** stat (following links unless `lstat`); null when it fails. */
  stat(path: string, lstat: boolean): { type: FileType; size: number; mtimeMs: number; dev: number; ino: number } | null;
  isatty(fd: number): boolean;
}

const UNARY = new Set(['-n', '-z', '-e', '-f', '-d', '-h', '-L', '-s', '-r', '-w', '-x', '-b', '-c', '-p', '-S', '-g', '-u', '-k', '-t']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-gt', '-ge', '-lt', '-le', '-nt', '-ot', '-ef']);

export function evalTest(args: readonly string[], files: TestFiles, gnu: boolean): boolean {
  return new TestEval(args, files, gnu).run();
}

class TestEval {
  private pos = 0;
  constructor(private readonly args: readonly string[], private readonly files: TestFiles, private readonly gnu: boolean) {}

  run(): boolean {
    const a = this.args;
    switch (a.length) {
      case 0: return false;
      case 1: return a[0] !== '';
      case 2:
        if (a[0] === '!') return a[1] === '';
        if (UNARY.has(a[0]!)) return this.unary(a[0]!, a[1]!);
        throw new TestError(this.gnu ? `${a[0]}: unary operator expected` : `${a[0]}: unexpected operator`);
      case 3:
        if (BINARY.has(a[1]!)) return this.binary(a[0]!, a[1]!, a[2]!);
        if (a[0] === '!') return !new TestEval(a.slice(1), this.files, this.gnu).run();
        if (a[0] === '(' && a[2] === ')') return a[1] !== '';
        if (a[1] === '-a' || a[1] === '-o') break;
        throw new TestError(this.gnu ? `${a[1]}: binary operator expected` : `${a[1]}: unexpected operator`);
      case 4:
        if (a[0] === '!') return !new TestEval(a.slice(1), this.files, this.gnu).run();
        if (a[0] === '(' && a[3] === ')') return new TestEval(a.slice(1, 3), this.files, this.gnu).run();
        break;
    }
    const v = this.or();
    if (this.pos < a.length) throw new TestError(this.gnu ? `extra argument '${a[this.pos]}'` : `${a[this.pos]}: unexpected operator`);
    return v;
  }

  private peek(offset = 0): string | undefined {
    return this.args[this.pos + offset];
  }

  private or(): boolean {
    let v = this.and();
    while (this.peek() === '-o') {
      this.pos++;
      v = this.and() || v;
    }
    return v;
  }

  private and(): boolean {
    let v = this.not();
    while (this.peek() === '-a') {
      this.pos++;
      v = this.not() && v;
    }
    return v;
  }

  private not(): boolean {
    if (this.peek() === '!' && this.peek(1) !== undefined) {
      this.pos++;
      return !this.not();
    }
    return this.primary();
  }

  private primary(): boolean {
    const t = this.peek();
    if (t === undefined) throw new TestError(this.gnu ? 'argument expected' : 'argument expected');
    if (t === '(' && this.args.length - this.pos > 1) {
      this.pos++;
      const v = this.or();
      if (this.peek() !== ')') throw new TestError(this.gnu ? "')' expected" : 'closing paren expected');
      this.pos++;
      return v;
    }
    const op = this.peek(1);
    if (op !== undefined && BINARY.has(op)) {
      const right = this.peek(2);
      if (right === undefined) throw new TestError(`${op}: argument expected`);
      this.pos += 3;
      return this.binary(t, op, right);
    }
    if (UNARY.has(t) && op !== undefined) {
      this.pos += 2;
      return this.unary(t, op);
    }
    this.pos++;
    return t !== '';
  }

  private integer(s: string): bigint {
    const t = s.trim();
    if (!/^[+-]?[0-9]+$/.test(t)) throw new TestError(this.gnu ? `invalid integer '${s}'` : `Illegal number: ${s}`);
    return BigInt(t);
  }

  private unary(op: string, arg: string): boolean {
    switch (op) {
      case '-n': return arg !== '';
      case '-z': return arg === '';
      case '-t': return /^[0-9]+$/.test(arg) && this.files.isatty(Number(arg));
    }
    const st = this.files.stat(arg, op === '-h' || op === '-L');
    if (!st) return false;
    switch (op) {
      case '-e':
      case '-r':
      case '-w': return true;
      case '-f': return st.type === 'file';
      case '-d': return st.type === 'dir';
      case '-h':
      case '-L': return st.type === 'symlink';
      case '-s': return st.size > 0;
      case '-x': return st.type === 'file' || st.type === 'dir';
      case '-b': return st.type === 'block';
      case '-c': return st.type === 'char';
      case '-S': return st.type === 'socket' || st.type === 'socket-dgram';
      case '-p': return st.type === 'unknown';
      default: return false;
    }
  }

  private binary(a: string, op: string, b: string): boolean {
    switch (op) {
      case '=':
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '>': return a > b;
      case '-eq': return this.integer(a) === this.integer(b);
      case '-ne': return this.integer(a) !== this.integer(b);
      case '-gt': return this.integer(a) > this.integer(b);
      case '-ge': return this.integer(a) >= this.integer(b);
      case '-lt': return this.integer(a) < this.integer(b);
      case '-le': return this.integer(a) <= this.integer(b);
    }
    const sa = this.files.stat(a, false);
    const sb = this.files.stat(b, false);
    switch (op) {
      case '-nt': return sa !== null && (sb === null || sa.mtimeMs > sb.mtimeMs);
      case '-ot': return sb !== null && (sa === null || sa.mtimeMs < sb.mtimeMs);
      default: return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
    }
  }
}

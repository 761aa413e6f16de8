/**
 * find [-H|-L|-P] [PATH...] [EXPRESSION]: walk directory trees and evaluate an expression on each
 * name, as GNU find for what scripts use.
 *
 * Options: -maxdepth N, -mindepth N, -depth. Tests: -name -iname -path -ipath -wholename PATTERN
 * (shell patterns), -regex -iregex RE (matched against the whole path, as POSIX EREs), -type
 * [fdlpsc] (or a list: f,d), -newer FILE, -size [+-]N[cwbkMG], -empty, -mtime -mmin [+-]N,
 * -links N, -true, -false. Actions: -print, -print0, -printf FORMAT (%p %f %h %P %s %d %y %m %t
 * %% and \n \t \0), -exec CMD {} ; (its status is the test), -exec CMD {} + (batched), -delete,
 * -prune, -quit. Operators: ( ) ! -not -a -and -o -or, and juxtaposition for -a. With no action
 * the expression is wrapped as `( EXPR ) -print`.
 *
 * Keel's walk visits a directory's entries in name order (GNU find uses the file system's order,
 * which differs between file systems). Status 0, or 1 when something could not be read or an
 * -exec ... + command failed.
 */

import { type Stat, type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { findCommand } from '../lib/find-command.js';
import { toJsRegExp } from '../lib/posix-regex.js';
import { matchPattern } from '../sh/pattern.js';

type Node =
  | { readonly kind: 'and' | 'or'; readonly a: Node; readonly b: Node }
  | { readonly kind: 'not'; readonly a: Node }
  | { readonly kind: 'test'; readonly run: (f: Visit) => boolean };

interface Visit {
  readonly path: string;
  readonly depth: number;
  /** The starting point it was found under (for %P). */
  readonly root: string;
  stat(): Stat | null;
  prune: boolean;
}

const TYPE_LETTERS: Readonly<Record<string, string>> = { file: 'f', dir: 'd', symlink: 'l', char: 'c', block: 'b', socket: 's' };

class Usage extends Error {}
class Quit extends Error {}

interface Batch { readonly argv: readonly string[]; readonly paths: string[] }

class Find {
  maxDepth = Infinity;
  minDepth = 0;
  depthFirst = false;
  follow = false;
  status = 0;
  private readonly out;
  private readonly batches: Batch[] = [];
  private readonly tokens: string[];
  private pos = 0;
  hasAction = false;
  expr: Node | null = null;

  constructor(private readonly sys: Sys, tokens: string[]) {
    this.tokens = tokens;
    this.out = sys.writer(1);
  }

  // ─── parsing ──────────────────────────────────────────────────────────────

  parse(): void {
    if (this.tokens.length === 0) return;
    this.expr = this.or();
    if (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos]!;
      throw new Usage(t === ')' ? "invalid expression; you have too many ')'" : `paths must precede expression: \`${t}'`);
    }
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private or(): Node {
    let a = this.and();
    while (this.peek() === '-o' || this.peek() === '-or') {
      this.pos++;
      a = { kind: 'or', a, b: this.and() };
    }
    return a;
  }

  private and(): Node {
    let a = this.not();
    for (;;) {
      const t = this.peek();
      if (t === '-a' || t === '-and') {
        this.pos++;
        a = { kind: 'and', a, b: this.not() };
      } else if (t !== undefined && t !== '-o' && t !== '-or' && t !== ')') {
        a = { kind: 'and', a, b: this.not() };
      } else return a;
    }
  }

  private not(): Node {
    const t = this.peek();
    if (t === '!' || t === '-not') {
      this.pos++;
      return { kind: 'not', a: this.not() };
    }
    return this.primary();
  }

  private arg(name: string): string {
    const v = this.tokens[this.pos++];
    if (v === undefined) throw new Usage(`missing argument to \`${name}'`);
    return v;
  }

  private test(run: (f: Visit) => boolean): Node {
    return { kind: 'test', run };
  }

  private primary(): Node {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Usage('expected an expression');
    if (t === '(') {
      const e = this.or();
      if (this.tokens[this.pos++] !== ')') throw new Usage("invalid expression; expected to find a ')' but didn't see one");
      return e;
    }
    const sys = this.sys;
    switch (t) {
      case '-maxdepth': this.maxDepth = Number(this.arg(t)); return this.test(() => true);
      case '-mindepth': this.minDepth = Number(this.arg(t)); return this.test(() => true);
      case '-depth': case '-d': this.depthFirst = true; return this.test(() => true);
      case '-xdev': case '-mount': case '-noleaf': case '-ignore_readdir_race': return this.test(() => true);
      case '-follow': this.follow = true; return this.test(() => true);
      case '-true': return this.test(() => true);
      case '-false': return this.test(() => false);
      case '-name':
      case '-iname': {
        const p = this.arg(t);
        const fold = t === '-iname';
        return this.test((f) => {
          const base = f.path === '/' ? '/' : f.path.replace(/\/+$/, '').split('/').pop()!;
          return fold ? matchPattern(p.toLowerCase(), base.toLowerCase()) : matchPattern(p, base);
        });
      }
      case '-path':
      case '-wholename':
      case '-ipath':
      case '-iwholename': {
        const p = this.arg(t);
        const fold = t.startsWith('-i');
        return this.test((f) => (fold ? matchPattern(p.toLowerCase(), f.path.toLowerCase()) : matchPattern(p, f.path)));
      }
      case '-regex':
      case '-iregex': {
        const re = new RegExp(`^(?:${toJsRegExp(this.arg(t), false)})$`, t === '-iregex' ? 'is' : 's');
        return this.test((f) => re.test(f.path));
      }
      case '-type': {
        const kinds = this.arg(t).split(',');
        const map: Readonly<Record<string, string>> = { f: 'file', d: 'dir', l: 'symlink', c: 'char', b: 'block', s: 'socket', p: 'unknown' };
        for (const k of kinds) if (map[k] === undefined) throw new Usage(`Unknown argument to -type: ${k}`);
        return this.test((f) => kinds.some((k) => f.stat()?.type === map[k]));
      }
      case '-newer': {
        const ref = this.arg(t);
        let when: number;
        try {
          when = sys.stat(ref).mtimeMs;
        } catch (e) {
          if (!(e instanceof SysError)) throw e;
          throw new Usage(`'${ref}': ${errorText(e.errno)}`);
        }
        return this.test((f) => (f.stat()?.mtimeMs ?? -Infinity) > when);
      }
      case '-size': {
        const spec = this.arg(t);
        const m = /^([+-]?)(\d+)([cwbkMG]?)$/.exec(spec);
        if (!m) throw new Usage(`invalid -size type \`${spec}'`);
        const unit = { c: 1, w: 2, b: 512, '': 512, k: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[3]!]!;
        const n = Number(m[2]);
        return this.test((f) => {
          const st = f.stat();
          if (!st) return false;
          const size = Math.ceil(st.size / unit);
          return m[1] === '+' ? size > n : m[1] === '-' ? size < n : size === n;
        });
      }
      case '-empty':
        return this.test((f) => {
          const st = f.stat();
          if (st?.type === 'file') return st.size === 0;
          if (st?.type !== 'dir') return false;
          try {
            return sys.readdir(f.path).length === 0;
          } catch {
            return false;
          }
        });
      case '-mtime':
      case '-mmin': {
        const spec = this.arg(t);
        const m = /^([+-]?)(\d+)$/.exec(spec);
        if (!m) throw new Usage(`invalid argument \`${spec}' to \`${t}'`);
        const unit = t === '-mtime' ? 86_400_000 : 60_000;
        const now = sys.time();
        const n = Number(m[2]);
        return this.test((f) => {
          const st = f.stat();
          if (!st) return false;
          const age = Math.floor((now - st.mtimeMs) / unit);
          return m[1] === '+' ? age > n : m[1] === '-' ? age < n : age === n;
        });
      }
      case '-links': {
        const n = Number(this.arg(t));
        return this.test((f) => f.stat()?.nlink === n);
      }
      case '-print':
        this.hasAction = true;
        return this.test((f) => {
          this.out.line(f.path);
          return true;
        });
      case '-print0':
        this.hasAction = true;
        return this.test((f) => {
          this.out.write(`${f.path}\0`);
          return true;
        });
      case '-printf': {
        this.hasAction = true;
        const format = this.arg(t);
        return this.test((f) => {
          this.out.write(this.printf(format, f));
          return true;
        });
      }
      case '-prune':
        return this.test((f) => {
          f.prune = true;
          return true;
        });
      case '-quit':
        return this.test(() => {
          throw new Quit();
        });
      case '-delete':
        this.hasAction = true;
        this.depthFirst = true;
        return this.test((f) => {
          try {
            if (f.stat()?.type === 'dir') sys.rmdir(f.path);
            else sys.unlink(f.path);
            return true;
          } catch (e) {
            if (!(e instanceof SysError)) throw e;
            sys.write(2, `find: cannot delete '${f.path}': ${errorText(e.errno)}\n`);
            this.status = 1;
            return false;
          }
        });
      case '-exec':
      case '-execdir':
      case '-ok': {
        this.hasAction = true;
        const argv: string[] = [];
        for (;;) {
          const a = this.tokens[this.pos++];
          if (a === undefined) throw new Usage(`missing argument to \`${t}'`);
          if (a === ';') break;
          if (a === '+' && argv[argv.length - 1] === '{}') {
            argv.pop();
            const batch: Batch = { argv, paths: [] };
            this.batches.push(batch);
            return this.test((f) => {
              batch.paths.push(f.path);
              if (batch.paths.length >= 4096) this.flushBatch(batch);
              return true;
            });
          }
          argv.push(a);
        }
        if (argv.length === 0) throw new Usage(`missing argument to \`${t}'`);
        return this.test((f) => this.run(argv.map((a) => a.replaceAll('{}', f.path))) === 0);
      }
      default:
        throw new Usage(t.startsWith('-') ? `unknown predicate \`${t}'` : `paths must precede expression: \`${t}'`);
    }
  }

  // ─── actions ──────────────────────────────────────────────────────────────

  private printf(format: string, f: Visit): string {
    const st = f.stat();
    const base = f.path.replace(/\/+$/, '').split('/').pop() ?? f.path;
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) || '/' : '.';
    let out = '';
    for (let i = 0; i < format.length; i++) {
      const c = format[i]!;
      if (c === '\\' && i + 1 < format.length) {
        const n = format[++i]!;
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n === '0' ? '\0' : n === '\\' ? '\\' : `\\${n}`;
      } else if (c === '%' && i + 1 < format.length) {
        const n = format[++i]!;
        switch (n) {
          case 'p': out += f.path; break;
          case 'f': out += base; break;
          case 'h': out += dir; break;
          case 'P': out += f.path === f.root ? '' : f.path.slice(f.root.replace(/\/$/, '').length + 1); break;
          case 's': out += String(st?.size ?? 0); break;
          case 'd': out += String(f.depth); break;
          case 'y': out += TYPE_LETTERS[st?.type ?? 'file'] ?? 'U'; break;
          case 'm': out += st?.type === 'dir' ? '755' : '644'; break;
          case 't': out += new Date(st?.mtimeMs ?? 0).toUTCString(); break;
          case 'T': {
            const k = format[++i];
            out += k === '@' ? ((st?.mtimeMs ?? 0) / 1000).toFixed(10).replace(/0+$/, '0') : '';
            break;
          }
          case '%': out += '%'; break;
          default: out += `%${n}`;
        }
      } else out += c;
    }
    return out;
  }

  /** Run argv; its exit code (1 and a message when it cannot be started). */
  private run(argv: readonly string[]): number {
    this.out.flush();
    const path = findCommand(this.sys, argv[0]!, this.sys.env.get('PATH') ?? '/bin');
    if (path === null) {
      this.sys.write(2, `find: '${argv[0]!}': No such file or directory\n`);
      this.status = 1;
      return 127;
    }
    try {
      const pid = this.sys.spawn(path, { args: argv, env: this.sys.environment(), fds: [[0, 0], [1, 1], [2, 2]] });
      return this.sys.wait(pid).code;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      this.sys.write(2, `find: '${argv[0]!}': ${errorText(e.errno)}\n`);
      this.status = 1;
      return 126;
    }
  }

  private flushBatch(b: Batch): void {
    if (b.paths.length === 0) return;
    const code = this.run([...b.argv, ...b.paths.splice(0)]);
    if (code !== 0) this.status = 1;
  }

  /** No action given: `( EXPR ) -print`. */
  printMatches(): void {
    const print: Node = {
      kind: 'test',
      run: (f) => {
        this.out.line(f.path);
        return true;
      },
    };
    this.expr = this.expr ? { kind: 'and', a: this.expr, b: print } : print;
  }

  finish(): void {
    for (const b of this.batches) this.flushBatch(b);
    this.out.flush();
  }

  // ─── the walk ─────────────────────────────────────────────────────────────

  private evaluate(n: Node, f: Visit): boolean {
    switch (n.kind) {
      case 'and': return this.evaluate(n.a, f) && this.evaluate(n.b, f);
      case 'or': return this.evaluate(n.a, f) || this.evaluate(n.b, f);
      case 'not': return !this.evaluate(n.a, f);
      case 'test': return n.run(f);
    }
  }

  private visit(f: Visit): void {
    if (f.depth >= this.minDepth && this.expr) this.evaluate(this.expr, f);
  }

  walk(root: string, followRoot: boolean): void {
    const sys = this.sys;
    const go = (path: string, depth: number): void => {
      let cached: Stat | null | undefined;
      const v: Visit = {
        path, depth, root, prune: false,
        stat: () => {
          if (cached === undefined) {
            try {
              cached = this.follow || (depth === 0 && followRoot) ? sys.stat(path) : sys.lstat(path);
            } catch {
              cached = null;
            }
          }
          return cached;
        },
      };
      const st = v.stat();
      if (st === null) {
        sys.write(2, `find: '${path}': No such file or directory\n`);
        this.status = 1;
        return;
      }
      if (!this.depthFirst) this.visit(v);
      if (st.type === 'dir' && !v.prune && depth < this.maxDepth) {
        let names: string[] = [];
        try {
          names = sys.readdir(path).map((e) => e.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        } catch (e) {
          if (!(e instanceof SysError)) throw e;
          this.out.flush();
          sys.write(2, `find: '${path}': ${errorText(e.errno)}\n`);
          this.status = 1;
        }
        for (const name of names) go(path.endsWith('/') ? `${path}${name}` : `${path}/${name}`, depth + 1);
      }
      if (this.depthFirst) this.visit(v);
    };
    go(root, 0);
  }
}

export function main(sys: Sys): number {
  let args = sys.args.slice(1);
  let followRoot = false;
  let follow = false;
  while (args[0] === '-H' || args[0] === '-L' || args[0] === '-P') {
    if (args[0] === '-H') followRoot = true;
    if (args[0] === '-L') follow = true;
    args = args.slice(1);
  }
  const roots: string[] = [];
  while (args.length > 0 && !args[0]!.startsWith('-') && args[0] !== '(' && args[0] !== '!') roots.push(args.shift()!);
  if (roots.length === 0) roots.push('.');
  const find = new Find(sys, args);
  find.follow = follow;
  try {
    find.parse();
  } catch (e) {
    if (e instanceof Usage) {
      sys.write(2, `find: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (!find.hasAction) find.printMatches();
  try {
    for (const root of roots) find.walk(root, followRoot);
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    if (!(e instanceof Quit)) throw e;
  }
  find.finish();
  return find.status;
}

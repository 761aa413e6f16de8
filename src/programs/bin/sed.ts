/**
 * sed [-nEsr] [-i[SUFFIX]] [-e SCRIPT]... [-f FILE]... [SCRIPT] [FILE...]: the stream editor,
 * GNU-compatible for what scripts use (lib/sed-script.ts lists the commands and addresses).
 *
 * Each input line is read into the pattern space, the commands run on it, and (without -n) the
 * pattern space is written; text queued by `a`, `r` and `R` follows. Files are one stream unless
 * -s or -i, which treat each file on its own (line numbers and `$` per file). -i writes the result
 * to a new file beside the original and renames it over the original (keeping the original as
 * NAME+SUFFIX when a suffix is given). A last line without a newline is written without one.
 * Regular expressions are POSIX BRE (ERE with -E or -r), run as JavaScript RegExps
 * (lib/posix-regex.ts); `.` matches a newline in the pattern space, as in GNU sed.
 * Status: 0; 1 for an invalid script or usage; 2 when an input file cannot be read; q/Q's code.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { decodeText } from '../../abi/text-codec.js';
import { type Address, type ReplacementPart, type SedCommand, SedError, type SedScript, type ScriptPiece, type Substitution, parseSed } from '../lib/sed-script.js';

interface Options {
  quiet: boolean;
  extended: boolean;
  separate: boolean;
  inPlace: string | null;
  pieces: ScriptPiece[];
  files: string[];
}

function usage(sys: Sys, message?: string): number {
  if (message) sys.write(2, `sed: ${message}\n`);
  sys.write(2, 'Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n');
  return 1;
}

function parseArgs(sys: Sys): Options | number {
  const o: Options = { quiet: false, extended: false, separate: false, inPlace: null, pieces: [], files: [] };
  const args = sys.args.slice(1);
  const operands: string[] = [];
  let exprs = 0;
  const addFile = (name: string): void => {
    const text = name === '-' ? decodeText(new TextDecoder(), sys.readAll(0)) : sys.readText(name);
    o.pieces.push({ text: text.replace(/\n$/, ''), origin: `file ${name} line 1` });
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (a.startsWith('--')) {
        const [name, value] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
        switch (name) {
          case 'quiet': case 'silent': o.quiet = true; break;
          case 'regexp-extended': o.extended = true; break;
          case 'separate': o.separate = true; break;
          case 'in-place': o.inPlace = value ?? ''; o.separate = true; break;
          case 'expression': o.pieces.push({ text: value ?? args[++i] ?? '', origin: `-e expression #${++exprs}` }); break;
          case 'file': addFile(value ?? args[++i] ?? ''); break;
          case 'posix': case 'debug': case 'unbuffered': case 'sandbox': break;
          default: return usage(sys, `unknown option -- '${name}'`);
        }
        continue;
      }
      if (a.startsWith('-') && a !== '-') {
        for (let j = 1; j < a.length; j++) {
          const c = a[j]!;
          if (c === 'n') o.quiet = true;
          else if (c === 'E' || c === 'r') o.extended = true;
          else if (c === 's') o.separate = true;
          else if (c === 'u' || c === 'l') continue;
          else if (c === 'i') {
            o.inPlace = a.slice(j + 1);
            o.separate = true;
            break;
          } else if (c === 'e' || c === 'f') {
            const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
            if (v === undefined) return usage(sys, `option requires an argument -- '${c}'`);
            if (c === 'e') o.pieces.push({ text: v, origin: `-e expression #${++exprs}` });
            else addFile(v);
            break;
          } else return usage(sys, `invalid option -- '${c}'`);
        }
        continue;
      }
      operands.push(a);
    }
  } catch (e) {
    if (e instanceof SysError) {
      sys.write(2, `sed: couldn't open file ${e.path ?? ''}: ${errorText(e.errno)}\n`);
      return 1;
    }
    throw e;
  }
  if (o.pieces.length === 0) {
    const script = operands.shift();
    if (script === undefined) return usage(sys);
    o.pieces.push({ text: script, origin: '-e expression #1' });
  }
  o.files = operands.length > 0 ? operands : ['-'];
  return o;
}

/** The lines of one input, with whether each ended with a newline; one line of lookahead for `$`. */
class Input {
  private buffer = '';
  private ended = false;
  private readonly decoder = new TextDecoder();
  constructor(private readonly sys: Sys, private readonly fd: number) {}

  /** The next line and whether it had a newline, or null at the end. */
  next(): [string, boolean] | null {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return [line, true];
      }
      if (this.ended) {
        if (this.buffer === '') return null;
        const line = this.buffer;
        this.buffer = '';
        return [line, false];
      }
      const chunk = this.sys.read(this.fd);
      if (chunk.length === 0) {
        this.ended = true;
        this.buffer += this.decoder.decode();
      } else {
        this.buffer += decodeText(this.decoder, chunk, { stream: true });
      }
    }
  }
}

/** Thrown by q and Q. */
class Quit {
  constructor(readonly code: number, readonly print: boolean) {}
}

interface RangeState { active: boolean; end: number }

class Sed {
  private ps = '';
  private hold = '';
  private lineNo = 0;
  private hadNewline = true;
  private lastRegex: RegExp | null = null;
  private substituted = false;
  private append: string[] = [];
  private readonly ranges: RangeState[];
  private readonly wfiles = new Map<string, number>();
  private readonly rfiles = new Map<string, Input | null>();
  private current: { input: Input; name: string } | null = null;
  private lookahead: [string, boolean] | null = null;
  private queue: string[] = [];
  private out = '';
  status = 0;

  constructor(private readonly sys: Sys, private readonly script: SedScript, private readonly quiet: boolean, private readonly output: (s: string) => void) {
    this.ranges = script.commands.map((c) => ({ active: c.a1?.kind === 'line' && c.a1.n === 0, end: 0 }));
    for (const c of script.commands) {
      const file = c.name === 'w' || c.name === 'W' ? c.text! : c.subst?.write ?? null;
      if (file !== null && !this.wfiles.has(file) && file !== '/dev/stdout' && file !== '/dev/stderr') {
        this.wfiles.set(file, sys.open(file, { write: true, create: true, truncate: true }));
      }
    }
  }

  close(): void {
    for (const fd of this.wfiles.values()) this.sys.close(fd);
  }

  /** Run over the named inputs (one stream); false when q/Q ended it. */
  run(names: readonly string[]): boolean {
    this.queue = [...names];
    this.lineNo = 0;
    this.lookahead = null;
    this.current = null;
    try {
      while (this.read(false)) this.cycle();
    } catch (e) {
      if (!(e instanceof Quit)) throw e;
      if (e.print) this.endCycle();
      this.flush();
      this.status = e.code;
      return false;
    }
    this.flush();
    return true;
  }

  private openNext(): boolean {
    while (this.queue.length > 0) {
      const name = this.queue.shift()!;
      try {
        if (name !== '-' && this.sys.stat(name).type === 'dir') {
          this.sys.write(2, `sed: couldn't edit ${name}: not a regular file\n`);
          this.status = 2;
          continue;
        }
        const fd = name === '-' ? 0 : this.sys.open(name, { read: true });
        this.current = { input: new Input(this.sys, fd), name };
        return true;
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
        this.sys.write(2, `sed: can't read ${name}: ${errorText(e.errno)}\n`);
        this.status = 2;
      }
    }
    return false;
  }

  private fetch(): [string, boolean] | null {
    for (;;) {
      if (!this.current && !this.openNext()) return null;
      const line = this.current!.input.next();
      if (line) return line;
      this.current = null;
    }
  }

  /** Read the next line into the pattern space (appending after a newline with `append`). */
  private read(append: boolean): boolean {
    const line = this.lookahead ?? this.fetch();
    this.lookahead = null;
    if (!line) return false;
    this.lineNo++;
    this.ps = append ? `${this.ps}\n${line[0]}` : line[0];
    this.hadNewline = line[1];
    this.substituted = append ? this.substituted : false;
    return true;
  }

  private isLast(): boolean {
    this.lookahead ??= this.fetch();
    return this.lookahead === null;
  }

  private write(s: string): void {
    this.out += s;
    if (this.out.length > 32 * 1024) this.flush();
  }

  flush(): void {
    if (this.out !== '') this.output(this.out);
    this.out = '';
  }

  private printPs(text = this.ps, last = false): void {
    this.write(last && !this.hadNewline && this.isLast() ? text : `${text}\n`);
  }

  private endCycle(): void {
    if (!this.quiet) this.printPs(this.ps, true);
    for (const a of this.append) this.write(a);
    this.append = [];
  }

  private cycle(): void {
    const cmds = this.script.commands;
    let pc = 0;
    while (pc < cmds.length) {
      const c = cmds[pc]!;
      const hit = this.matches(c, pc) !== c.negate;
      if (c.name === '{') {
        pc = hit ? pc + 1 : c.jump!;
        continue;
      }
      if (!hit) {
        pc++;
        continue;
      }
      const next = this.execute(c, pc);
      if (next === 'end') {
        this.endCycle();
        return;
      }
      if (next === 'delete') {
        for (const a of this.append) this.write(a);
        this.append = [];
        return;
      }
      if (next === 'restart') {
        for (const a of this.append) this.write(a);
        this.append = [];
        pc = 0;
        continue;
      }
      pc = next;
    }
    this.endCycle();
  }

  private matchOne(a: Address): boolean {
    switch (a.kind) {
      case 'line': return this.lineNo === a.n;
      case 'last': return this.isLast();
      case 're': return this.regex(a.re).test(this.ps);
      case 'step': return a.step <= 0 ? this.lineNo === a.first : this.lineNo >= a.first && (this.lineNo - a.first) % a.step === 0;
      default: return false;
    }
  }

  private matches(c: SedCommand, index: number): boolean {
    if (!c.a1) return true;
    if (!c.a2) return this.matchOne(c.a1);
    const r = this.ranges[index]!;
    const a2 = c.a2;
    if (!r.active) {
      if (!this.matchOne(c.a1)) return false;
      r.active = true;
      if (a2.kind === 'line') r.active = a2.n > this.lineNo;
      else if (a2.kind === 'plus') {
        r.end = this.lineNo + a2.n;
        r.active = a2.n > 0;
      } else if (a2.kind === 'mult') {
        r.active = a2.n > 0 && this.lineNo % a2.n !== 0;
        r.end = a2.n > 0 ? Math.ceil(this.lineNo / a2.n) * a2.n : this.lineNo;
      } else if (a2.kind === 'last') r.active = !this.isLast();
      return true;
    }
    switch (a2.kind) {
      case 'line': if (this.lineNo >= a2.n) r.active = false; break;
      case 'plus':
      case 'mult': if (this.lineNo >= r.end) r.active = false; break;
      case 're': if (this.regex(a2.re).test(this.ps)) r.active = false; break;
      case 'last': if (this.isLast()) r.active = false; break;
      default: r.active = false;
    }
    return true;
  }

  private regex(re: RegExp | null): RegExp {
    const r = re ?? this.lastRegex;
    if (!r) throw new SedError('no previous regular expression');
    this.lastRegex = r;
    return r;
  }

  /** Run one command; the next pc, or what ends the cycle. */
  private execute(c: SedCommand, pc: number): number | 'end' | 'delete' | 'restart' {
    switch (c.name) {
      case '}':
      case ':': return pc + 1;
      case '=': this.write(`${this.lineNo}\n`); return pc + 1;
      case 'a': this.append.push(`${c.text!}\n`); return pc + 1;
      case 'i': this.write(`${c.text!}\n`); return pc + 1;
      case 'c': {
        const r = this.ranges[pc]!;
        if (!c.a2 || !r.active || c.negate) this.write(`${c.text!}\n`);
        return 'delete';
      }
      case 'd': return 'delete';
      case 'D': {
        const nl = this.ps.indexOf('\n');
        if (nl < 0) return 'delete';
        this.ps = this.ps.slice(nl + 1);
        return 'restart';
      }
      case 'n':
        if (!this.quiet) this.printPs();
        for (const a of this.append) this.write(a);
        this.append = [];
        if (!this.read(false)) throw new Quit(0, false);
        return pc + 1;
      case 'N':
        if (this.isLast()) throw new Quit(0, true);
        this.read(true);
        return pc + 1;
      case 'p': this.printPs(); return pc + 1;
      case 'P': {
        const nl = this.ps.indexOf('\n');
        this.write(`${nl < 0 ? this.ps : this.ps.slice(0, nl)}\n`);
        return pc + 1;
      }
      case 'g': this.ps = this.hold; return pc + 1;
      case 'G': this.ps = `${this.ps}\n${this.hold}`; return pc + 1;
      case 'h': this.hold = this.ps; return pc + 1;
      case 'H': this.hold = `${this.hold}\n${this.ps}`; return pc + 1;
      case 'x': [this.ps, this.hold] = [this.hold, this.ps]; return pc + 1;
      case 'z': this.ps = ''; return pc + 1;
      case 'F': this.write(`${this.current?.name ?? '-'}\n`); return pc + 1;
      case 'l': case 'L': this.write(unambiguous(this.ps, c.num ?? 70)); return pc + 1;
      case 'q': throw new Quit(c.num ?? 0, true);
      case 'Q': throw new Quit(c.num ?? 0, false);
      case 'r': this.append.push(this.fileText(c.text!)); return pc + 1;
      case 'R': {
        const line = this.fileLine(c.text!);
        if (line !== null) this.append.push(line);
        return pc + 1;
      }
      case 'w': this.writeTo(c.text!, `${this.ps}\n`); return pc + 1;
      case 'W': this.writeTo(c.text!, `${this.ps.split('\n')[0]!}\n`); return pc + 1;
      case 'b': return c.jump! < 0 ? 'end' : c.jump!;
      case 't':
      case 'T': {
        const jump = c.name === 't' ? this.substituted : !this.substituted;
        this.substituted = false;
        if (!jump) return pc + 1;
        return c.jump! < 0 ? 'end' : c.jump!;
      }
      case 'y': {
        const map = new Map(c.from!.map((f, i) => [f, c.to![i]!]));
        this.ps = Array.from(this.ps, (ch) => map.get(ch) ?? ch).join('');
        return pc + 1;
      }
      case 's':
        if (this.substitute(c.subst!)) {
          this.substituted = true;
          if (c.subst!.print) this.printPs();
          if (c.subst!.write !== null) this.writeTo(c.subst!.write, `${this.ps}\n`);
        }
        return pc + 1;
      default: return pc + 1;
    }
  }

  private writeTo(file: string, text: string): void {
    if (file === '/dev/stdout') this.write(text);
    else if (file === '/dev/stderr') this.sys.write(2, text);
    else this.sys.write(this.wfiles.get(file)!, text);
  }

  private fileText(name: string): string {
    try {
      const t = this.sys.readText(name);
      return t === '' || t.endsWith('\n') ? t : `${t}\n`;
    } catch {
      return '';
    }
  }

  private fileLine(name: string): string | null {
    if (!this.rfiles.has(name)) {
      try {
        this.rfiles.set(name, new Input(this.sys, this.sys.open(name, { read: true })));
      } catch {
        this.rfiles.set(name, null);
      }
    }
    const line = this.rfiles.get(name)?.next();
    return line ? `${line[0]}\n` : null;
  }

  private substitute(s: Substitution): boolean {
    const re = this.regex(s.re);
    const g = globalOf(re);
    g.lastIndex = 0;
    let count = 0, last = 0, prevEnd = -1, out = '', did = false;
    for (let m = g.exec(this.ps); m; m = g.exec(this.ps)) {
      const empty = m[0] === '';
      if (!(empty && m.index === prevEnd)) {
        count++;
        if (count >= s.occurrence) {
          out += this.ps.slice(last, m.index) + expandReplacement(s.replacement, m);
          last = m.index + m[0].length;
          did = true;
          if (!s.global) break;
        }
      }
      prevEnd = m.index + m[0].length;
      if (empty) g.lastIndex += this.ps.codePointAt(g.lastIndex)! > 0xffff ? 2 : 1;
      if (g.lastIndex > this.ps.length) break;
    }
    if (did) this.ps = out + this.ps.slice(last);
    return did;
  }
}

const globals = new WeakMap<RegExp, RegExp>();
function globalOf(re: RegExp): RegExp {
  let g = globals.get(re);
  if (!g) {
    g = new RegExp(re.source, `${re.flags}g`);
    globals.set(re, g);
  }
  return g;
}

function expandReplacement(parts: readonly ReplacementPart[], m: RegExpExecArray): string {
  let out = '';
  let mode: 'U' | 'L' | null = null;
  let once: 'u' | 'l' | null = null;
  const add = (text: string): void => {
    for (const ch of text) {
      let c = mode === 'U' ? ch.toUpperCase() : mode === 'L' ? ch.toLowerCase() : ch;
      if (once) {
        c = once === 'u' ? c.toUpperCase() : c.toLowerCase();
        once = null;
      }
      out += c;
    }
  };
  for (const p of parts) {
    if (p.kind === 'text') add(p.text);
    else if (p.kind === 'group') add(m[p.n] ?? '');
    else if (p.mode === 'E') {
      mode = null;
      once = null;
    } else if (p.mode === 'U' || p.mode === 'L') mode = p.mode;
    else once = p.mode;
  }
  return out;
}

/** The `l` command's form: escapes, octal for other bytes, lines wrapped at `width`, `$` at the end. */
function unambiguous(s: string, width: number): string {
  const ESC: Readonly<Record<string, string>> = { '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  let out = '';
  let col = 0;
  for (const b of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(b);
    const piece = ESC[ch] ?? (b >= 32 && b < 127 ? ch : `\\${b.toString(8).padStart(3, '0')}`);
    if (width > 1 && col + piece.length > width - 1) {
      out += '\\\n';
      col = 0;
    }
    out += piece;
    col += piece.length;
  }
  return `${out}$\n`;
}

export function main(sys: Sys): number {
  const o = parseArgs(sys);
  if (typeof o === 'number') return o;
  let script: SedScript;
  try {
    script = parseSed(o.pieces, o.extended);
  } catch (e) {
    if (e instanceof SedError) {
      sys.write(2, `sed: ${e.message}\n`);
      return e.status;
    }
    throw e;
  }
  const quiet = o.quiet || script.quiet;
  const out = sys.writer(1);
  let sed: Sed;
  try {
    sed = new Sed(sys, script, quiet, (s) => out.write(s));
  } catch (e) {
    if (e instanceof SysError) {
      sys.write(2, `sed: couldn't open file ${e.path ?? ''}: ${errorText(e.errno)}\n`);
      return 4;
    }
    throw e;
  }
  let status = 0;
  try {
    if (o.inPlace !== null) status = inPlace(sys, o, script, quiet);
    else if (o.separate) {
      for (const f of o.files) if (!sed.run([f])) break;
    } else sed.run(o.files);
    out.flush();
  } catch (e) {
    if (e instanceof SedError) {
      out.flush();
      sys.write(2, `sed: ${e.message}\n`);
      return 4;
    }
    if (e instanceof SysError && e.code === 'EPIPE') return 4;
    throw e;
  } finally {
    sed.close();
  }
  return status || sed.status;
}

/** -i: each file edited into a new file that replaces it. */
function inPlace(sys: Sys, o: Options, script: SedScript, quiet: boolean): number {
  let status = 0;
  for (const name of o.files) {
    if (name === '-') {
      sys.write(2, 'sed: couldn\'t edit -: not a regular file\n');
      status = 4;
      continue;
    }
    let text = '';
    const edit = new Sed(sys, script, quiet, (s) => { text += s; });
    if (!sys.exists(name)) {
      sys.write(2, `sed: can't read ${name}: No such file or directory\n`);
      status = 2;
      continue;
    }
    const go = edit.run([name]);
    edit.flush();
    edit.close();
    const slash = name.lastIndexOf('/');
    const temp = `${slash >= 0 ? name.slice(0, slash + 1) : ''}.sed${sys.getpid()}${name.slice(slash + 1)}`;
    sys.writeFile(temp, text);
    const suffix = o.inPlace ?? '';
    if (suffix !== '') sys.rename(name, suffix.includes('*') ? suffix.replaceAll('*', name.slice(slash + 1)) : name + suffix);
    sys.rename(temp, name);
    if (edit.status !== 0) status = edit.status;
    if (!go) break;
  }
  return status;
}

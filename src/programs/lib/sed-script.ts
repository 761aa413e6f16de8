/**
 * Parsing sed scripts (POSIX sed, with the GNU extensions scripts use) into a flat command list
 * that bin/sed.ts runs. Blocks `{ … }` become jumps: a `{` holds the index after its `}`.
 *
 * Addresses: N, $, /RE/ or \cREc (flags I M), FIRST~STEP, and ranges A1,A2 where A2 may also be
 * +N or ~N; 0,/RE/; `!` negates. Commands: { } = a i c (one-line GNU form or `a\` text) b t T :
 * d D g G h H l n N p P q Q r R s w W x y z #, `#n` on the first line as -n.
 * s flags: g p N i/I m/M w FILE; the replacement knows & \1–\9 \n \t and GNU's \U \L \u \l \E.
 *
 * Errors are SedError with GNU's wording (`-e expression #1, char 5: unterminated `s' command`).
 */

import { PatternError, toJsRegExp } from './posix-regex.js';

export class SedError extends Error {
  /** 1 for a script that does not parse; 4 for one that cannot run (a missing label). */
  constructor(message: string, readonly status = 1) {
    super(message);
  }
}

export type Address =
  | { readonly kind: 'line'; readonly n: number }
  | { readonly kind: 'last' }
  | { readonly kind: 're'; readonly re: RegExp | null }
  | { readonly kind: 'step'; readonly first: number; readonly step: number }
  /** Range ends only: +N lines, or up to a multiple of N. */
  | { readonly kind: 'plus'; readonly n: number }
  | { readonly kind: 'mult'; readonly n: number };

export type ReplacementPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'group'; readonly n: number }
  | { readonly kind: 'case'; readonly mode: 'U' | 'L' | 'u' | 'l' | 'E' };

export interface Substitution {
  /** null: the last regex used. */
  readonly re: RegExp | null;
  readonly replacement: readonly ReplacementPart[];
  readonly global: boolean;
  readonly occurrence: number;
  readonly print: boolean;
  readonly write: string | null;
}

export interface SedCommand {
  readonly a1: Address | null;
  readonly a2: Address | null;
  readonly negate: boolean;
  readonly name: string;
  /** a i c text; r R w W file; b t T : label. */
  readonly text?: string;
  readonly subst?: Substitution;
  /** y: source and target characters. */
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  /** q Q exit code; l line length. */
  readonly num?: number;
  /** `{`: the index of the command after its `}`; b t T: the index to jump to (-1: end). */
  jump?: number;
}

export interface SedScript {
  readonly commands: SedCommand[];
  /** `#n` on the first line. */
  readonly quiet: boolean;
}

/** One piece of script: what -e or -f gave (for error messages). */
export interface ScriptPiece {
  readonly text: string;
  readonly origin: string;
}

export function parseSed(pieces: readonly ScriptPiece[], extended: boolean): SedScript {
  const text = pieces.map((p) => p.text).join('\n');
  const p = new SedParser(text, extended, pieces[0]?.origin ?? '-e expression #1');
  return p.parse();
}

class SedParser {
  private pos = 0;
  private readonly commands: SedCommand[] = [];
  private readonly blocks: number[] = [];

  constructor(private readonly src: string, private readonly extended: boolean, private readonly origin: string) {}

  private fail(what: string): never {
    throw new SedError(`${this.origin}, char ${this.pos}: ${what}`);
  }

  private at(): string | undefined {
    return this.src[this.pos];
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /[ \t]/.test(this.src[this.pos]!)) this.pos++;
  }

  parse(): SedScript {
    const quiet = /^#n(\n|$)/.test(this.src);
    for (;;) {
      while (this.pos < this.src.length && /[ \t\n;]/.test(this.src[this.pos]!)) this.pos++;
      if (this.pos >= this.src.length) break;
      if (this.at() === '#') {
        while (this.pos < this.src.length && this.at() !== '\n') this.pos++;
        continue;
      }
      this.command();
    }
    if (this.blocks.length > 0) {
      this.pos = this.src.length;
      this.fail('unmatched `{\'');
    }
    this.resolveLabels();
    return { commands: this.commands, quiet };
  }

  private resolveLabels(): void {
    const labels = new Map<string, number>();
    this.commands.forEach((c, i) => {
      if (c.name === ':') labels.set(c.text!, i);
    });
    for (const c of this.commands) {
      if (c.name !== 'b' && c.name !== 't' && c.name !== 'T') continue;
      if (c.text === '') c.jump = -1;
      else {
        const at = labels.get(c.text!);
        if (at === undefined) throw new SedError(`can't find label for jump to \`${c.text!}'`, 4);
        c.jump = at;
      }
    }
  }

  private command(): void {
    const a1 = this.address(false);
    let a2: Address | null = null;
    if (a1 && this.at() === ',') {
      this.pos++;
      this.skipSpace();
      a2 = this.address(true);
      if (!a2) this.fail('unexpected `,\'');
    }
    this.skipSpace();
    let negate = false;
    while (this.at() === '!') {
      negate = true;
      this.pos++;
      this.skipSpace();
    }
    const name = this.at();
    if (name === undefined) this.fail('missing command');
    this.pos++;
    const base = { a1, a2, negate, name };
    switch (name) {
      case '{':
        this.blocks.push(this.commands.length);
        this.commands.push({ ...base });
        return;
      case '}': {
        if (a1) this.fail('} doesn\'t want any addresses');
        const open = this.blocks.pop();
        if (open === undefined) this.fail('unexpected `}\'');
        this.commands[open]!.jump = this.commands.length;
        this.end();
        return;
      }
      case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H': case 'n': case 'N':
      case 'p': case 'P': case 'x': case 'z': case 'F':
        this.commands.push(base);
        this.end();
        return;
      case 'q': case 'Q': case 'l': case 'L': {
        this.skipSpace();
        const m = /^[0-9]+/.exec(this.src.slice(this.pos));
        if (m) this.pos += m[0].length;
        this.commands.push({ ...base, ...(m ? { num: Number(m[0]) } : {}) });
        this.end();
        return;
      }
      case 'a': case 'i': case 'c':
        this.commands.push({ ...base, text: this.textArgument() });
        return;
      case 'r': case 'R': case 'w': case 'W':
        this.commands.push({ ...base, text: this.restOfLine().trim() });
        return;
      case ':': {
        if (a1) this.fail(': doesn\'t want any addresses');
        this.skipSpace();
        const label = this.label();
        if (label === '') this.fail('":" lacks a label');
        this.commands.push({ ...base, text: label });
        return;
      }
      case 'b': case 't': case 'T':
        this.skipSpace();
        this.commands.push({ ...base, text: this.label() });
        return;
      case 's':
        this.commands.push({ ...base, subst: this.substitution() });
        this.end();
        return;
      case 'y':
        this.commands.push({ ...base, ...this.transliteration() });
        this.end();
        return;
      default:
        this.pos--;
        this.fail(`unknown command: \`${name}'`);
    }
  }

  /** After a command: blanks, then `;`, newline, `}` or `#`. */
  private end(): void {
    this.skipSpace();
    const c = this.at();
    if (c === undefined || c === ';' || c === '\n' || c === '#') {
      if (c === ';' || c === '\n') this.pos++;
      return;
    }
    if (c === '}') return;
    this.fail(`extra characters after command`);
  }

  private label(): string {
    let end = this.pos;
    while (end < this.src.length && this.src[end] !== '\n' && this.src[end] !== ';') end++;
    const label = this.src.slice(this.pos, end).trim();
    this.pos = end < this.src.length ? end + 1 : end;
    return label;
  }

  private restOfLine(): string {
    const nl = this.src.indexOf('\n', this.pos);
    const end = nl < 0 ? this.src.length : nl;
    const text = this.src.slice(this.pos, end);
    this.pos = nl < 0 ? end : end + 1;
    return text;
  }

  /** The text of a, i, c: `a\` then lines (ending at an unescaped newline), or GNU's `a text`. */
  private textArgument(): string {
    this.skipSpace();
    if (this.at() === '\\') {
      this.pos++;
      if (this.at() === '\n') this.pos++;
    }
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        this.pos += 2;
        if (n === undefined) break;
        out += n;
        continue;
      }
      if (c === '\n') {
        this.pos++;
        break;
      }
      out += c;
      this.pos++;
    }
    return out;
  }

  private address(second: boolean): Address | null {
    const c = this.at();
    if (c === undefined) return null;
    if (/[0-9]/.test(c)) {
      const m = /^([0-9]+)(?:~([0-9]+))?/.exec(this.src.slice(this.pos))!;
      this.pos += m[0].length;
      if (m[2] !== undefined) return second ? { kind: 'mult', n: Number(m[2]) } : { kind: 'step', first: Number(m[1]), step: Number(m[2]) };
      if (Number(m[1]) === 0 && !second && !this.src.startsWith(',/', this.pos) && !this.src.startsWith(',\\', this.pos)) this.fail('invalid usage of line address 0');
      return { kind: 'line', n: Number(m[1]) };
    }
    if (second && (c === '+' || c === '~')) {
      const m = /^[+~]([0-9]+)/.exec(this.src.slice(this.pos));
      if (!m) this.fail('expected a number');
      this.pos += m[0].length;
      return c === '+' ? { kind: 'plus', n: Number(m[1]) } : { kind: 'mult', n: Number(m[1]) };
    }
    if (c === '$') {
      this.pos++;
      return { kind: 'last' };
    }
    if (c === '/' || c === '\\') {
      if (c === '\\') this.pos++;
      const delim = this.src[this.pos];
      if (delim === undefined) this.fail('unexpected end of script');
      this.pos++;
      const source = this.delimited(delim, 'address regex');
      let flags = '';
      while (this.at() === 'I' || this.at() === 'M') flags += this.src[this.pos++] === 'I' ? 'i' : 'm';
      return { kind: 're', re: source === '' ? null : this.regex(source, flags) };
    }
    return null;
  }

  /** Text up to an unescaped `delim` (consumed). `\delim` stands for delim; other escapes stay. */
  private delimited(delim: string, what: string): string {
    let out = '';
    let inBracket = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\' && this.pos + 1 < this.src.length) {
        const n = this.src[this.pos + 1]!;
        this.pos += 2;
        if (n === delim && delim !== '\n') {
          const special = this.extended ? '.*[]^$\\+?(){}|' : '.*[]^$\\';
          out += what === 'replacement' ? `\\${n}` : special.includes(n) ? `\\${n}` : n;
        }
        else if (n === '\n') out += '\\n';
        else out += `\\${n}`;
        continue;
      }
      if (c === '\n' && what !== 'replacement') break;
      if (inBracket) {
        if (c === ']' && !out.endsWith('[') && !out.endsWith('[^')) inBracket = false;
      } else if (c === '[' && what !== 'replacement') {
        inBracket = true;
      } else if (c === delim) {
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
    this.fail(what === 'address regex' ? 'unterminated address regex' : `unterminated \`${what === 'replacement' ? 's' : what}' command`);
  }

  private regex(source: string, flags: string): RegExp {
    try {
      return new RegExp(toJsRegExp(source, !this.extended), `${flags}s`);
    } catch (e) {
      if (e instanceof PatternError) this.fail(e.message);
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private substitution(): Substitution {
    const delim = this.at();
    if (delim === undefined || delim === '\n' || delim === '\\') this.fail('unterminated `s\' command');
    this.pos++;
    const source = this.delimited(delim, 's');
    const replacement = parseReplacement(this.delimited(delim, 'replacement'));
    let global = false, print = false, occurrence = 1, flags = '';
    let write: string | null = null;
    for (;;) {
      const c = this.at();
      if (c === 'g') global = true;
      else if (c === 'p') print = true;
      else if (c === 'i' || c === 'I') flags += 'i';
      else if (c === 'm' || c === 'M') flags += 'm';
      else if (c === 'e') { /* execute: not supported, ignored */ }
      else if (c !== undefined && /[0-9]/.test(c)) {
        const m = /^[0-9]+/.exec(this.src.slice(this.pos))!;
        occurrence = Number(m[0]);
        if (occurrence === 0) this.fail('number option to `s\' command may not be zero');
        this.pos += m[0].length;
        continue;
      } else if (c === 'w') {
        this.pos++;
        write = this.restOfLine().trim();
        this.pos--;
      } else break;
      this.pos++;
    }
    return { re: source === '' ? null : this.regex(source, flags), replacement, global, occurrence, print, write };
  }

  private transliteration(): { from: string[]; to: string[] } {
    const delim = this.at();
    if (delim === undefined) this.fail('unterminated `y\' command');
    this.pos++;
    const chars = (s: string): string[] => {
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (s[i] === '\\' && i + 1 < s.length) {
          const n = s[++i]!;
          out.push(n === 'n' ? '\n' : n === 't' ? '\t' : n);
        } else out.push(s[i]!);
      }
      return out;
    };
    const from = chars(this.delimited(delim, 'y'));
    const to = chars(this.delimited(delim, 'y'));
    if (from.length !== to.length) this.fail('strings for `y\' command are different lengths');
    return { from, to };
  }
}

function parseReplacement(text: string): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') parts.push({ kind: 'text', text: lit });
    lit = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '&') {
      flush();
      parts.push({ kind: 'group', n: 0 });
    } else if (c === '\\' && i + 1 < text.length) {
      const n = text[++i]!;
      if (/[0-9]/.test(n)) {
        flush();
        parts.push({ kind: 'group', n: Number(n) });
      } else if ('ULulE'.includes(n)) {
        flush();
        parts.push({ kind: 'case', mode: n as 'U' | 'L' | 'u' | 'l' | 'E' });
      } else if (n === 'n') lit += '\n';
      else if (n === 't') lit += '\t';
      else lit += n;
    } else {
      lit += c;
    }
  }
  flush();
  return parts;
}

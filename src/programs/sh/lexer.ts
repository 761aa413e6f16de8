/**
 * The shell's token scanner (XCU 2.3 token recognition), pulled by the parser one token at a
 * time: words with their quoting kept as parts (ast.ts), operators, IO numbers, newlines.
 *
 * What the lexer decides, and what it leaves to the parser:
 * - It never recognises reserved words or assignments: a word token carries its source text
 *   (`raw`) and its parts, and the parser decides from its position (XCU 2.10.2).
 * - `$( … )` is parsed right where it stands, by calling back into the parser (`SubParser`) on
 *   the same text, so `$(case x in a) …;; esac)` finds its own `)`. Backquoted text is unescaped
 *   and parsed as a program of its own.
 * - Here-documents: the parser registers each `<<` once it has read the delimiter; the bodies
 *   are read when the lexer next reads a newline, and stored in the redirection.
 * - `line` is the line of the current position; every newline passed (in quotes, bodies and
 *   continuations too) counts.
 *
 * Errors are ParseError with the line; `incomplete` when more input could complete the text.
 */

import type { HereDoc, List, ParamOp, Redirect, Word, WordPart } from './ast.js';

/** A syntax error (dash words it as `Syntax error: …`). */
export class ParseError extends Error {
  constructor(message: string, readonly line: number, readonly incomplete = false) {
    super(message);
    this.name = 'ParseError';
  }
}

export type Op =
  | '&&' | '||' | ';;' | ';' | '&' | '|' | '(' | ')'
  | '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '<<' | '<<-';

export type Token =
  | { readonly kind: 'word'; readonly word: Word; readonly raw: string; readonly line: number }
  | { readonly kind: 'op'; readonly op: Op; readonly fd: number | null; readonly line: number }
  | { readonly kind: 'newline'; readonly line: number }
  | { readonly kind: 'eof'; readonly line: number };

/** What the lexer needs from the parser: a list up to `)`, and a whole program from text. */
export interface SubParser {
  /** Parse a compound list at the lexer's position up to and including its `)`. */
  parenList(): List;
  /** Parse `text` (starting at `line`) as a complete program. */
  programText(text: string, line: number): List;
  /** A here-document body (starting at `line`) whose delimiter was unquoted. */
  hereDoc(body: string, line: number): Word;
}

const OPERATORS: readonly Op[] = ['&&', '||', ';;', '<<-', '<<', '<&', '<>', '<', '>>', '>&', '>|', '>', ';', '&', '|', '(', ')'];
const METACHAR = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const NAME_CHAR = /[A-Za-z0-9_]/;
const NAME_START = /[A-Za-z_]/;
const SPECIAL = '@*#?-$!0';
const PLAIN_RUN = /[^ \t\n;&|<>()\\'"`$]+/y;

/** Collects a word's parts, merging adjacent literal text of the same kind. */
export class PartsBuilder {
  readonly parts: WordPart[] = [];
  text(text: string, quoted: boolean): void {
    if (text === '' && !quoted) return;
    const kind = quoted ? 'quoted' : 'lit';
    const last = this.parts.at(-1);
    if (last?.kind === kind && text !== '') this.parts[this.parts.length - 1] = { kind, text: last.text + text };
    else this.parts.push({ kind, text });
  }
  push(part: WordPart): void {
    this.parts.push(part);
  }
  word(): Word {
    return { parts: this.parts };
  }
}

/** Where a word being read ends, and how its plain text counts. */
type Mode =
  | 'word'          // an ordinary word: ends at a blank or an operator
  | 'param'         // inside ${NAME OP …}: ends at `}`
  | 'arith';        // inside $(( … )): ends at the `))` that closes it

interface PendingHereDoc { readonly redirect: Redirect; readonly delimiter: string; readonly quoted: boolean; readonly stripTabs: boolean }

export class Lexer {
  pos: number;
  line: number;
  private readonly pending: PendingHereDoc[] = [];
  sub!: SubParser;

  constructor(readonly src: string, pos = 0, line = 1) {
    this.pos = pos;
    this.line = line;
  }

  error(message: string, incomplete = false): ParseError {
    return new ParseError(message, this.line, incomplete);
  }

  private at(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  /** The next token. */
  next(): Token {
    this.skipBlanks();
    const line = this.line;
    const c = this.at();
    if (c === undefined) {
      if (this.pending.length > 0) this.readHereDocs();
      return { kind: 'eof', line };
    }
    if (c === '\n') {
      this.pos++;
      this.line++;
      this.readHereDocs();
      return { kind: 'newline', line };
    }
    if (c >= '0' && c <= '9') {
      const m = /[0-9]+(?=[<>])/y;
      m.lastIndex = this.pos;
      const digits = m.exec(this.src)?.[0];
      if (digits !== undefined) {
        this.pos += digits.length;
        const op = this.operator()!;
        return { kind: 'op', op, fd: Number(digits), line };
      }
    }
    const op = this.operator();
    if (op !== null) return { kind: 'op', op, fd: null, line };
    const start = this.pos;
    const word = this.readWord('word', false, false);
    return { kind: 'word', word, raw: this.src.slice(start, this.pos), line };
  }

  private operator(): Op | null {
    for (const op of OPERATORS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return null;
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.at();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.at(1) === '\n') {
        this.pos += 2;
        this.line++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.at() !== '\n') this.pos++;
      } else return;
    }
  }

  // ─── here-documents ───────────────────────────────────────────────────────

  /** Remember a `<<` whose body starts after the next newline. */
  hereDoc(redirect: Redirect, raw: string, stripTabs: boolean): void {
    const quoted = /['"\\]/.test(raw);
    const delimiter = quoted ? removeQuotes(raw) : raw;
    this.pending.push({ redirect, delimiter, quoted, stripTabs });
  }

  private readHereDocs(): void {
    const docs = this.pending.splice(0);
    for (const doc of docs) {
      const startLine = this.line;
      const lines: string[] = [];
      for (;;) {
        if (this.pos >= this.src.length) break;
        const nl = this.src.indexOf('\n', this.pos);
        const end = nl < 0 ? this.src.length : nl;
        let text = this.src.slice(this.pos, end);
        this.pos = nl < 0 ? end : end + 1;
        this.line++;
        if (doc.stripTabs) text = text.replace(/^\t+/, '');
        if (text === doc.delimiter) break;
        lines.push(text);
      }
      const body = lines.map((l) => `${l}\n`).join('');
      const heredoc: HereDoc = doc.quoted
        ? { body: { parts: body === '' ? [] : [{ kind: 'quoted', text: body }] } }
        : { body: this.sub.hereDoc(body, startLine) };
      doc.redirect.heredoc = heredoc;
    }
  }

  // ─── words ────────────────────────────────────────────────────────────────

  /** The whole text as an unquoted here-document body: $, ` and \\ work as inside "…". */
  hereDocBody(): Word {
    const b = new PartsBuilder();
    const body = this.src;
    while (this.pos < body.length) {
      const c = body[this.pos]!;
      if (c === '\\') {
        const n = body[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          this.line++;
        } else if (n !== undefined && '$`\\'.includes(n)) {
          b.text(n, true);
          this.pos += 2;
        } else {
          b.text('\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        this.dollar(b, true);
      } else if (c === '`') {
        b.push(this.backquote(false));
      } else {
        let end = this.pos;
        while (end < body.length && !'\\$`'.includes(body[end]!)) end++;
        const text = body.slice(this.pos, end);
        this.countLines(text);
        b.text(text, true);
        this.pos = end;
      }
    }
    return b.word();
  }

  /**
   * Read a word at the position. In 'param' mode `inDq` says the ${…} stands inside double
   * quotes, where plain text is quoted unless `pattern` (the operand of % %% # ##, which keeps
   * its pattern characters active).
   */
  readWord(mode: Mode, inDq: boolean, pattern: boolean): Word {
    const b = new PartsBuilder();
    const plainQuoted = mode === 'param' && inDq && !pattern;
    let depth = 0;
    for (;;) {
      const c = this.at();
      if (c === undefined) {
        if (mode === 'param') throw this.error("Syntax error: Missing '}'", true);
        if (mode === 'arith') throw this.error('Syntax error: end of file unexpected (expecting "))")', true);
        return b.word();
      }
      if (mode === 'word' && METACHAR.has(c)) return b.word();
      if (mode === 'param' && c === '}') return b.word();
      if (mode === 'arith') {
        if (c === '(') depth++;
        else if (c === ')') {
          if (depth === 0) return b.word();
          depth--;
        }
      }
      if (c === '\\') {
        const n = this.at(1);
        if (n === undefined) {
          b.text('\\', plainQuoted);
          this.pos++;
        } else if (n === '\n') {
          this.pos += 2;
          this.line++;
        } else if (mode === 'param' && inDq && !pattern && !'$`"\\}'.includes(n)) {
          b.text('\\', true);
          this.pos++;
        } else {
          b.text(n, true);
          this.pos += 2;
        }
      } else if (c === "'" && !(mode === 'param' && inDq)) {
        const close = this.src.indexOf("'", this.pos + 1);
        if (close < 0) throw this.error('Syntax error: Unterminated quoted string', true);
        const text = this.src.slice(this.pos + 1, close);
        this.countLines(text);
        b.text(text, true);
        this.pos = close + 1;
      } else if (c === '"') {
        b.push(this.doubleQuoted());
      } else if (c === '$') {
        this.dollar(b, inDq || plainQuoted);
      } else if (c === '`') {
        b.push(this.backquote(inDq));
      } else {
        PLAIN_RUN.lastIndex = this.pos;
        const run = mode === 'word' ? PLAIN_RUN.exec(this.src)?.[0] ?? c : c;
        if (mode !== 'word' && c === '\n') this.line++;
        b.text(run, plainQuoted);
        this.pos += run.length;
      }
    }
  }

  private countLines(text: string): void {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.line++;
  }

  private doubleQuoted(): WordPart {
    this.pos++;
    const b = new PartsBuilder();
    for (;;) {
      const c = this.at();
      if (c === undefined) throw this.error('Syntax error: Unterminated quoted string', true);
      if (c === '"') {
        this.pos++;
        return { kind: 'dq', parts: b.parts };
      }
      if (c === '\\') {
        const n = this.at(1);
        if (n === '\n') {
          this.pos += 2;
          this.line++;
        } else if (n !== undefined && '$`"\\'.includes(n)) {
          b.text(n, true);
          this.pos += 2;
        } else {
          b.text('\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        this.dollar(b, true);
      } else if (c === '`') {
        b.push(this.backquote(true));
      } else {
        let end = this.pos;
        while (end < this.src.length && !'"\\$`'.includes(this.src[end]!)) {
          if (this.src[end] === '\n') this.line++;
          end++;
        }
        b.text(this.src.slice(this.pos, end), true);
        this.pos = end;
      }
    }
  }

  /** At `$`: an expansion, or a literal `$` when none follows. */
  dollar(b: PartsBuilder, inDq: boolean): void {
    const n = this.at(1);
    if (n === '(') {
      if (this.at(2) === '(') {
        const arith = this.tryArithmetic();
        if (arith) {
          b.push(arith);
          return;
        }
      }
      this.pos += 2;
      b.push({ kind: 'cmdsub', body: this.sub.parenList(), backquote: false });
    } else if (n === '{') {
      b.push(this.braced(inDq));
    } else if (n !== undefined && NAME_START.test(n)) {
      let end = this.pos + 2;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      b.push({ kind: 'param', name: this.src.slice(this.pos + 1, end), op: null, colon: false, arg: null });
      this.pos = end;
    } else if (n !== undefined && (SPECIAL.includes(n) || (n >= '1' && n <= '9'))) {
      b.push({ kind: 'param', name: n, op: null, colon: false, arg: null });
      this.pos += 2;
    } else {
      b.text('$', inDq);
      this.pos++;
    }
  }

  /** `$((…))`, or null (position unchanged) when the parentheses close otherwise: `$( (…) )`. */
  private tryArithmetic(): WordPart | null {
    const save = { pos: this.pos, line: this.line };
    this.pos += 3;
    try {
      const expr = this.readWord('arith', false, false);
      if (this.at() === ')' && this.at(1) === ')') {
        this.pos += 2;
        return { kind: 'arith', expr };
      }
    } catch (e) {
      if (!(e instanceof ParseError) || !e.incomplete) throw e;
      // An unclosed $(( may still be $( ( … ) ): the command substitution parser decides.
    }
    this.pos = save.pos;
    this.line = save.line;
    return null;
  }

  private braced(inDq: boolean): WordPart {
    this.pos += 2;
    let length = false;
    if (this.at() === '#' && this.at(1) !== '}' && this.at(1) !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(this.at(1)!)) {
      length = true;
      this.pos++;
    }
    const name = this.paramName();
    if (name === '') {
      if (this.at() === undefined) throw this.error("Syntax error: Missing '}'", true);
      throw this.error('Bad substitution');
    }
    if (length) {
      if (this.at() !== '}') throw this.at() === undefined ? this.error("Syntax error: Missing '}'", true) : this.error('Bad substitution');
      this.pos++;
      return { kind: 'param', name, op: 'len', colon: false, arg: null };
    }
    const c = this.at();
    if (c === '}') {
      this.pos++;
      return { kind: 'param', name, op: null, colon: false, arg: null };
    }
    let colon = false;
    let op: ParamOp;
    if (c === ':' && this.at(1) !== undefined && '-=?+'.includes(this.at(1)!)) {
      colon = true;
      op = this.at(1) as ParamOp;
      this.pos += 2;
    } else if (c !== undefined && '-=?+'.includes(c)) {
      op = c as ParamOp;
      this.pos++;
    } else if (c === '%' || c === '#') {
      op = (this.at(1) === c ? c + c : c) as ParamOp;
      this.pos += op.length;
    } else {
      if (c === undefined) throw this.error("Syntax error: Missing '}'", true);
      throw this.error('Bad substitution');
    }
    const pattern = op === '%' || op === '%%' || op === '#' || op === '##';
    const arg = this.readWord('param', inDq, pattern);
    this.pos++; // the `}`
    return { kind: 'param', name, op, colon, arg };
  }

  private paramName(): string {
    const c = this.at();
    if (c === undefined) return '';
    if (NAME_START.test(c)) {
      let end = this.pos + 1;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      const name = this.src.slice(this.pos, end);
      this.pos = end;
      return name;
    }
    if (c >= '0' && c <= '9') {
      let end = this.pos + 1;
      while (end < this.src.length && this.src[end]! >= '0' && this.src[end]! <= '9') end++;
      const name = this.src.slice(this.pos, end);
      this.pos = end;
      return name;
    }
    if (SPECIAL.includes(c)) {
      this.pos++;
      return c;
    }
    return '';
  }

  /** `…`: the text up to the closing backquote, unescaped, parsed as a program. */
  private backquote(inDq: boolean): WordPart {
    const line = this.line;
    this.pos++;
    let text = '';
    for (;;) {
      const c = this.at();
      if (c === undefined) throw this.error('Syntax error: EOF in backquote substitution', true);
      if (c === '`') {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const n = this.at(1);
        if (n !== undefined && ('$`\\'.includes(n) || (inDq && n === '"'))) {
          text += n;
          this.pos += 2;
          continue;
        }
      }
      if (c === '\n') this.line++;
      text += c;
      this.pos++;
    }
    return { kind: 'cmdsub', body: this.sub.programText(text, line), backquote: true };
  }
}

/** A delimiter's text without its quotes and backslashes. */
function removeQuotes(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "'") {
      const close = raw.indexOf("'", i + 1);
      out += raw.slice(i + 1, close < 0 ? raw.length : close);
      i = close < 0 ? raw.length : close;
    } else if (c === '"') {
      continue;
    } else if (c === '\\' && i + 1 < raw.length) {
      out += raw[++i];
    } else {
      out += c;
    }
  }
  return out;
}

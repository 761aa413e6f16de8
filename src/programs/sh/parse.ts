/**
 * Parser for the Keel shell: a POSIX sh subset, turned into a small syntax tree.
 *
 * Interface: `parse(source)` returns a `Script` or throws `ParseError`; `singleQuote(s)` quotes a
 * string so that it parses back as one literal word. Pure code: no host APIs.
 *
 * Supported: simple commands with leading NAME=value assignments, words built from unquoted text,
 * '...', "...", backslash escapes, $NAME, ${NAME} and the special parameters $? $$ $! $# $0-$9;
 * redirections < > >> >& <& with an optional IO number (`2>f`, `2>&1`); pipelines `a | b` with
 * optional `!`; and-or lists with && and ||; lists separated by ; & or newline; # comments.
 * Not supported, and rejected with a ParseError that says so (never mis-parsed): ( ) subshells and
 * function definitions, command substitution ($(...) and backticks), arithmetic $((...)),
 * here-documents (<<), `&>`, ${NAME...} operators, and compound commands (a reserved word such as
 * `if`, `for`, `while`, `{` in command position).
 *
 * Invariants callers rely on:
 * - Every failure is a ParseError. `incomplete` is true exactly when appending more input could
 *   make the source valid (unclosed quote or ${, trailing | && || or backslash), so an
 *   interactive shell may read a continuation line and parse the joined text again.
 * - The lexer is pulled by the parser one token at a time, so the first problem in reading order
 *   is the one reported (`| 'abc` is a syntax error at `|`, not an unclosed quote).
 * - In a Word, adjacent text parts never have the same `quoted` flag (they are merged). At most
 *   one empty text part appears, {text:'', quoted:true}, and only when the word has a quoted
 *   empty string ('' or "") and no non-empty text and no quoted parameter: it is what keeps
 *   `''` or `""$x` from vanishing in expansion.
 * - An Assignment's value is the rest of its word after `NAME=` (possibly no parts at all).
 * - Every SimpleCommand has at least one assignment, word or redirect.
 */

export type WordPart =
  | { readonly kind: 'text'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'param'; readonly name: string; readonly quoted: boolean };
export interface Word { readonly parts: readonly WordPart[] }
export interface Assignment { readonly name: string; readonly value: Word }
export type RedirectOp = '<' | '>' | '>>' | '>&' | '<&';
export interface Redirect { readonly fd: number; readonly op: RedirectOp; readonly target: Word }
export interface SimpleCommand {
  readonly assignments: readonly Assignment[];
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}
export interface Pipeline { readonly negated: boolean; readonly commands: readonly SimpleCommand[] }
export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}
export interface ListItem { readonly andOr: AndOr; readonly background: boolean }
export interface Script { readonly items: readonly ListItem[] }

/** A syntax error; `incomplete` means more input could complete the source. */
export class ParseError extends Error {
  readonly incomplete: boolean;
  constructor(message: string, incomplete = false) {
    super(message);
    this.name = 'ParseError';
    this.incomplete = incomplete;
  }
}

/** Quote `s` so that `parse` reads it back as exactly one word whose value is `s`. */
export function singleQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

export function parse(source: string): Script {
  return new Parser(new Lexer(source)).script();
}

// ---------------------------------------------------------------------------------------------
// Lexer

type ControlOp = '|' | '||' | '&&' | '&' | ';' | ';;' | '\n';

type Token =
  | { readonly kind: 'word'; readonly word: Word }
  | { readonly kind: 'op'; readonly op: ControlOp }
  | { readonly kind: 'redirect'; readonly op: RedirectOp; readonly fd: number | undefined }
  | { readonly kind: 'end' };

/** Characters that end an unquoted word (they are blanks or start an operator). */
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const NAME_START = /[A-Za-z_]/;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPECIAL_PARAM = '?$!#0123456789';
const BRACED_PARAM = /[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#]/y;
const IO_NUMBER = /[0-9]+(?=[<>])/y;
const MAX_FD = 0x7fffffff;

const unclosed = (what: string): ParseError =>
  new ParseError(`unexpected end of input (unclosed ${what})`, true);
const commandSubstitution = (): ParseError =>
  new ParseError('command substitution is not supported');

class Lexer {
  private pos = 0;
  constructor(private readonly src: string) {}

  next(): Token {
    this.skipBlanksAndComments();
    const c = this.src[this.pos];
    if (c === undefined) return { kind: 'end' };
    if (c >= '0' && c <= '9') {
      IO_NUMBER.lastIndex = this.pos;
      const digits = IO_NUMBER.exec(this.src)?.[0];
      if (digits !== undefined) {
        const fd = Number(digits);
        if (fd > MAX_FD) throw new ParseError(`file descriptor out of range: ${digits}`);
        this.pos += digits.length;
        return this.redirect(fd);
      }
    }
    switch (c) {
      case '<':
      case '>':
        return this.redirect(undefined);
      case '\n':
        this.pos++;
        return { kind: 'op', op: '\n' };
      case ';':
        return this.op(this.at(1) === ';' ? ';;' : ';');
      case '|':
        return this.op(this.at(1) === '|' ? '||' : '|');
      case '&':
        if (this.at(1) === '>') throw new ParseError("`&>' is not supported; write >file 2>&1");
        return this.op(this.at(1) === '&' ? '&&' : '&');
      case '(':
      case ')':
        throw new ParseError(`\`${c}' is not supported: no subshells, grouping or functions`);
      default:
        return { kind: 'word', word: this.word() };
    }
  }

  private at(offset: number): string | undefined {
    return this.src[this.pos + offset];
  }

  private op(op: ControlOp): Token {
    this.pos += op.length;
    return { kind: 'op', op };
  }

  /** Reads < << <& > >> >& at the current position; `fd` is an IO number already read. */
  private redirect(fd: number | undefined): Token {
    const c = this.at(0);
    const n = this.at(1);
    let op: RedirectOp;
    if (c === '<') {
      if (n === '<') throw new ParseError('here-documents are not supported');
      op = n === '&' ? '<&' : '<';
    } else {
      op = n === '>' ? '>>' : n === '&' ? '>&' : '>';
    }
    this.pos += op.length;
    return { kind: 'redirect', op, fd };
  }

  private skipBlanksAndComments(): void {
    for (;;) {
      const c = this.at(0);
      if (c === ' ' || c === '\t') {
        this.pos++;
      } else if (c === '\\' && this.at(1) === '\n') {
        this.lineContinuation();
      } else if (c === '#') {
        while (this.pos < this.src.length && this.at(0) !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  /** Skips backslash-newline; at the very end of input it asks for another line. */
  private lineContinuation(): void {
    this.pos += 2;
    if (this.pos >= this.src.length) {
      throw new ParseError('unexpected end of input (line continuation)', true);
    }
  }

  private word(): Word {
    const b = new WordBuilder();
    for (;;) {
      const c = this.at(0);
      if (c === undefined || WORD_END.has(c)) return b.finish();
      if (c === "'") {
        this.singleQuoted(b);
      } else if (c === '"') {
        this.doubleQuoted(b);
      } else if (c === '\\') {
        const escaped = this.src.codePointAt(this.pos + 1);
        if (escaped === undefined) throw new ParseError('unexpected end of input (trailing \\)', true);
        if (escaped === 0x0a) {
          this.lineContinuation();
        } else {
          const ch = String.fromCodePoint(escaped);
          b.text(ch, true);
          this.pos += 1 + ch.length;
        }
      } else if (c === '$') {
        this.dollar(b, false);
      } else if (c === '`') {
        throw commandSubstitution();
      } else {
        b.text(c, false);
        this.pos++;
      }
    }
  }

  private singleQuoted(b: WordBuilder): void {
    const close = this.src.indexOf("'", this.pos + 1);
    if (close < 0) throw unclosed("'");
    b.text(this.src.slice(this.pos + 1, close), true);
    this.pos = close + 1;
  }

  private doubleQuoted(b: WordBuilder): void {
    this.pos++;
    b.text('', true);
    for (;;) {
      const c = this.at(0);
      if (c === undefined) throw unclosed('"');
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const n = this.at(1);
        if (n === undefined) throw unclosed('"');
        if (n === '\n') {
          this.pos += 2;
        } else if ('$`"\\'.includes(n)) {
          b.text(n, true);
          this.pos += 2;
        } else {
          b.text('\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        this.dollar(b, true);
      } else if (c === '`') {
        throw commandSubstitution();
      } else {
        b.text(c, true);
        this.pos++;
      }
    }
  }

  /** Reads a parameter expansion at `$`, or a literal `$` when none follows. */
  private dollar(b: WordBuilder, quoted: boolean): void {
    const n = this.at(1);
    if (n === '(') {
      if (this.at(2) === '(') throw new ParseError('arithmetic expansion is not supported');
      throw commandSubstitution();
    }
    if (n === '{') {
      this.bracedParam(b, quoted);
    } else if (n !== undefined && NAME_START.test(n)) {
      NAME.lastIndex = this.pos + 1;
      const name = NAME.exec(this.src)?.[0] ?? n;
      b.param(name, quoted);
      this.pos += 1 + name.length;
    } else if (n !== undefined && SPECIAL_PARAM.includes(n)) {
      b.param(n, quoted);
      this.pos += 2;
    } else {
      b.text('$', quoted);
      this.pos++;
    }
  }

  /** ${NAME}, ${?} or ${10}; any operator inside the braces is rejected. */
  private bracedParam(b: WordBuilder, quoted: boolean): void {
    BRACED_PARAM.lastIndex = this.pos + 2;
    const name = BRACED_PARAM.exec(this.src)?.[0] ?? '';
    const after = this.at(2 + name.length);
    if (after === undefined) throw unclosed('${');
    if (name === '' || after !== '}') {
      throw new ParseError('bad substitution: only ${NAME} is supported, without operators');
    }
    b.param(name, quoted);
    this.pos += 3 + name.length;
  }
}

/** Collects a word's parts, merging adjacent text of the same quotedness. */
class WordBuilder {
  private readonly parts: WordPart[] = [];

  text(text: string, quoted: boolean): void {
    const last = this.parts.at(-1);
    if (last?.kind === 'text' && last.quoted === quoted) {
      this.parts[this.parts.length - 1] = { kind: 'text', text: last.text + text, quoted };
    } else {
      this.parts.push({ kind: 'text', text, quoted });
    }
  }

  param(name: string, quoted: boolean): void {
    this.parts.push({ kind: 'param', name, quoted });
  }

  /**
   * Drops empty quoted text ('' or "") unless nothing else in the word is quoted or non-empty
   * text, in which case one empty part stays so the word still expands to an (empty) field.
   */
  finish(): Word {
    const needsEmpty = !this.parts.some((p) => (p.kind === 'text' ? p.text !== '' : p.quoted));
    const out = new WordBuilder();
    for (const p of this.parts) {
      if (p.kind === 'param') out.param(p.name, p.quoted);
      else if (p.text !== '') out.text(p.text, p.quoted);
      else if (needsEmpty && !out.parts.some((q) => q.kind === 'text')) out.text('', true);
    }
    return { parts: out.parts };
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

/** Words that open or close a compound command when they stand in command position. */
const RESERVED = new Set([
  '!', '{', '}', 'if', 'then', 'else', 'elif', 'fi', 'for', 'in', 'do', 'done',
  'while', 'until', 'case', 'esac', 'function', 'select', '[[',
]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** The word's text when it is a single unquoted literal, else undefined. */
function plainText(word: Word): string | undefined {
  const only = word.parts.length === 1 ? word.parts[0] : undefined;
  return only?.kind === 'text' && !only.quoted ? only.text : undefined;
}

function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (first?.kind !== 'text' || first.quoted) return undefined;
  const m = ASSIGNMENT.exec(first.text);
  if (!m?.[1]) return undefined;
  const rest = first.text.slice(m[0].length);
  const head: WordPart[] = rest === '' ? [] : [{ kind: 'text', text: rest, quoted: false }];
  return { name: m[1], value: { parts: [...head, ...word.parts.slice(1)] } };
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end': return 'newline';
    case 'word': return plainText(t.word) ?? 'word';
    case 'redirect': return t.op;
    case 'op': return t.op === '\n' ? 'newline' : t.op;
  }
}

class Parser {
  private lookahead: Token | undefined;
  constructor(private readonly lexer: Lexer) {}

  private peek(): Token {
    this.lookahead ??= this.lexer.next();
    return this.lookahead;
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    return t;
  }

  private isOp(...ops: ControlOp[]): boolean {
    const t = this.peek();
    return t.kind === 'op' && ops.includes(t.op);
  }

  private unexpected(t: Token): ParseError {
    return new ParseError(`syntax error near unexpected token \`${describe(t)}'`);
  }

  /** After | && ||: newlines may follow, and end of input means "more to come". */
  private continuation(after: string): void {
    while (this.isOp('\n')) this.take();
    if (this.peek().kind === 'end') {
      throw new ParseError(`unexpected end of input (after \`${after}')`, true);
    }
  }

  script(): Script {
    const items: ListItem[] = [];
    for (;;) {
      while (this.isOp('\n')) this.take();
      if (this.peek().kind === 'end') return { items };
      const andOr = this.andOr();
      const t = this.peek();
      if (t.kind === 'end') {
        items.push({ andOr, background: false });
      } else if (t.kind === 'op' && (t.op === '&' || t.op === ';' || t.op === '\n')) {
        this.take();
        items.push({ andOr, background: t.op === '&' });
      } else {
        throw this.unexpected(t);
      }
    }
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.op !== '&&' && t.op !== '||')) return { first, rest };
      this.take();
      this.continuation(t.op);
      rest.push({ op: t.op, pipeline: this.pipeline() });
    }
  }

  private pipeline(): Pipeline {
    let negated = false;
    for (let t = this.peek(); t.kind === 'word' && plainText(t.word) === '!'; t = this.peek()) {
      this.take();
      negated = !negated;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.take();
      this.continuation('|');
      commands.push(this.command());
    }
    return { negated, commands };
  }

  private command(): SimpleCommand {
    const first = this.peek();
    const reserved = first.kind === 'word' ? plainText(first.word) : undefined;
    if (reserved !== undefined && RESERVED.has(reserved)) {
      if (reserved === '!') throw this.unexpected(first);
      throw new ParseError(
        `\`${reserved}' is not supported: compound commands (if, for, while, case, { }) are not available`);
    }
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'word') {
        this.take();
        const assignment = words.length === 0 ? asAssignment(t.word) : undefined;
        if (assignment) assignments.push(assignment);
        else words.push(t.word);
      } else if (t.kind === 'redirect') {
        this.take();
        const target = this.take();
        if (target.kind !== 'word') throw this.unexpected(target);
        const fd = t.fd ?? (t.op.startsWith('<') ? 0 : 1);
        redirects.push({ fd, op: t.op, target: target.word });
      } else {
        break;
      }
    }
    if (assignments.length + words.length + redirects.length === 0) throw this.unexpected(this.peek());
    return { assignments, words, redirects };
  }
}

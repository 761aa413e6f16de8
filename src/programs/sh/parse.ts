/**
 * The shell grammar (XCU 2.10) over the lexer's tokens: a recursive-descent parser that builds
 * the tree of ast.ts. Pure code: no host APIs.
 *
 * Interface:
 * - `parseProgram(text)`: the whole text as one list (eval, `.`, backquotes), or ParseError.
 * - `new Parser(text).next()`: one complete command at a time — the and-or lists up to the end
 *   of a line, here-documents included — or null at the end. This is how dash runs a script:
 *   the lines before a syntax error run, the line with it does not.
 * - `singleQuote(s)`: a word that parses back as exactly `s`.
 *
 * Reserved words (if then else elif fi do done case esac while until for { } ! in) are
 * recognised only where the grammar allows one: as the first word of a command, `in` after
 * `for NAME` and `case WORD`, `do` after a for list, `esac` where a case item may start.
 * A word is an assignment (NAME=value) only before the command name.
 *
 * Errors are ParseError, worded as dash words them (`Syntax error: "fi" unexpected (expecting
 * "then")`), with the line of the offending token; `incomplete` when the text ended too soon (an
 * interactive shell then reads another line).
 */

import type {
  AndOr, Assignment, CaseItem, Command, CompoundCommand, List, ListItem, Pipeline, Redirect, RedirectOp, Word,
} from './ast.js';
import { Lexer, type Op, ParseError, type SubParser, type Token } from './lexer.js';

export { ParseError } from './lexer.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const REDIRECT_OPS = new Set<Op>(['<', '>', '>>', '>|', '<>', '<&', '>&', '<<', '<<-']);
/** Reserved words that end a compound list (they can never start a command). */
const CLOSERS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
/** Words dash names in a syntax error (any other word is just `word`). */
const RESERVED = new Set([...CLOSERS, 'if', 'while', 'until', 'for', 'case', '{', '!', 'in']);

/** Quote `s` so that the parser reads it back as exactly one word whose value is `s`. */
export function singleQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** The whole of `text` as one list. */
export function parseProgram(text: string, line = 1): List {
  return new Parser(text, line).program();
}

/** The word's source text when it is a plain unquoted literal (a candidate reserved word). */
function plain(t: Token): string | undefined {
  if (t.kind !== 'word' || t.word.parts.length !== 1) return undefined;
  const p = t.word.parts[0]!;
  return p.kind === 'lit' ? p.text : undefined;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of file';
    case 'newline': return 'newline';
    case 'op': return `"${t.op}"`;
    case 'word': return RESERVED.has(t.raw) ? `"${t.raw}"` : 'word';
  }
}

export class Parser implements SubParser {
  private readonly lexer: Lexer;
  private lookahead: Token | undefined;

  constructor(text: string, line = 1) {
    this.lexer = new Lexer(text, 0, line);
    this.lexer.sub = this;
  }

  /** Where the next complete command starts (after next() returned one). */
  get position(): number {
    return this.lexer.pos;
  }

  // ─── SubParser (for the lexer) ────────────────────────────────────────────

  parenList(): List {
    const saved = this.lookahead;
    this.lookahead = undefined;
    const list = this.compoundList([')'], true);
    this.expectOp(')');
    this.lookahead = saved;
    return list;
  }

  programText(text: string, line: number): List {
    return new Parser(text, line).program();
  }

  hereDoc(body: string, line: number): Word {
    const p = new Parser(body, line);
    return p.lexer.hereDocBody();
  }

  // ─── tokens ───────────────────────────────────────────────────────────────

  private peek(): Token {
    this.lookahead ??= this.lexer.next();
    return this.lookahead;
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    return t;
  }

  private isOp(op: Op): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.op === op && t.fd === null;
  }

  private isWord(word: string): boolean {
    return plain(this.peek()) === word;
  }

  private error(t: Token, expecting?: string): ParseError {
    const what = `Syntax error: ${describe(t)} unexpected${expecting ? ` (expecting "${expecting}")` : ''}`;
    return new ParseError(what, t.line, t.kind === 'eof');
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) throw this.error(this.peek(), word);
    this.take();
  }

  private expectOp(op: Op): void {
    if (!this.isOp(op)) throw this.error(this.peek(), op);
    this.take();
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  // ─── programs and lists ───────────────────────────────────────────────────

  /** All complete commands to the end of the text. */
  program(): List {
    const items: ListItem[] = [];
    for (let list = this.next(); list; list = this.next()) items.push(...list.items);
    return { items };
  }

  /** The next complete command (and-or lists up to a newline), or null at the end. */
  next(): List | null {
    this.skipNewlines();
    if (this.peek().kind === 'eof') return null;
    const items: ListItem[] = [];
    for (;;) {
      const andOr = this.andOr();
      const t = this.peek();
      if (t.kind === 'op' && t.fd === null && (t.op === ';' || t.op === '&')) {
        this.take();
        items.push({ andOr, background: t.op === '&' });
        const after = this.peek();
        if (after.kind === 'newline' || after.kind === 'eof') break;
        continue;
      }
      items.push({ andOr, background: false });
      break;
    }
    const end = this.peek();
    if (end.kind === 'newline') this.take();
    else if (end.kind !== 'eof') throw this.error(end);
    return { items };
  }

  /**
   * A compound list: and-or lists separated by ; & or newlines, up to one of `closers` (reserved
   * words, or `)` / `;;`), which is left for the caller. Empty only when `emptyOk`.
   */
  private compoundList(closers: readonly string[], emptyOk = false): List {
    const items: ListItem[] = [];
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (this.closes(t, closers)) break;
      if (t.kind === 'eof') throw this.error(t, closers[0]);
      const w = plain(t);
      if (w !== undefined && CLOSERS.has(w)) throw this.error(t, closers[0]);
      const andOr = this.andOr();
      const sep = this.peek();
      if (sep.kind === 'op' && sep.fd === null && (sep.op === ';' || sep.op === '&')) {
        this.take();
        items.push({ andOr, background: sep.op === '&' });
      } else if (sep.kind === 'newline') {
        items.push({ andOr, background: false });
      } else {
        items.push({ andOr, background: false });
        if (!this.closes(sep, closers)) throw this.error(sep, sep.kind === 'eof' ? closers[0] : undefined);
        break;
      }
      this.skipNewlines();
    }
    if (items.length === 0 && !emptyOk) throw this.error(this.peek());
    return { items };
  }

  private closes(t: Token, closers: readonly string[]): boolean {
    if (t.kind === 'op' && t.fd === null) return closers.includes(t.op);
    const w = plain(t);
    return w !== undefined && closers.includes(w);
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || t.fd !== null || (t.op !== '&&' && t.op !== '||')) return { first, rest };
      this.take();
      this.skipNewlines();
      rest.push({ op: t.op, pipeline: this.pipeline() });
    }
  }

  private pipeline(): Pipeline {
    let negated = false;
    while (this.isWord('!')) {
      this.take();
      negated = !negated;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.take();
      this.skipNewlines();
      commands.push(this.command());
    }
    return { negated, commands };
  }

  // ─── commands ─────────────────────────────────────────────────────────────

  private command(): Command {
    const t = this.peek();
    const w = plain(t);
    if (w !== undefined) {
      const compound = this.compound(w);
      if (compound) return compound;
      if (CLOSERS.has(w) || w === '!') throw this.error(t);
    } else if (t.kind === 'op' && t.fd === null && t.op === '(') {
      return this.withRedirects(this.subshell());
    }
    return this.simple();
  }

  /** A compound command when `word` starts one (the token is still unread), else null. */
  private compound(word: string): CompoundCommand | null {
    switch (word) {
      case '{': return this.withRedirects(this.group());
      case 'if': return this.withRedirects(this.ifCommand());
      case 'while':
      case 'until': return this.withRedirects(this.loop(word));
      case 'for': return this.withRedirects(this.forCommand());
      case 'case': return this.withRedirects(this.caseCommand());
      default: return null;
    }
  }

  private withRedirects(c: CompoundCommand): CompoundCommand {
    const redirects: Redirect[] = [];
    for (let r = this.redirect(); r; r = this.redirect()) redirects.push(r);
    return redirects.length === 0 ? c : { ...c, redirects };
  }

  private group(): CompoundCommand {
    const line = this.take().line;
    const body = this.compoundList(['}']);
    this.expectWord('}');
    return { kind: 'group', line, body, redirects: [] };
  }

  private subshell(): CompoundCommand {
    const line = this.take().line;
    const body = this.compoundList([')']);
    this.expectOp(')');
    return { kind: 'subshell', line, body, redirects: [] };
  }

  private ifCommand(): CompoundCommand {
    const line = this.take().line;
    const clauses: { cond: List; body: List }[] = [];
    let otherwise: List | null = null;
    for (;;) {
      const cond = this.compoundList(['then']);
      this.expectWord('then');
      const body = this.compoundList(['fi', 'elif', 'else']);
      clauses.push({ cond, body });
      const t = this.take();
      const w = plain(t);
      if (w === 'fi') break;
      if (w === 'elif') continue;
      otherwise = this.compoundList(['fi']);
      this.expectWord('fi');
      break;
    }
    return { kind: 'if', line, clauses, otherwise, redirects: [] };
  }

  private loop(kind: 'while' | 'until'): CompoundCommand {
    const line = this.take().line;
    const cond = this.compoundList(['do']);
    const body = this.doGroup();
    return { kind, line, cond, body, redirects: [] };
  }

  private doGroup(): List {
    this.expectWord('do');
    const body = this.compoundList(['done']);
    this.expectWord('done');
    return body;
  }

  private forCommand(): CompoundCommand {
    const line = this.take().line;
    const nameTok = this.take();
    const name = plain(nameTok);
    if (name === undefined || !NAME.test(name)) {
      throw new ParseError('Syntax error: Bad for loop variable', nameTok.line, nameTok.kind === 'eof');
    }
    let words: Word[] | null = null;
    this.skipNewlines();
    if (this.isWord('in')) {
      this.take();
      words = [];
      for (let t = this.peek(); t.kind === 'word'; t = this.peek()) {
        this.take();
        words.push(t.word);
      }
      const sep = this.peek();
      if (sep.kind === 'op' && sep.fd === null && sep.op === ';') this.take();
      else if (sep.kind !== 'newline') throw this.error(sep, 'do');
    } else if (this.isOp(';')) {
      this.take();
    }
    this.skipNewlines();
    const body = this.doGroup();
    return { kind: 'for', line, name, words, body, redirects: [] };
  }

  private caseCommand(): CompoundCommand {
    const line = this.take().line;
    const wordTok = this.take();
    if (wordTok.kind !== 'word') throw this.error(wordTok);
    this.skipNewlines();
    this.expectWord('in');
    const items: CaseItem[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isWord('esac')) {
        this.take();
        break;
      }
      if (this.isOp('(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.take();
        if (p.kind !== 'word') throw this.error(p, p.kind === 'eof' ? ')' : undefined);
        patterns.push(p.word);
        if (!this.isOp('|')) break;
        this.take();
      }
      this.expectOp(')');
      const body = this.compoundList([';;', 'esac'], true);
      items.push({ patterns, body: body.items.length === 0 ? null : body });
      if (this.isOp(';;')) {
        this.take();
        continue;
      }
      this.expectWord('esac');
      break;
    }
    return { kind: 'case', line, word: wordTok.word, items, redirects: [] };
  }

  /** A redirection at the current token, or null. */
  private redirect(): Redirect | null {
    const t = this.peek();
    if (t.kind !== 'op' || !REDIRECT_OPS.has(t.op)) return null;
    this.take();
    const op = t.op as RedirectOp;
    const target = this.take();
    if (target.kind !== 'word') throw this.error(target);
    const fd = t.fd ?? (op.startsWith('<') && op !== '<>' ? 0 : op === '<>' ? 0 : 1);
    const r: Redirect = { fd, op, target: target.word };
    if (op === '<<' || op === '<<-') this.lexer.hereDoc(r, target.raw, op === '<<-');
    return r;
  }

  private simple(): Command {
    const line = this.peek().line;
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const r = this.redirect();
      if (r) {
        redirects.push(r);
        continue;
      }
      const t = this.peek();
      if (t.kind !== 'word') break;
      this.take();
      const assign = words.length === 0 ? asAssignment(t.word) : undefined;
      if (assign) {
        assigns.push(assign);
        continue;
      }
      words.push(t.word);
      if (words.length === 1 && assigns.length === 0 && redirects.length === 0 && this.isOp('(')) {
        return this.functionDefinition(t, line);
      }
    }
    if (assigns.length + words.length + redirects.length === 0) throw this.error(this.peek());
    return { kind: 'simple', line, assigns, words, redirects };
  }

  /** NAME ( ) BODY, the name token already read. */
  private functionDefinition(nameTok: Token, line: number): Command {
    const name = plain(nameTok);
    this.take();
    if (name === undefined || !NAME.test(name)) throw new ParseError('Syntax error: Bad function name', nameTok.line);
    this.expectOp(')');
    this.skipNewlines();
    const t = this.peek();
    const w = plain(t);
    let body: CompoundCommand | null = w !== undefined ? this.compound(w) as CompoundCommand | null : null;
    if (!body && t.kind === 'op' && t.fd === null && t.op === '(') body = this.withRedirects(this.subshell());
    if (!body) {
      // dash accepts any command as a body; run it as a group.
      const c = this.command();
      body = { kind: 'group', line: c.line, body: { items: [{ andOr: { first: { negated: false, commands: [c] }, rest: [] }, background: false }] }, redirects: [] };
    }
    return { kind: 'function', line, name, body };
  }
}

function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (first?.kind !== 'lit') return undefined;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  return { name: m[1]!, value: { parts: [...(rest === '' ? [] : [{ kind: 'lit' as const, text: rest }]), ...word.parts.slice(1)] } };
}

/**
 * The awk grammar (POSIX awk) as a recursive-descent parser over lexer.ts's tokens, building the
 * tree of this file's types.
 *
 * Precedence, lowest first: assignment (right), ?: (right), ||, &&, in, ~ !~, relational
 * (< <= == != > >=, not associative), concatenation, + -, * / %, unary ! + -, ^ (right), ++ --,
 * $, grouping. Inside an unparenthesized print or printf argument list `>` is output redirection,
 * not a comparison. `cmd | getline [var]` binds to the concatenation on its left; `getline [var]
 * < file` takes a primary as the file. Newlines end statements and may follow { && || , do else
 * and the ) of if, for and while.
 */

import { AwkSyntaxError, Lexer, type Token } from './lexer.js';

export type LValue =
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'field'; readonly e: Expr }
  | { readonly k: 'index'; readonly name: string; readonly subs: readonly Expr[] };

export type Expr =
  | LValue
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'regex'; readonly re: string }
  | { readonly k: 'assign'; readonly op: string; readonly target: LValue; readonly e: Expr }
  | { readonly k: 'cond'; readonly c: Expr; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'or' | 'and'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'in'; readonly subs: readonly Expr[]; readonly name: string }
  | { readonly k: 'match'; readonly neg: boolean; readonly a: Expr; readonly re: Expr }
  | { readonly k: 'binop'; readonly op: string; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'concat'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'unary'; readonly op: string; readonly e: Expr }
  | { readonly k: 'incdec'; readonly op: '++' | '--'; readonly prefix: boolean; readonly target: LValue }
  | { readonly k: 'group'; readonly items: readonly Expr[] }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly k: 'builtin'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly k: 'getline'; readonly target: LValue | null; readonly file: Expr | null; readonly cmd: Expr | null };

export interface Redirect { readonly op: '>' | '>>' | '|'; readonly e: Expr }

export type Stmt =
  | { readonly k: 'print' | 'printf'; readonly args: readonly Expr[]; readonly redirect: Redirect | null }
  | { readonly k: 'expr'; readonly e: Expr }
  | { readonly k: 'if'; readonly c: Expr; readonly a: Stmt; readonly b: Stmt | null }
  | { readonly k: 'while'; readonly c: Expr; readonly body: Stmt }
  | { readonly k: 'do'; readonly body: Stmt; readonly c: Expr }
  | { readonly k: 'for'; readonly init: Stmt | null; readonly c: Expr | null; readonly step: Stmt | null; readonly body: Stmt }
  | { readonly k: 'forin'; readonly v: LValue; readonly arr: string; readonly body: Stmt }
  | { readonly k: 'block'; readonly body: readonly Stmt[] }
  | { readonly k: 'next' | 'nextfile' | 'break' | 'continue' }
  | { readonly k: 'exit' | 'return'; readonly e: Expr | null }
  | { readonly k: 'delete'; readonly name: string; readonly subs: readonly Expr[] | null };

export interface Rule {
  /** null: every record; two expressions: a range. */
  readonly pattern: Expr | readonly [Expr, Expr] | null;
  /** null: print $0. */
  readonly action: Stmt | null;
}

export interface FunctionDef { readonly name: string; readonly params: readonly string[]; readonly body: Stmt }

export interface Program {
  readonly begin: readonly Stmt[];
  readonly end: readonly Stmt[];
  readonly rules: readonly Rule[];
  readonly functions: ReadonlyMap<string, FunctionDef>;
}

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '^=']);
const REL_OPS = new Set(['<', '<=', '==', '!=', '>', '>=']);

export function parseProgram(src: string): Program {
  return new Parser(src).program();
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private ahead: Token | null = null;
  /** Depth of parentheses inside a print list (where `>` compares again). */
  private printDepth = -1;

  constructor(src: string) {
    this.lexer = new Lexer(src);
    this.tok = this.lexer.next();
  }

  private error(what?: string): never {
    const t = this.tok;
    throw new AwkSyntaxError(what ?? `syntax error at or near ${t.kind === 'eof' ? 'end of file' : t.kind === 'newline' ? 'end of line' : t.text}`, t.line);
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.ahead ?? this.lexer.next();
    this.ahead = null;
    return t;
  }

  private peek2(): Token {
    this.ahead ??= this.lexer.next();
    return this.ahead;
  }

  private is(kind: Token['kind'], text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }

  private op(text: string): boolean {
    return this.is('op', text);
  }

  private expectOp(text: string): void {
    if (!this.op(text)) this.error();
    this.advance();
  }

  private newlines(): void {
    while (this.is('newline')) this.advance();
  }

  /** Statement separators: newlines and `;`. */
  private separators(): void {
    while (this.is('newline') || this.op(';')) this.advance();
  }

  // ─── program ──────────────────────────────────────────────────────────────

  program(): Program {
    const begin: Stmt[] = [], end: Stmt[] = [], rules: Rule[] = [];
    const functions = new Map<string, FunctionDef>();
    this.separators();
    while (!this.is('eof')) {
      if (this.is('keyword', 'BEGIN') || this.is('keyword', 'END')) {
        const which = this.advance().text;
        this.newlines();
        if (!this.op('{')) this.error();
        (which === 'BEGIN' ? begin : end).push(this.block());
      } else if (this.is('keyword', 'function')) {
        const f = this.functionDef();
        functions.set(f.name, f);
      } else {
        let pattern: Rule['pattern'] = null;
        if (!this.op('{')) {
          const a = this.expr();
          if (this.op(',')) {
            this.advance();
            this.newlines();
            pattern = [a, this.expr()];
          } else pattern = a;
        }
        rules.push({ pattern, action: this.op('{') ? this.block() : null });
      }
      this.separators();
    }
    return { begin, end, rules, functions };
  }

  private functionDef(): FunctionDef {
    this.advance();
    const nameTok = this.advance();
    if (nameTok.kind !== 'name' && nameTok.kind !== 'funcname') this.error();
    this.expectOp('(');
    const params: string[] = [];
    while (!this.op(')')) {
      const p = this.advance();
      if (p.kind !== 'name') this.error();
      params.push(p.text);
      if (this.op(',')) {
        this.advance();
        this.newlines();
      } else if (!this.op(')')) this.error();
    }
    this.advance();
    this.newlines();
    return { name: nameTok.text, params, body: this.block() };
  }

  private block(): Stmt {
    this.expectOp('{');
    const body: Stmt[] = [];
    this.separators();
    while (!this.op('}')) {
      if (this.is('eof')) this.error();
      body.push(this.statement());
      this.separators();
    }
    this.advance();
    return { k: 'block', body };
  }

  // ─── statements ───────────────────────────────────────────────────────────

  /** After a simple statement: `;`, a newline, or a `}` (left for the block). */
  private endSimple(): void {
    if (this.op(';') || this.is('newline')) {
      this.advance();
      return;
    }
    if (this.op('}') || this.is('eof')) return;
    this.error();
  }

  /** A statement that is the body of if/while/for: may be on the next line, or `;` alone. */
  private body(): Stmt {
    this.newlines();
    if (this.op(';')) {
      this.advance();
      return { k: 'block', body: [] };
    }
    return this.statement();
  }

  private statement(): Stmt {
    const t = this.tok;
    if (this.op('{')) return this.block();
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if': {
          this.advance();
          this.expectOp('(');
          const c = this.expr();
          this.expectOp(')');
          const a = this.body();
          if (this.atElse()) {
            this.advance();
            return { k: 'if', c, a, b: this.body() };
          }
          return { k: 'if', c, a, b: null };
        }
        case 'while': {
          this.advance();
          this.expectOp('(');
          const c = this.expr();
          this.expectOp(')');
          if (this.op(';')) {
            this.advance();
            return { k: 'while', c, body: { k: 'block', body: [] } };
          }
          return { k: 'while', c, body: this.body() };
        }
        case 'do': {
          this.advance();
          const body = this.body();
          this.separators();
          if (!this.is('keyword', 'while')) this.error();
          this.advance();
          this.expectOp('(');
          const c = this.expr();
          this.expectOp(')');
          this.endSimple();
          return { k: 'do', body, c };
        }
        case 'for': return this.forStatement();
        case 'next':
        case 'nextfile':
        case 'break':
        case 'continue':
          this.advance();
          this.endSimple();
          return { k: t.text };
        case 'exit':
        case 'return': {
          this.advance();
          const e = this.op(';') || this.op('}') || this.is('newline') || this.is('eof') ? null : this.expr();
          this.endSimple();
          return { k: t.text, e };
        }
        case 'delete': {
          this.advance();
          const name = this.advance();
          if (name.kind !== 'name') this.error();
          let subs: Expr[] | null = null;
          if (this.op('[')) {
            this.advance();
            subs = this.exprList(']');
          }
          this.endSimple();
          return { k: 'delete', name: name.text, subs };
        }
        case 'print':
        case 'printf': {
          const s = this.printStatement();
          this.endSimple();
          return s;
        }
      }
    }
    const e = this.expr();
    this.endSimple();
    return { k: 'expr', e };
  }

  /**
   * True when `else` follows (past newlines, or a `;` right before it), leaving it current.
   * Newlines skipped when no `else` follows are separators the caller would skip anyway.
   */
  private atElse(): boolean {
    this.newlines();
    if (this.op(';') && this.peek2().kind === 'keyword' && this.peek2().text === 'else') this.advance();
    return this.is('keyword', 'else');
  }

  private forStatement(): Stmt {
    this.advance();
    this.expectOp('(');
    if (this.is('name') && this.peek2().kind === 'keyword' && this.peek2().text === 'in') {
      const v = this.advance().text;
      this.advance();
      const arr = this.advance();
      if (arr.kind !== 'name') this.error();
      if (this.op(')')) {
        this.advance();
        return { k: 'forin', v: { k: 'var', name: v }, arr: arr.text, body: this.body() };
      }
      this.error();
    }
    const init = this.op(';') ? null : this.simpleStatement();
    this.expectOp(';');
    this.newlines();
    const c = this.op(';') ? null : this.expr();
    this.expectOp(';');
    this.newlines();
    const step = this.op(')') ? null : this.simpleStatement();
    this.expectOp(')');
    if (this.op(';')) {
      this.advance();
      return { k: 'for', init, c, step, body: { k: 'block', body: [] } };
    }
    return { k: 'for', init, c, step, body: this.body() };
  }

  private simpleStatement(): Stmt {
    if (this.is('keyword', 'print') || this.is('keyword', 'printf')) return this.printStatement();
    return { k: 'expr', e: this.expr() };
  }

  private printStatement(): Stmt {
    const k = this.advance().text as 'print' | 'printf';
    let args: Expr[] = [];
    const saved = this.printDepth;
    this.printDepth = 0;
    if (!this.op(';') && !this.op('}') && !this.op('>') && !this.op('>>') && !this.op('|') && !this.is('newline') && !this.is('eof')) {
      args = [this.expr()];
      while (this.op(',')) {
        this.advance();
        this.newlines();
        args.push(this.expr());
      }
    }
    this.printDepth = saved;
    if (args.length === 1 && args[0]!.k === 'group' && args[0]!.items.length > 1) args = [...args[0]!.items];
    let redirect: Redirect | null = null;
    if (this.op('>') || this.op('>>') || this.op('|')) {
      const op = this.advance().text as '>' | '>>' | '|';
      redirect = { op, e: this.concat(true) };
    }
    if (k === 'printf' && args.length === 0) this.error();
    return { k, args, redirect };
  }

  // ─── expressions ──────────────────────────────────────────────────────────

  private exprList(close: string): Expr[] {
    const list: Expr[] = [];
    this.newlines();
    while (!this.op(close)) {
      list.push(this.expr());
      this.newlines();
      if (this.op(',')) {
        this.advance();
        this.newlines();
      } else if (!this.op(close)) this.error();
    }
    this.advance();
    return list;
  }

  expr(): Expr {
    const lhs = this.ternary();
    if (this.tok.kind === 'op' && ASSIGN_OPS.has(this.tok.text) && isLValue(lhs)) {
      const op = this.advance().text;
      this.newlines();
      return { k: 'assign', op, target: lhs, e: this.expr() };
    }
    // `/=` after an lvalue was read as a regex start by no one: the lexer gives `/=` only where division is possible.
    return lhs;
  }

  private ternary(): Expr {
    const c = this.or();
    if (!this.op('?')) return c;
    this.advance();
    this.newlines();
    const a = this.expr();
    this.newlines();
    this.expectOp(':');
    this.newlines();
    return { k: 'cond', c, a, b: this.expr() };
  }

  private or(): Expr {
    let a = this.and();
    while (this.op('||')) {
      this.advance();
      this.newlines();
      a = { k: 'or', a, b: this.and() };
    }
    return a;
  }

  private and(): Expr {
    let a = this.inExpr();
    while (this.op('&&')) {
      this.advance();
      this.newlines();
      a = { k: 'and', a, b: this.inExpr() };
    }
    return a;
  }

  private inExpr(): Expr {
    let a = this.matchExpr();
    while (this.is('keyword', 'in')) {
      this.advance();
      const name = this.advance();
      if (name.kind !== 'name') this.error();
      a = { k: 'in', subs: a.k === 'group' ? a.items : [a], name: name.text };
    }
    return a;
  }

  private matchExpr(): Expr {
    let a = this.relational();
    while (this.op('~') || this.op('!~')) {
      const neg = this.advance().text === '!~';
      a = { k: 'match', neg, a, re: this.relational() };
    }
    return a;
  }

  private relational(): Expr {
    const a = this.concat(false);
    const t = this.tok;
    if (t.kind === 'op' && REL_OPS.has(t.text) && !(this.printDepth === 0 && t.text === '>')) {
      this.advance();
      return { k: 'binop', op: t.text, a, b: this.concat(false) };
    }
    return a;
  }

  /** Whether the current token can start an operand of concatenation. */
  private startsOperand(): boolean {
    const t = this.tok;
    switch (t.kind) {
      case 'number': case 'string': case 'regex': case 'name': case 'funcname': case 'builtin': return true;
      case 'keyword': return t.text === 'getline';
      case 'op': return t.text === '$' || t.text === '(' || t.text === '!' || t.text === '-' || t.text === '+' || t.text === '++' || t.text === '--';
      default: return false;
    }
  }

  /** Concatenation; `noPipeGetline` for a redirection target. */
  private concat(noPipeGetline: boolean): Expr {
    let a = this.additive();
    for (;;) {
      if (!noPipeGetline && this.op('|') && this.peek2().kind === 'keyword' && this.peek2().text === 'getline') {
        this.advance();
        this.advance();
        const target = this.optionalLValue();
        a = { k: 'getline', target, file: null, cmd: a };
        continue;
      }
      const t = this.tok;
      // `-` and `+` here are binary (handled by additive); `!` would be `!=`/`!~` already lexed.
      if (!this.startsOperand() || (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '!'))) return a;
      if (t.kind === 'keyword' && t.text === 'in') return a;
      a = { k: 'concat', a, b: this.additive() };
    }
  }

  private additive(): Expr {
    let a = this.multiplicative();
    while (this.op('+') || this.op('-')) {
      const op = this.advance().text;
      a = { k: 'binop', op, a, b: this.multiplicative() };
    }
    return a;
  }

  private multiplicative(): Expr {
    let a = this.unary();
    while (this.op('*') || this.op('/') || this.op('%')) {
      const op = this.advance().text;
      a = { k: 'binop', op, a, b: this.unary() };
    }
    return a;
  }

  private unary(): Expr {
    if (this.op('!') || this.op('-') || this.op('+')) {
      const op = this.advance().text;
      return { k: 'unary', op, e: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const a = this.postfix();
    if (this.op('^')) {
      this.advance();
      // Right-associative, and the exponent may carry a sign: 2^-1.
      const b = this.op('-') || this.op('+') || this.op('!') ? this.unary() : this.power();
      return { k: 'binop', op: '^', a, b };
    }
    return a;
  }

  private postfix(): Expr {
    const e = this.primary();
    if ((this.op('++') || this.op('--')) && isLValue(e)) {
      const op = this.advance().text as '++' | '--';
      return { k: 'incdec', op, prefix: false, target: e };
    }
    return e;
  }

  private optionalLValue(): LValue | null {
    if (this.op('$')) {
      this.advance();
      return { k: 'field', e: this.fieldOperand() };
    }
    if (this.is('name')) {
      const name = this.advance().text;
      if (this.op('[')) {
        this.advance();
        return { k: 'index', name, subs: this.exprList(']') };
      }
      return { k: 'var', name };
    }
    return null;
  }

  /** What follows `$`: a primary (with prefix ++/-- and unary minus), no postfix. */
  private fieldOperand(): Expr {
    if (this.op('++') || this.op('--')) {
      const op = this.advance().text as '++' | '--';
      const target = this.primary();
      if (!isLValue(target)) this.error();
      return { k: 'incdec', op, prefix: true, target };
    }
    if (this.op('-') || this.op('+') || this.op('!')) {
      const op = this.advance().text;
      return { k: 'unary', op, e: this.fieldOperand() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.advance();
        return { k: 'num', v: t.value as number };
      case 'string':
        this.advance();
        return { k: 'str', v: t.value as string };
      case 'regex':
        this.advance();
        return { k: 'regex', re: t.value as string };
      case 'name': {
        this.advance();
        if (this.op('[')) {
          this.advance();
          return { k: 'index', name: t.text, subs: this.exprList(']') };
        }
        return { k: 'var', name: t.text };
      }
      case 'funcname': {
        this.advance();
        this.expectOp('(');
        return { k: 'call', name: t.text, args: this.exprList(')') };
      }
      case 'builtin': {
        this.advance();
        if (this.op('(')) {
          this.advance();
          return { k: 'builtin', name: t.text, args: this.exprList(')') };
        }
        if (t.text === 'length') return { k: 'builtin', name: 'length', args: [] };
        this.error();
        break;
      }
      case 'keyword':
        if (t.text === 'getline') {
          this.advance();
          const target = this.optionalLValue();
          let file: Expr | null = null;
          if (this.op('<')) {
            this.advance();
            file = this.postfix();
          }
          return { k: 'getline', target, file, cmd: null };
        }
        break;
      case 'op':
        if (t.text === '$') {
          this.advance();
          return { k: 'field', e: this.fieldOperand() };
        }
        if (t.text === '++' || t.text === '--') {
          this.advance();
          const target = this.primary();
          if (!isLValue(target)) this.error();
          return { k: 'incdec', op: t.text, prefix: true, target };
        }
        if (t.text === '(') {
          this.advance();
          const saved = this.printDepth;
          if (this.printDepth >= 0) this.printDepth++;
          this.newlines();
          const items = [this.expr()];
          this.newlines();
          while (this.op(',')) {
            this.advance();
            this.newlines();
            items.push(this.expr());
            this.newlines();
          }
          this.expectOp(')');
          this.printDepth = saved;
          if (items.length > 1 && !this.is('keyword', 'in') && this.printDepth !== 0) this.error();
          return items.length === 1 ? items[0]!.k === 'group' ? items[0]! : { k: 'group', items } : { k: 'group', items };
        }
        if (t.text === '-' || t.text === '+' || t.text === '!') return this.unary();
        break;
    }
    this.error();
  }
}

function isLValue(e: Expr): e is LValue {
  return e.k === 'var' || e.k === 'field' || e.k === 'index';
}

/**
 * Tokens of the awk language (POSIX awk, XCU awk "Lexical Conventions").
 *
 * A `/` starts a regular expression literal unless the token before it ends an operand (a
 * number, string, name, `)`, `]`, `$`-less incr/decr), where it divides — the lexer is told
 * which by `regexAllowed()`, decided from the previous token. A name followed at once by `(` is
 * a function call (FUNC_NAME); builtin function names and keywords are their own kinds.
 * Backslash-newline joins lines; `#` comments run to the end of the line. Newlines are tokens
 * (the parser skips them where the grammar allows).
 */

export class AwkSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

export type TokenKind = 'number' | 'string' | 'regex' | 'name' | 'funcname' | 'builtin' | 'keyword' | 'op' | 'newline' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** number: the value; string and regex: the unescaped text. */
  readonly value?: number | string;
  readonly line: number;
}

export const KEYWORDS = new Set(['BEGIN', 'END', 'function', 'func', 'if', 'else', 'while', 'for', 'do', 'break', 'continue',
  'next', 'nextfile', 'exit', 'return', 'delete', 'in', 'getline', 'print', 'printf']);
export const BUILTINS = new Set(['length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'sin', 'cos', 'atan2',
  'exp', 'log', 'sqrt', 'int', 'rand', 'srand', 'tolower', 'toupper', 'system', 'close', 'fflush']);

const OPS = ['+=', '-=', '*=', '/=', '%=', '^=', '**=', '**', '||', '&&', '==', '<=', '>=', '!=', '++', '--', '>>', '!~',
  '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '='];

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '/': '/', a: '\x07', b: '\b', f: '\f', v: '\v' };

export class Lexer {
  private pos = 0;
  line = 1;
  private last: Token | null = null;

  constructor(private readonly src: string) {}

  private error(message: string): never {
    throw new AwkSyntaxError(message, this.line);
  }

  /** Whether a `/` here starts a regex (the previous token does not end an operand). */
  private regexAllowed(): boolean {
    const t = this.last;
    if (!t) return true;
    if (t.kind === 'number' || t.kind === 'string' || t.kind === 'name' || t.kind === 'regex') return false;
    if (t.kind === 'builtin') return false;
    if (t.kind === 'keyword') return t.text !== 'getline';
    if (t.kind === 'op') return !(t.text === ')' || t.text === ']' || t.text === '$' || t.text === '++' || t.text === '--');
    return true;
  }

  next(): Token {
    const t = this.scan();
    this.last = t;
    return t;
  }

  private scan(): Token {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') {
        this.pos += 2;
        this.line++;
      } else if (c === '\\' && s[this.pos + 1] === '\r' && s[this.pos + 2] === '\n') {
        this.pos += 3;
        this.line++;
      } else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else break;
    }
    const line = this.line;
    const c = s[this.pos];
    if (c === undefined) return { kind: 'eof', text: '', line };
    if (c === '\n') {
      this.pos++;
      this.line++;
      return { kind: 'newline', text: '\n', line };
    }
    if (c === '"') return this.string(line);
    if (c === '/' && this.regexAllowed()) return this.regex(line);
    const num = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(s.slice(this.pos, this.pos + 64));
    if (num) {
      this.pos += num[0].length;
      return { kind: 'number', text: num[0], value: Number(num[0]), line };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.pos, this.pos + 256));
    if (name) {
      const text = name[0];
      this.pos += text.length;
      if (KEYWORDS.has(text)) return { kind: 'keyword', text: text === 'func' ? 'function' : text, line };
      if (BUILTINS.has(text)) return { kind: 'builtin', text, line };
      if (s[this.pos] === '(') return { kind: 'funcname', text, line };
      return { kind: 'name', text, line };
    }
    for (const op of OPS) {
      if (s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { kind: 'op', text: op === '**' ? '^' : op === '**=' ? '^=' : op, line };
      }
    }
    this.error(`syntax error at or near ${c}`);
  }

  private string(line: number): Token {
    const s = this.src;
    let out = '';
    this.pos++;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined || c === '\n') this.error('runaway string constant');
      this.pos++;
      if (c === '"') break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const n = s[this.pos];
      if (n === undefined) this.error('runaway string constant');
      if (n === '\n') {
        this.pos++;
        this.line++;
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(s.slice(this.pos, this.pos + 3));
      if (oct) {
        out += String.fromCharCode(parseInt(oct[0], 8));
        this.pos += oct[0].length;
        continue;
      }
      this.pos++;
      out += ESCAPES[n] ?? `\\${n}`;
    }
    return { kind: 'string', text: out, value: out, line };
  }

  private regex(line: number): Token {
    const s = this.src;
    let out = '';
    this.pos++;
    let inBracket = false;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined || c === '\n') this.error('runaway regular expression');
      this.pos++;
      if (c === '\\') {
        const n = s[this.pos++];
        if (n === undefined) this.error('runaway regular expression');
        out += n === '/' ? '/' : `\\${n}`;
        continue;
      }
      if (inBracket) {
        if (c === ']' && !/\[\^?$/.test(out)) inBracket = false;
      } else if (c === '[') inBracket = true;
      else if (c === '/') break;
      out += c;
    }
    return { kind: 'regex', text: out, value: out, line };
  }
}

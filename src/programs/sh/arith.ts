/**
 * Shell arithmetic (XCU 2.6.4): the C integer expressions of `$(( … ))`, on signed 64-bit
 * integers that wrap as dash's intmax_t does.
 *
 * Operators, by precedence: ( ) · unary + - ~ ! · * / % · + - · << >> · < <= > >= · == != · & ·
 * ^ · | · && · || · ?: · = *= /= %= += -= <<= >>= &= ^= |= (right to left). Constants are decimal,
 * octal (leading 0) or hexadecimal (0x). A name stands for its variable's value, which must be
 * such a constant (blanks around it allowed; unset or empty is 0). && || and ?: do not evaluate
 * the side they skip (no assignment, no division error there).
 *
 * Interface: `evalArith(text, vars)` → the value as a bigint, or throws ArithError whose message
 * is what dash prints after `NAME: LINE: `.
 */

export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok =
  | { readonly k: 'num'; readonly v: bigint }
  | { readonly k: 'name'; readonly v: string }
  | { readonly k: 'op'; readonly v: string }
  | { readonly k: 'end' };

const OPS = ['<<=', '>>=', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=',
  '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '?', ':', '=', '(', ')'];
const ASSIGN_OPS = new Set(['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=']);
const BINARY: readonly (readonly string[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** A constant as C reads it (0x hex, 0 octal, else decimal), or null. */
export function parseConstant(text: string): bigint | null {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return wrap(BigInt(text));
  if (/^0[0-7]*$/.test(text)) return wrap(BigInt(`0o${text.slice(1) || '0'}`));
  if (/^[1-9][0-9]*$/.test(text)) return wrap(BigInt(text));
  return null;
}

export function evalArith(text: string, vars: ArithVars): bigint {
  return new ArithParser(text, vars).run();
}

class ArithParser {
  private pos = 0;
  private tok: Tok = { k: 'end' };
  /** >0 while in a branch that must not take effect. */
  private skip = 0;

  constructor(private readonly text: string, private readonly vars: ArithVars) {}

  private fail(what: string): never {
    throw new ArithError(`arithmetic expression: ${what}: "${this.text}"`);
  }

  /** The current token (a method, so that TypeScript does not keep a narrowing across advance()). */
  private cur(): Tok {
    return this.tok;
  }

  run(): bigint {
    this.advance();
    if (this.cur().k === 'end') return 0n;
    const v = this.assignment();
    if (this.cur().k !== 'end') this.fail('expecting EOF');
    return v;
  }

  private advance(): void {
    const s = this.text;
    while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
    if (this.pos >= s.length) {
      this.tok = { k: 'end' };
      return;
    }
    const rest = s.slice(this.pos);
    const num = /^[0-9][0-9A-Za-z_]*/.exec(rest);
    if (num) {
      const v = parseConstant(num[0]);
      if (v === null) this.fail('expecting EOF');
      this.tok = { k: 'num', v };
      this.pos += num[0].length;
      return;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      this.tok = { k: 'name', v: name[0] };
      this.pos += name[0].length;
      return;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (!op) this.fail('expecting primary');
    this.tok = { k: 'op', v: op };
    this.pos += op.length;
  }

  private isOp(...ops: string[]): string | null {
    return this.tok.k === 'op' && ops.includes(this.tok.v) ? this.tok.v : null;
  }

  private value(name: string): bigint {
    const raw = this.vars.get(name);
    const t = raw?.trim() ?? '';
    if (t === '') return 0n;
    const neg = t.startsWith('-');
    const v = parseConstant(neg || t.startsWith('+') ? t.slice(1) : t);
    if (v === null) throw new ArithError(`Illegal number: ${raw}`);
    return neg ? wrap(-v) : v;
  }

  private assignment(): bigint {
    if (this.tok.k === 'name') {
      const save = { pos: this.pos, tok: this.tok };
      const name = this.tok.v;
      this.advance();
      const t = this.cur();
      const op = t.k === 'op' && ASSIGN_OPS.has(t.v) ? t.v : null;
      if (op) {
        this.advance();
        const rhs = this.assignment();
        if (this.skip > 0) return rhs;
        const v = op === '=' ? rhs : this.apply(op.slice(0, -1), this.value(name), rhs);
        this.vars.set(name, String(v));
        return v;
      }
      this.pos = save.pos;
      this.tok = save.tok;
    }
    return this.conditional();
  }

  private conditional(): bigint {
    const cond = this.binary(0);
    if (!this.isOp('?')) return cond;
    this.advance();
    if (cond === 0n) this.skip++;
    const a = this.assignment();
    if (cond === 0n) this.skip--;
    if (!this.isOp(':')) this.fail("expecting ':'");
    this.advance();
    if (cond !== 0n) this.skip++;
    const b = this.conditional();
    if (cond !== 0n) this.skip--;
    return cond !== 0n ? a : b;
  }

  private binary(level: number): bigint {
    if (level >= BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    for (let op = this.isOp(...BINARY[level]!); op; op = this.isOp(...BINARY[level]!)) {
      this.advance();
      if (op === '&&' || op === '||') {
        const decided = op === '&&' ? left === 0n : left !== 0n;
        if (decided) this.skip++;
        const right = this.binary(level + 1);
        if (decided) this.skip--;
        left = decided ? (op === '||' ? 1n : 0n) : right !== 0n ? 1n : 0n;
        continue;
      }
      left = this.apply(op, left, this.binary(level + 1));
    }
    return left;
  }

  private apply(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) {
          if (this.skip > 0) return 0n;
          this.fail('division by zero');
        }
        return wrap(op === '/' ? a / b : a % b);
      case '<<': return wrap(a << (b & 63n));
      case '>>': return a >> (b & 63n);
      case '<': return a < b ? 1n : 0n;
      case '<=': return a <= b ? 1n : 0n;
      case '>': return a > b ? 1n : 0n;
      case '>=': return a >= b ? 1n : 0n;
      case '==': return a === b ? 1n : 0n;
      case '!=': return a !== b ? 1n : 0n;
      case '&': return a & b;
      case '^': return a ^ b;
      case '|': return a | b;
      default: return this.fail('expecting primary');
    }
  }

  private unary(): bigint {
    const op = this.isOp('+', '-', '~', '!');
    if (op) {
      this.advance();
      const v = this.unary();
      return op === '+' ? v : op === '-' ? wrap(-v) : op === '~' ? ~v : v === 0n ? 1n : 0n;
    }
    return this.primary();
  }

  private primary(): bigint {
    const t = this.tok;
    if (t.k === 'num') {
      this.advance();
      return t.v;
    }
    if (t.k === 'name') {
      this.advance();
      return this.skip > 0 ? 0n : this.value(t.v);
    }
    if (this.isOp('(')) {
      this.advance();
      const v = this.assignment();
      if (!this.isOp(')')) this.fail("expecting ')'");
      this.advance();
      return v;
    }
    return this.fail('expecting primary');
  }
}

/**
 * expr EXPRESSION: evaluate an expression and print its value, as GNU expr.
 *
 * Operators by precedence (lowest first): `|`, `&`, `< <= = == != >= >`, `+ -`, `* / %`, `:`
 * (match against a BRE anchored at the start: the length of the match, or the first \( \) group),
 * and the functions `match STRING REGEX`, `substr STRING POS LENGTH`, `index STRING CHARS`,
 * `length STRING`, `+ TOKEN`; parentheses group. Numbers are arbitrary-precision integers.
 * Status: 0 when the value is neither empty nor 0, 1 when it is, 2 for a usage or syntax error,
 * 3 for an evaluation error (division by zero).
 */

import type { Sys } from '../../sys/sys.js';
import { toJsRegExp } from '../lib/posix-regex.js';

class ExprError extends Error {
  constructor(message: string, readonly status = 2) {
    super(message);
  }
}

type Value = string | bigint;

const isInt = (v: Value): boolean => typeof v === 'bigint' || /^[-+]?[0-9]+$/.test(v);
const toInt = (v: Value): bigint => {
  if (!isInt(v)) throw new ExprError('non-integer argument');
  return typeof v === 'bigint' ? v : BigInt(v);
};
const str = (v: Value): string => (typeof v === 'bigint' ? v.toString() : v);
const truthy = (v: Value): boolean => (typeof v === 'bigint' ? v !== 0n : v !== '' && !/^-?0+$/.test(v));

class Parser {
  private i = 0;
  constructor(private readonly args: readonly string[]) {}

  run(): Value {
    const v = this.or();
    if (this.i < this.args.length) throw new ExprError(`syntax error: unexpected argument '${this.args[this.i]!}'`);
    return v;
  }

  private peek(): string | undefined {
    return this.args[this.i];
  }

  private or(): Value {
    let v = this.and();
    while (this.peek() === '|') {
      this.i++;
      const r = this.and();
      v = truthy(v) ? v : truthy(r) ? r : 0n;
    }
    return v;
  }

  private and(): Value {
    let v = this.compare();
    while (this.peek() === '&') {
      this.i++;
      const r = this.compare();
      v = truthy(v) && truthy(r) ? v : 0n;
    }
    return v;
  }

  private compare(): Value {
    let v = this.add();
    for (let op = this.peek(); op !== undefined && ['<', '<=', '=', '==', '!=', '>=', '>'].includes(op); op = this.peek()) {
      this.i++;
      const r = this.add();
      let c: number;
      if (isInt(v) && isInt(r)) {
        const a = toInt(v), b = toInt(r);
        c = a < b ? -1 : a > b ? 1 : 0;
      } else {
        const a = str(v), b = str(r);
        c = a < b ? -1 : a > b ? 1 : 0;
      }
      const t = op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '=' || op === '==' ? c === 0 : op === '!=' ? c !== 0 : op === '>=' ? c >= 0 : c > 0;
      v = t ? 1n : 0n;
    }
    return v;
  }

  private add(): Value {
    let v = this.mul();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.i++;
      const r = this.mul();
      v = op === '+' ? toInt(v) + toInt(r) : toInt(v) - toInt(r);
    }
    return v;
  }

  private mul(): Value {
    let v = this.match();
    for (let op = this.peek(); op === '*' || op === '/' || op === '%'; op = this.peek()) {
      this.i++;
      const r = toInt(this.match());
      const l = toInt(v);
      if (op !== '*' && r === 0n) throw new ExprError('division by zero', 2);
      v = op === '*' ? l * r : op === '/' ? l / r : l % r;
    }
    return v;
  }

  private match(): Value {
    let v = this.primary();
    while (this.peek() === ':') {
      this.i++;
      v = matchRe(str(v), str(this.primary()));
    }
    return v;
  }

  private operand(): string {
    const t = this.args[this.i++];
    if (t === undefined) throw new ExprError(`syntax error: missing argument after '${this.args[this.i - 2] ?? ''}'`);
    return t;
  }

  private primary(): Value {
    const t = this.peek();
    if (t === undefined) throw new ExprError(this.i === 0 ? 'missing operand' : `syntax error: missing argument after '${this.args[this.i - 1]!}'`);
    this.i++;
    switch (t) {
      case '(': {
        const v = this.or();
        if (this.peek() !== ')') throw new ExprError(`syntax error: expecting ')'${this.peek() === undefined ? ` after '${this.args[this.i - 1]!}'` : ` instead of '${this.peek()!}'`}`);
        this.i++;
        return v;
      }
      case '+': return this.operand();
      case 'length': return BigInt(Array.from(str(this.primary())).length);
      case 'match': {
        const s = str(this.primary());
        return matchRe(s, str(this.primary()));
      }
      case 'substr': {
        const s = Array.from(str(this.primary()));
        const pos = toIntOr0(this.primary());
        const len = toIntOr0(this.primary());
        if (pos < 1n || len < 1n) return '';
        return s.slice(Number(pos) - 1, Number(pos) - 1 + Number(len)).join('');
      }
      case 'index': {
        const s = Array.from(str(this.primary()));
        const chars = str(this.primary());
        const at = s.findIndex((c) => chars.includes(c));
        return BigInt(at + 1);
      }
      default: return t;
    }
  }
}

function toIntOr0(v: Value): bigint {
  return isInt(v) ? toInt(v) : -1n;
}

function matchRe(s: string, pattern: string): Value {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${toJsRegExp(pattern, true)})`);
  } catch (e) {
    throw new ExprError(e instanceof Error ? e.message : String(e));
  }
  const m = re.exec(s);
  const grouped = /\\\(/.test(pattern);
  if (!m) return grouped ? '' : 0n;
  return grouped ? m[1] ?? '' : BigInt(Array.from(m[0]).length);
}

export function main(sys: Sys): number {
  let args = sys.args.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sys.write(2, "expr: missing operand\nTry 'expr --help' for more information.\n");
    return 2;
  }
  try {
    const v = new Parser(args).run();
    sys.write(1, `${str(v)}\n`);
    return truthy(v) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    sys.write(2, `expr: ${e.message}\n`);
    return e.status;
  }
}

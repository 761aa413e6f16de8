/**
 * awk's string and number helpers that need no interpreter state: splitting on a regular
 * expression, sub/gsub's substitution (`&` is the match, `\\&` a literal &), the arithmetic
 * operators, C's rint, and the escape sequences of -v and command-line assignments.
 */

import { AwkRuntimeError } from './errors.js';

/** `text` split where `re` matches (never on an empty match; groups in `re` add nothing). */
export function splitRegex(text: string, re: RegExp): string[] {
  const g = new RegExp(re.source, `${re.flags.replace('g', '')}g`);
  const out: string[] = [];
  let last = 0;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    if (m[0] === '') {
      g.lastIndex++;
      if (g.lastIndex > text.length) break;
      continue;
    }
    out.push(text.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

export function arith(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
      if (b === 0) throw new AwkRuntimeError('division by zero');
      return a / b;
    case '%':
      if (b === 0) throw new AwkRuntimeError('division by zero in %');
      return a % b;
    case '^': return a ** b;
    default: throw new AwkRuntimeError(`unknown operator ${op}`);
  }
}

/** Round half to even, as C's rint (substr's positions). */
export function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sub/gsub: `&` is the match, `\&` a literal &, `\\` a backslash. */
export function substitute(text: string, re: RegExp, repl: string, global: boolean): { text: string; count: number } {
  const g = new RegExp(re.source, `${re.flags.replace('g', '')}g`);
  let out = '', last = 0, count = 0, prevEnd = -1;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    const empty = m[0] === '';
    if (!(empty && m.index === prevEnd)) {
      count++;
      out += text.slice(last, m.index) + expand(repl, m[0]);
      last = m.index + m[0].length;
      if (!global) break;
    }
    prevEnd = m.index + m[0].length;
    if (empty) g.lastIndex++;
    if (g.lastIndex > text.length) break;
  }
  return count === 0 ? { text, count } : { text: out + text.slice(last), count };
}

function expand(repl: string, matched: string): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === '\\' && (repl[i + 1] === '&' || repl[i + 1] === '\\')) out += repl[++i];
    else if (c === '&') out += matched;
    else out += c;
  }
  return out;
}

/** Escape sequences in -v and command-line assignments, as in string literals. */
export function unescape(s: string): string {
  return s.replace(/\\([0-7]{1,3}|.)/g, (_m, c: string) => {
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '/': '/', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[c] ?? `\\${c}`;
  });
}

/**
 * awk's values (POSIX awk "Expressions in awk"): numbers, strings, and numeric strings — text
 * from input (fields, getline, split(), ARGV, ENVIRON, -v) that looks like a number, which
 * compares as a number against numbers and as a string against strings. The uninitialized value
 * is the numeric string "" / 0.
 *
 * Conversions: a number becomes a string as an integer when it is one, else through CONVFMT
 * (OFMT when printed); a string becomes a number from its leading numeric prefix (strtod-like,
 * decimal only, as mawk), 0 if none. sprintf is C's printf on awk values.
 */

import { type Spec, formatFloat, formatInteger, pad } from '../lib/printf-format.js';

export class StrNum {
  constructor(readonly s: string, readonly n: number) {}
}

export type Value = number | string | StrNum;

export const UNINIT = new StrNum('', 0);

const NUMERIC = /^[ \t\n\r\f\v]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\f\v]*$/;
const PREFIX = /^[ \t\n\r\f\v]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/;

/** Input text as a value: a numeric string when it looks like a number. */
export function input(s: string): Value {
  return NUMERIC.test(s) ? new StrNum(s, Number(s.trim())) : s;
}

export function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof StrNum) return v.n;
  const m = PREFIX.exec(v);
  return m ? Number(m[1]) : 0;
}

/** A number as awk writes it: an integer as such, anything else through `fmt` (CONVFMT or OFMT). */
export function numberToString(n: number, fmt: string): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  if (Number.isNaN(n)) return n < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(n)) return n < 0 ? '-inf' : 'inf';
  return sprintf(fmt, [n]);
}

export function toStr(v: Value, fmt: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof StrNum) return v.s;
  return numberToString(v, fmt);
}

export function isNumeric(v: Value): boolean {
  return typeof v === 'number' || v instanceof StrNum;
}

export function truthy(v: Value): boolean {
  if (typeof v === 'number') return v !== 0;
  if (v instanceof StrNum) return v.n !== 0;
  return v !== '';
}

/** -1, 0 or 1: numbers (and numeric strings) numerically, anything else as strings. */
export function compare(a: Value, b: Value, convfmt: string): number {
  if (isNumeric(a) && isNumeric(b)) {
    const x = toNumber(a), y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toStr(a, convfmt), y = toStr(b, convfmt);
  return x < y ? -1 : x > y ? 1 : 0;
}

const DIRECTIVE = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/y;

/** sprintf(format, args) with awk's conversions (missing arguments are empty / 0). */
export function sprintf(format: string, args: readonly Value[], convfmt = '%.6g'): string {
  let out = '';
  let argi = 0;
  const next = (): Value => (argi < args.length ? args[argi++]! : UNINIT);
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    DIRECTIVE.lastIndex = pct;
    const m = DIRECTIVE.exec(format);
    if (!m) {
      out += '%';
      i = pct + 1;
      continue;
    }
    i = DIRECTIVE.lastIndex;
    const conv = m[4]!;
    if (conv === '%') {
      out += '%';
      continue;
    }
    let flags = m[1]!;
    let width = m[2] === undefined ? null : m[2] === '*' ? Math.trunc(toNumber(next())) : Number(m[2]);
    if (width !== null && width < 0) {
      flags += '-';
      width = -width;
    }
    let precision = m[3] === undefined ? null : m[3] === '*' ? Math.trunc(toNumber(next())) : Number(m[3] || '0');
    if (precision !== null && precision < 0) precision = null;
    const spec: Spec = { flags, width, precision, conv };
    const arg = next();
    switch (conv) {
      case 'd':
      case 'i': {
        const n = toNumber(arg);
        if (!Number.isFinite(n)) {
          out += pad({ ...spec, conv: 'd' }, n < 0 ? '-' : flags.includes('+') ? '+' : '', '', Number.isNaN(n) ? 'nan' : 'inf', false);
          break;
        }
        out += formatInteger({ ...spec, conv: 'd' }, BigInt(Math.trunc(n)));
        break;
      }
      case 'o': case 'x': case 'X': case 'u': {
        const n = toNumber(arg);
        out += formatInteger(spec, BigInt(Number.isFinite(n) ? Math.trunc(n) : 0));
        break;
      }
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        out += formatFloat(spec, toNumber(arg));
        break;
      case 'c': {
        const ch = typeof arg === 'number' ? String.fromCodePoint(Math.trunc(arg) & 0x1fffff) : Array.from(toStr(arg, convfmt))[0] ?? '';
        out += pad(spec, '', '', ch, false);
        break;
      }
      case 's': {
        const s = toStr(arg, convfmt);
        out += pad(spec, '', '', precision === null ? s : Array.from(s).slice(0, precision).join(''), false);
        break;
      }
      default:
        out += m[0];
        argi--;
    }
  }
  return out;
}

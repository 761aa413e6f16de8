/**
 * od [-A d|o|x|n] [-t TYPE]... [-abcdox] [-j SKIP] [-N COUNT] [-w WIDTH] [-v] [FILE...]: dump bytes
 * in the forms TYPE names, as GNU od: a (named characters), c (characters and escapes), d, o, u, x
 * with a size of 1, 2, 4 or 8 (C, S, I, L too), little-endian. -b -c -d -o -x are -t o1, c, u2,
 * o2, x2. Lines hold WIDTH bytes (16); several types print one line each, aligned; a line equal to
 * the previous one is shown as `*` unless -v. Addresses: octal (7 digits) by default.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

interface Type { readonly kind: string; readonly size: number }

const NAMES = ['nul', 'soh', 'stx', 'etx', 'eot', 'enq', 'ack', 'bel', 'bs', 'ht', 'nl', 'vt', 'ff', 'cr', 'so', 'si', 'dle',
  'dc1', 'dc2', 'dc3', 'dc4', 'nak', 'syn', 'etb', 'can', 'em', 'sub', 'esc', 'fs', 'gs', 'rs', 'us', 'sp'];
const C_ESC: Readonly<Record<number, string>> = { 0: '\\0', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
const SIZES: Readonly<Record<string, number>> = { C: 1, S: 2, I: 4, L: 8 };

function parseType(spec: string): Type[] | string {
  const out: Type[] = [];
  let i = 0;
  while (i < spec.length) {
    const kind = spec[i++]!;
    if (kind === 'a' || kind === 'c') {
      out.push({ kind, size: 1 });
      continue;
    }
    if (!'doux'.includes(kind)) return `invalid character '${kind}' in type string '${spec}'`;
    let size = kind === 'd' || kind === 'u' || kind === 'o' || kind === 'x' ? 4 : 1;
    const m = /^([0-9]+|[CSIL])/.exec(spec.slice(i));
    if (m) {
      size = SIZES[m[1]!] ?? Number(m[1]);
      i += m[1]!.length;
      if (![1, 2, 4, 8].includes(size)) return `invalid type string '${spec}';\nthis system doesn't provide a ${size}-byte integral type`;
    }
    out.push({ kind, size });
  }
  return out;
}

/** Digits a value of this type needs (without the separating space). */
function digits(t: Type): number {
  if (t.kind === 'a' || t.kind === 'c') return 3;
  const bits = t.size * 8;
  const max = (1n << BigInt(bits)) - 1n;
  if (t.kind === 'o') return max.toString(8).length;
  if (t.kind === 'x') return max.toString(16).length;
  if (t.kind === 'u') return max.toString(10).length;
  return (1n << BigInt(bits - 1)).toString(10).length + 1;
}

function render(t: Type, bytes: Uint8Array, at: number): string {
  if (t.kind === 'a') {
    const b = bytes[at]! & 0x7f;
    return b === 127 ? 'del' : b <= 32 ? NAMES[b]! : String.fromCharCode(b);
  }
  if (t.kind === 'c') {
    const b = bytes[at]!;
    return C_ESC[b] ?? (b >= 32 && b < 127 ? String.fromCharCode(b) : b.toString(8).padStart(3, '0'));
  }
  let v = 0n;
  for (let k = t.size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k] ?? 0);
  if (t.kind === 'd') v = BigInt.asIntN(t.size * 8, v);
  const text = t.kind === 'o' ? v.toString(8) : t.kind === 'x' ? v.toString(16) : v.toString(10);
  return t.kind === 'o' || t.kind === 'x' ? text.padStart(digits(t), '0') : text;
}

export function main(sys: Sys): number {
  let radix = 'o';
  const types: Type[] = [];
  let skip = 0, count = Infinity, width = 16, verbose = false;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const value = (): string => {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i] ?? '';
        j = a.length;
        return v;
      };
      if (c === 'A') radix = value();
      else if (c === 't') {
        const t = parseType(value());
        if (typeof t === 'string') return usage(sys, 'od', t);
        types.push(...t);
      } else if (c === 'j') skip = Number(value());
      else if (c === 'N') count = Number(value());
      else if (c === 'w') {
        const v = j + 1 < a.length ? a.slice(j + 1) : '32';
        j = a.length;
        width = Number(v);
      } else if (c === 'v') verbose = true;
      else if (c === 'a') types.push({ kind: 'a', size: 1 });
      else if (c === 'b') types.push({ kind: 'o', size: 1 });
      else if (c === 'c') types.push({ kind: 'c', size: 1 });
      else if (c === 'd') types.push({ kind: 'u', size: 2 });
      else if (c === 'o') types.push({ kind: 'o', size: 2 });
      else if (c === 'x') types.push({ kind: 'x', size: 2 });
      else return usage(sys, 'od', `invalid option -- '${c}'`);
    }
  }
  if (!'doxn'.includes(radix) || radix.length !== 1) return usage(sys, 'od', `invalid output address radix '${radix}'; it must be one character from [doxn]`);
  if (types.length === 0) types.push({ kind: 'o', size: 2 });
  let data: Uint8Array;
  try {
    const parts = (files.length > 0 ? files : ['-']).map((f) => (f === '-' ? sys.readAll(0) : sys.readFile(f)));
    data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      data.set(p, off);
      off += p.length;
    }
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `od: ${e.path ?? ''}: ${errorText(e.errno)}\n`);
    return 1;
  }
  data = data.subarray(Math.min(skip, data.length), Number.isFinite(count) ? Math.min(data.length, skip + count) : data.length);
  const perByte = Math.max(...types.map((t) => (digits(t) + 1) / t.size));
  const fieldWidth = (t: Type): number => Math.max(digits(t) + 1, Math.ceil(perByte * t.size));
  const address = (n: number): string => (radix === 'n' ? '' : radix === 'd' ? String(n).padStart(7, '0') : radix === 'x' ? n.toString(16).padStart(6, '0') : n.toString(8).padStart(7, '0'));
  const indent = radix === 'n' ? '' : ' '.repeat(address(0).length);
  const out = sys.writer(1);
  let previous: string | null = null;
  let starred = false;
  for (let off = 0; off < data.length; off += width) {
    const line = data.subarray(off, off + width);
    const body = types.map((t) => {
      let s = '';
      for (let k = 0; k < line.length; k += t.size) s += render(t, line, k).padStart(fieldWidth(t));
      return s;
    });
    const key = body.join('\n');
    if (!verbose && key === previous && line.length === width) {
      if (!starred) out.line('*');
      starred = true;
      continue;
    }
    starred = false;
    previous = key;
    body.forEach((b, k) => out.line(`${k === 0 ? address(skip + off) : indent}${b}`));
  }
  if (radix !== 'n') out.line(address(skip + data.length));
  try {
    out.flush();
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return 0;
}

/**
 * seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST: print the numbers FIRST (default 1), FIRST+INCREMENT
 * (default 1), … while not past LAST, separated by SEP (default a newline), then a newline.
 *
 * Numbers are decimals (`-2`, `0.5`, `.25`); the arithmetic is exact (scaled BigInts), so
 * `seq 0 0.1 1` ends at 1.0. As GNU seq, the output has as many decimals as FIRST or INCREMENT
 * (the larger), and -w pads with zeros (after a minus sign) to the widest of the first and last
 * numbers printed. Negative numbers are operands, not options. A zero INCREMENT or a bad number is
 * an error (status 1); a reader that went away ends seq quietly with status 1.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

interface Decimal { readonly digits: bigint; readonly scale: number }

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function parseDecimal(text: string): Decimal | null {
  const m = NUMBER.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = m[3] ?? '';
  const digits = BigInt(`${m[2] || '0'}${frac}`);
  return { digits: m[1] === '-' ? -digits : digits, scale: frac.length };
}

/** `d` at `scale` (>= d.scale) as an integer. */
const scaled = (d: Decimal, scale: number): bigint => d.digits * 10n ** BigInt(scale - d.scale);

/** `v` (at `scale`) printed with `decimals` digits after the point (v is exact at that). */
function format(v: bigint, scale: number, decimals: number): string {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  s = decimals > 0 ? `${int}.${s.slice(s.length - scale).slice(0, decimals).padEnd(decimals, '0')}` : int;
  return neg ? `-${s}` : s;
}

function usage(sys: Sys, message: string): number {
  sys.write(2, `seq: ${message}\nTry 'seq --help' for more information.\n`);
  return 1;
}

export function main(sys: Sys): number {
  // Negative numbers are operands: hide them from the option parser behind placeholders.
  const raw = sys.args.slice(1);
  const hidden = raw.map((a, i) => (/^-\.?\d/.test(a) ? `\u0000${i}` : a));
  const unhide = (a: string): string => (a.startsWith('\u0000') ? raw[Number(a.slice(1))]! : a);
  const o = parseOptions(hidden, { flags: 'w', values: 's', long: { separator: 's', 'equal-width': 'w' } });
  if (typeof o === 'string') return usage(sys, o);
  const operands = o.operands.map(unhide);
  if (operands.length === 0) return usage(sys, 'missing operand');
  if (operands.length > 3) return usage(sys, `extra operand '${operands[3]!}'`);
  const nums: Decimal[] = [];
  for (const text of operands) {
    const d = parseDecimal(text);
    if (d === null) return usage(sys, `invalid floating point argument: '${text}'`);
    nums.push(d);
  }
  const one: Decimal = { digits: 1n, scale: 0 };
  const [first, incr, last] = nums.length === 1 ? [one, one, nums[0]!] : nums.length === 2 ? [nums[0]!, one, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (incr.digits === 0n) return usage(sys, `invalid Zero increment value: '${operands[1]!}'`);
  const scale = Math.max(first.scale, incr.scale, last.scale);
  const decimals = Math.max(first.scale, incr.scale);
  const a = scaled(first, scale), step = scaled(incr, scale), z = scaled(last, scale);
  if (step > 0n ? a > z : a < z) return 0;
  const count = (z - a) / step; // non-negative; BigInt division truncates, i.e. floors here
  let width = 0;
  if (o.flags.has('w')) width = Math.max(format(a, scale, decimals).length, format(a + count * step, scale, decimals).length);
  const pad = (s: string): string => (s.length >= width ? s : s.startsWith('-') ? `-${s.slice(1).padStart(width - 1, '0')}` : s.padStart(width, '0'));
  const sep = unhide(o.values.get('s') ?? '\n');
  const out = sys.writer(1);
  try {
    for (let k = 0n; k <= count; k++) {
      out.write((k > 0n ? sep : '') + pad(format(a + k * step, scale, decimals)));
    }
    out.write('\n');
    out.flush();
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return 0;
}

/**
 * tr [-cdst] SET1 [SET2]: translate, squeeze or delete bytes of standard input, as GNU tr does
 * in the C locale (byte by byte).
 *
 * SETs: characters; ranges `a-z`; escapes \\ \a \b \f \n \r \t \v \NNN (octal); classes
 * [:alnum:] [:alpha:] [:blank:] [:cntrl:] [:digit:] [:graph:] [:lower:] [:print:] [:punct:]
 * [:space:] [:upper:] [:xdigit:]; [=c=]; and in SET2 [c*N] / [c*] (repeat). Translation maps each
 * byte of SET1 to the byte at the same place in SET2, SET2 extended with its last byte (unless
 * -t, which truncates SET1 instead). -c uses the complement of SET1 (in byte order); -d deletes
 * SET1's bytes; -s squeezes runs of one byte of the last set given into one.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { usage } from '../lib/inputs.js';

const CLASSES: Readonly<Record<string, (b: number) => boolean>> = {
  alnum: (b) => isAlpha(b) || isDigit(b),
  alpha: (b) => isAlpha(b),
  blank: (b) => b === 32 || b === 9,
  cntrl: (b) => b < 32 || b === 127,
  digit: (b) => isDigit(b),
  graph: (b) => b > 32 && b < 127,
  lower: (b) => b >= 97 && b <= 122,
  print: (b) => b >= 32 && b < 127,
  punct: (b) => b > 32 && b < 127 && !isAlpha(b) && !isDigit(b),
  space: (b) => b === 32 || (b >= 9 && b <= 13),
  upper: (b) => b >= 65 && b <= 90,
  xdigit: (b) => isDigit(b) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102),
};

function isAlpha(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

class TrError extends Error {}

const ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** A set's bytes in order; a repeat `[c*N]` (N 0: fill) is kept as a marker for SET2. */
type Item = number | { readonly fill: number; readonly count: number };

function parseSet(text: string, second: boolean): Item[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  const out: Item[] = [];
  let i = 0;
  const one = (): number => {
    const b = bytes[i]!;
    if (b !== 92 || i + 1 >= bytes.length) {
      i++;
      return b;
    }
    const n = bytes[i + 1]!;
    if (n >= 48 && n <= 55) {
      let v = 0, k = i + 1;
      while (k < bytes.length && k < i + 4 && bytes[k]! >= 48 && bytes[k]! <= 55) v = v * 8 + bytes[k++]! - 48;
      i = k;
      return v & 255;
    }
    i += 2;
    return ESCAPES[String.fromCharCode(n)] ?? n;
  };
  while (i < bytes.length) {
    const rest = String.fromCharCode(...bytes.slice(i, i + 20));
    const cls = /^\[:([a-z]+):\]/.exec(rest);
    if (cls) {
      const test = CLASSES[cls[1]!];
      if (!test) throw new TrError(`invalid character class '${cls[1]!}'`);
      for (let b = 0; b < 256; b++) if (test(b)) out.push(b);
      i += cls[0].length;
      continue;
    }
    const eq = /^\[=(.)=\]/.exec(rest);
    if (eq) {
      out.push(eq[1]!.charCodeAt(0));
      i += eq[0].length;
      continue;
    }
    if (second && bytes[i] === 91 && i + 2 < bytes.length) {
      const save = i;
      i++;
      const c = one();
      if (bytes[i] === 42) {
        const m = /^\*([0-9]*)\]/.exec(String.fromCharCode(...bytes.slice(i, i + 20)));
        if (m) {
          i += m[0].length;
          const count = m[1] === '' ? 0 : m[1]!.startsWith('0') ? parseInt(m[1]!, 8) : Number(m[1]);
          out.push({ fill: c, count });
          continue;
        }
      }
      i = save;
    }
    const lo = one();
    if (bytes[i] === 45 && i + 1 < bytes.length) {
      i++;
      const hi = one();
      if (hi < lo) throw new TrError(`range-endpoints of '${String.fromCharCode(lo)}-${String.fromCharCode(hi)}' are in reverse collating sequence order`);
      for (let b = lo; b <= hi; b++) out.push(b);
      continue;
    }
    out.push(lo);
  }
  return out;
}

/** SET2 expanded against SET1's length: fills take what is left, the last byte repeats. */
function expand(items: readonly Item[], length: number, truncate: boolean): number[] {
  let fixed = 0;
  for (const it of items) fixed += typeof it === 'number' ? 1 : it.count;
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === 'number') out.push(it);
    else for (let k = 0; k < (it.count === 0 ? Math.max(0, length - fixed) : it.count); k++) out.push(it.fill);
  }
  if (!truncate) while (out.length < length && out.length > 0) out.push(out[out.length - 1]!);
  return out;
}

function plain(items: readonly Item[]): number[] {
  return items.map((it) => (typeof it === 'number' ? it : it.fill));
}

export function main(sys: Sys): number {
  let complement = false, del = false, squeeze = false, truncate = false;
  const operands: string[] = [];
  let options = true;
  for (const a of sys.args.slice(1)) {
    if (options && a === '--') {
      options = false;
      continue;
    }
    if (options && a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === 'c' || c === 'C') complement = true;
        else if (c === 'd') del = true;
        else if (c === 's') squeeze = true;
        else if (c === 't') truncate = true;
        else return usage(sys, 'tr', `invalid option -- '${c}'`);
      }
      continue;
    }
    operands.push(a);
  }
  const need = del && !squeeze ? 1 : squeeze && !del && operands.length === 1 ? 1 : 2;
  if (operands.length < need) {
    return usage(sys, 'tr', operands.length === 0 ? 'missing operand' : `missing operand after '${operands[operands.length - 1]!}'${need === 2 && !del ? '\nTwo strings must be given when translating.' : ''}`);
  }
  if (operands.length > need && !(squeeze && operands.length === 2)) return usage(sys, 'tr', `extra operand '${operands[need]!}'`);
  let set1: number[];
  let set2: number[] | null = null;
  try {
    set1 = plain(parseSet(operands[0]!, false));
    if (complement) {
      const inSet = new Set(set1);
      set1 = [];
      for (let b = 0; b < 256; b++) if (!inSet.has(b)) set1.push(b);
    }
    if (operands[1] !== undefined) {
      const items = parseSet(operands[1], true);
      set2 = del ? plain(items) : expand(items, set1.length, truncate);
      if (!del && set2.length === 0 && set1.length > 0) throw new TrError('when not truncating set1, string2 must be non-empty');
    }
  } catch (e) {
    if (e instanceof TrError) {
      sys.write(2, `tr: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const map = new Int16Array(256).map((_, i) => i);
  const deleted = new Uint8Array(256);
  const squeezed = new Uint8Array(256);
  if (del) for (const b of set1) deleted[b] = 1;
  else if (set2) set1.forEach((b, i) => { if (i < set2!.length) map[b] = set2![i]!; });
  const squeezeSet = squeeze ? (set2 ?? set1) : [];
  for (const b of squeezeSet) squeezed[b] = 1;
  try {
    let last = -1;
    for (;;) {
      const chunk = sys.read(0);
      if (chunk.length === 0) break;
      const out = new Uint8Array(chunk.length);
      let n = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (deleted[b]) continue;
        const m = map[b]!;
        if (squeezed[m] && m === last) continue;
        out[n++] = m;
        last = m;
      }
      sys.write(1, out.subarray(0, n));
    }
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return 0;
}

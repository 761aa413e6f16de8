/**
 * join [-i] [-t C] [-1 F] [-2 F] [-j F] [-a N]... [-v N] [-e S] [-o LIST] FILE1 FILE2: join the
 * lines of two files sorted on a join field, as GNU join. Fields are separated by C, or by runs
 * of blanks (leading blanks ignored) when -t is not given; output fields by C or a space. The
 * default output is the join field, the other fields of FILE1, then those of FILE2; -o lists
 * N.F or 0 (the join field), -e fills fields that are missing. -a N also prints unpaired lines
 * of file N; -v N only those. Equal keys pair every line of one file with every line of the
 * other. Order is not checked.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { decodeText } from '../../abi/text-codec.js';
import { guarded, splitLines, usage } from '../lib/inputs.js';

export function main(sys: Sys): number {
  let sep: string | null = null;
  let f1 = 1, f2 = 1;
  const also = new Set<number>();
  let only: number | null = null;
  let empty: string | null = null;
  let format: string | null = null;
  let fold = false;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a === '-i' || a === '--ignore-case') {
      fold = true;
      continue;
    }
    if (/^-[t12javeo]/.test(a)) {
      const c = a[1]!;
      const v = a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined) return usage(sys, 'join', `option requires an argument -- '${c}'`);
      if (c === 't') sep = v;
      else if (c === '1') f1 = Number(v);
      else if (c === '2') f2 = Number(v);
      else if (c === 'j') f1 = f2 = Number(v);
      else if (c === 'a') also.add(Number(v));
      else if (c === 'v') only = Number(v);
      else if (c === 'e') empty = v;
      else if (c === 'o') format = format === null ? v : `${format},${v}`;
      continue;
    }
    if (a.startsWith('-') && a !== '-') return usage(sys, 'join', `invalid option -- '${a[1]!}'`);
    files.push(a);
  }
  if (files.length !== 2) return usage(sys, 'join', files.length < 2 ? (files.length === 0 ? 'missing operand' : `missing operand after '${files[0]!}'`) : `extra operand '${files[2]!}'`);
  const split = (line: string): string[] => (sep !== null ? line.split(sep) : line.trim() === '' ? [] : line.trim().split(/[ \t]+/));
  const outSep = sep ?? ' ';
  return guarded(sys, 'join', () => {
    let a: string[][], b: string[][];
    try {
      const read = (name: string): string[][] => splitLines(decodeText(new TextDecoder(), name === '-' ? sys.readAll(0) : sys.readFile(name))).lines.map(split);
      a = read(files[0]!);
      b = read(files[1]!);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `join: ${e.path ?? ''}: ${errorText(e.errno)}\n`);
      return 1;
    }
    const out = sys.writer(1);
    const key = (fields: string[], f: number): string => {
      const k = fields[f - 1] ?? '';
      return fold ? k.toLowerCase() : k;
    };
    const line = (x: string[] | null, y: string[] | null): string => {
      if (format !== null) {
        return format.split(/[, ]+/).map((spec) => {
          if (spec === '0') return x ? x[f1 - 1] ?? empty ?? '' : y ? y[f2 - 1] ?? empty ?? '' : empty ?? '';
          const [n, f] = spec.split('.').map(Number);
          const src = n === 1 ? x : y;
          return src?.[f! - 1] ?? empty ?? '';
        }).join(outSep);
      }
      const k = x ? x[f1 - 1] ?? '' : y![f2 - 1] ?? '';
      const rest = [...(x ? x.filter((_, i) => i !== f1 - 1) : []), ...(y ? y.filter((_, i) => i !== f2 - 1) : [])];
      return [k, ...rest].join(outSep);
    };
    const cmp = (p: string, q: string): number => (p < q ? -1 : p > q ? 1 : 0);
    let i = 0, j = 0;
    while (i < a.length || j < b.length) {
      const c = i >= a.length ? 1 : j >= b.length ? -1 : cmp(key(a[i]!, f1), key(b[j]!, f2));
      if (c < 0) {
        if (also.has(1) || only === 1) out.line(line(a[i]!, null));
        i++;
      } else if (c > 0) {
        if (also.has(2) || only === 2) out.line(line(null, b[j]!));
        j++;
      } else {
        const k = key(a[i]!, f1);
        let i2 = i, j2 = j;
        while (i2 < a.length && key(a[i2]!, f1) === k) i2++;
        while (j2 < b.length && key(b[j2]!, f2) === k) j2++;
        if (only === null) for (let x = i; x < i2; x++) for (let y = j; y < j2; y++) out.line(line(a[x]!, b[y]!));
        i = i2;
        j = j2;
      }
    }
    out.flush();
    return 0;
  });
}

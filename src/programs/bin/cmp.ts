/**
 * cmp [-l] [-s] [-n LIMIT] FILE1 [FILE2]: compare two files byte by byte, as GNU cmp: the first
 * difference (`A B differ: byte N, line M`), or with -l every differing byte (`N OCT OCT`), or
 * nothing with -s. A file that ends first is reported (`cmp: EOF on A after byte N, line M`).
 * Status 0 same, 1 different, 2 trouble.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

export function main(sys: Sys): number {
  let list = false, silent = false;
  let limit = Infinity;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-l' || a === '--verbose') list = true;
    else if (a === '-s' || a === '--quiet' || a === '--silent') silent = true;
    else if (a === '-n') limit = Number(args[++i]);
    else if (a.startsWith('--bytes=')) limit = Number(a.slice(8));
    else if (a.startsWith('-') && a !== '-') return usage(sys, 'cmp', `invalid option -- '${a[1]!}'`, 2);
    else files.push(a);
  }
  if (files.length === 0) return usage(sys, 'cmp', 'missing operand', 2);
  if (files.length === 1) files.push('-');
  const [n1, n2] = files as [string, string];
  let a: Uint8Array, b: Uint8Array;
  try {
    a = n1 === '-' ? sys.readAll(0) : sys.readFile(n1);
    b = n2 === '-' ? sys.readAll(0) : sys.readFile(n2);
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `cmp: ${e.path ?? ''}: ${errorText(e.errno)}\n`);
    return 2;
  }
  const n = Math.min(a.length, b.length, limit);
  // GNU cmp says `char` in the C locale (POSIX's word) and `byte` in others.
  const locale = sys.env.get('LC_ALL') || sys.env.get('LC_MESSAGES') || sys.env.get('LANG') || '';
  const unit = locale === '' || locale === 'C' || locale === 'POSIX' ? 'char' : 'byte';
  let line = 1, differ = false;
  const out = sys.writer(1);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      differ = true;
      if (silent) return 1;
      if (!list) {
        out.line(`${n1} ${n2} differ: ${unit} ${i + 1}, line ${line}`);
        out.flush();
        return 1;
      }
      out.line(`${String(i + 1).padStart(String(n).length)} ${a[i]!.toString(8).padStart(3)} ${b[i]!.toString(8).padStart(3)}`);
    }
    if (a[i] === 10) line++;
  }
  out.flush();
  if (a.length !== b.length && n < limit) {
    if (!silent) {
      const [short, len] = a.length < b.length ? [n1, a.length] : [n2, b.length];
      const bytes = a.length < b.length ? a : b;
      const where = len === 0 ? ' which is empty' : list ? ` after byte ${len}` : ` after byte ${len}, ${bytes[len - 1] === 10 ? `line ${line - 1}` : `in line ${line}`}`;
      sys.write(2, `cmp: EOF on ${short}${where}\n`);
    }
    return 1;
  }
  return differ ? 1 : 0;
}

/**
 * comm [-123] [--output-delimiter=S] FILE1 FILE2: compare two sorted files line by line, as GNU
 * comm: column 1 lines only in FILE1, column 2 lines only in FILE2, column 3 lines in both; each
 * column is indented by one delimiter (tab) per shown column before it. Input out of order is
 * reported (`comm: file N is not in sorted order`) and makes the status 1.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { decodeText } from '../../abi/text-codec.js';
import { guarded, splitLines, usage } from '../lib/inputs.js';

export function main(sys: Sys): number {
  const hide = new Set<number>();
  let delim = '\t';
  const files: string[] = [];
  for (const a of sys.args.slice(1)) {
    if (a.startsWith('--output-delimiter=')) delim = a.slice(19);
    else if (a === '--check-order' || a === '--nocheck-order') continue;
    else if (/^-[123]+$/.test(a)) for (const c of a.slice(1)) hide.add(Number(c));
    else if (a.startsWith('-') && a !== '-') return usage(sys, 'comm', `invalid option -- '${a[1]!}'`);
    else files.push(a);
  }
  if (files.length < 2) return usage(sys, 'comm', files.length === 0 ? 'missing operand' : `missing operand after '${files[0]!}'`);
  if (files.length > 2) return usage(sys, 'comm', `extra operand '${files[2]!}'`);
  return guarded(sys, 'comm', () => {
    let a: string[], b: string[];
    try {
      a = splitLines(decodeText(new TextDecoder(), files[0] === '-' ? sys.readAll(0) : sys.readFile(files[0]!))).lines;
      b = splitLines(decodeText(new TextDecoder(), files[1] === '-' ? sys.readAll(0) : sys.readFile(files[1]!))).lines;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `comm: ${e.path ?? ''}: ${errorText(e.errno)}\n`);
      return 1;
    }
    const out = sys.writer(1);
    const prefix = (col: number): string => delim.repeat([1, 2, 3].filter((c) => c < col && !hide.has(c)).length);
    const emit = (col: number, line: string): void => {
      if (!hide.has(col)) out.line(prefix(col) + line);
    };
    let i = 0, j = 0;
    const unsorted = [false, false];
    const check = (k: 0 | 1, lines: string[], at: number): void => {
      if (at > 0 && !unsorted[k] && lines[at]! < lines[at - 1]!) {
        unsorted[k] = true;
        out.flush();
        sys.write(2, `comm: file ${k + 1} is not in sorted order\n`);
      }
    };
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
        check(0, a, i);
        emit(1, a[i++]!);
      } else if (i >= a.length || b[j]! < a[i]!) {
        check(1, b, j);
        emit(2, b[j++]!);
      } else {
        check(0, a, i);
        check(1, b, j);
        emit(3, a[i]!);
        i++;
        j++;
      }
    }
    out.flush();
    if (unsorted[0] || unsorted[1]) {
      sys.write(2, 'comm: input is not in sorted order\n');
      return 1;
    }
    return 0;
  });
}

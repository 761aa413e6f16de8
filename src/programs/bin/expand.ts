/**
 * expand [-i] [-t N | -t LIST] [FILE...]: tabs to spaces, as GNU expand: stops every N columns
 * (8), or at the columns of LIST (then single spaces past the last); -i only leading tabs.
 */

import type { Sys } from '../../sys/sys.js';
import { lines } from '../lib/lines.js';
import { eachFile, guarded, usage } from '../lib/inputs.js';

export function main(sys: Sys): number {
  let stops: number[] = [8];
  let initial = false;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '--initial') initial = true;
    else if (a.startsWith('-t') || a.startsWith('--tabs=')) {
      const v = a.startsWith('--') ? a.slice(7) : a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined || !/^[0-9]+([, ][0-9]+)*$/.test(v)) return usage(sys, 'expand', `tab size contains invalid character(s): '${v ?? ''}'`);
      stops = v.split(/[, ]/).map(Number);
    } else if (/^-[0-9]+$/.test(a)) stops = [Number(a.slice(1))];
    else if (a !== '--') files.push(a);
  }
  const next = (col: number): number => {
    if (stops.length === 1) return col + stops[0]! - (col % stops[0]!);
    const s = stops.find((t) => t > col);
    return s ?? col + 1;
  };
  const out = sys.writer(1);
  return guarded(sys, 'expand', () => {
    const status = eachFile(sys, 'expand', files, (fd) => {
      for (const line of lines(sys, fd)) {
        let col = 0;
        let s = '';
        let leading = true;
        for (const c of line) {
          if (c === '\t' && (!initial || leading)) {
            const to = next(col);
            s += ' '.repeat(to - col);
            col = to;
            continue;
          }
          if (c !== ' ' && c !== '\t') leading = false;
          s += c;
          col = c === '\b' ? Math.max(0, col - 1) : col + 1;
        }
        out.line(s);
      }
    });
    out.flush();
    return status;
  });
}

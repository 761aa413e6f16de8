/**
 * nl [-b STYLE] [-n FORMAT] [-w WIDTH] [-s SEP] [-v START] [-i INCR] [FILE...]: number lines, as
 * GNU nl. STYLE: a (all), t (non-empty, the default), n (none), pREGEX (lines matching the BRE).
 * FORMAT: ln, rn (default), rz. An unnumbered line is indented by WIDTH + length(SEP) spaces, as
 * GNU does. Logical page sections (\:\:\:) are not recognised.
 */

import type { Sys } from '../../sys/sys.js';
import { lines } from '../lib/lines.js';
import { eachFile, guarded, usage } from '../lib/inputs.js';
import { toJsRegExp } from '../lib/posix-regex.js';

export function main(sys: Sys): number {
  let style = 't', format = 'rn', width = 6, sep = '\t', start = 1, incr = 1;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length > 1 && a !== '--') {
      const c = a[1]!;
      const v = a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined) return usage(sys, 'nl', `option requires an argument -- '${c}'`);
      if (c === 'b') style = v;
      else if (c === 'n') format = v;
      else if (c === 'w') width = Number(v);
      else if (c === 's') sep = v;
      else if (c === 'v') start = Number(v);
      else if (c === 'i') incr = Number(v);
      else return usage(sys, 'nl', `invalid option -- '${c}'`);
    } else if (a !== '--') files.push(a);
  }
  const re = style.startsWith('p') ? new RegExp(toJsRegExp(style.slice(1), true)) : null;
  const numbered = (line: string): boolean => (style === 'a' ? true : style === 'n' ? false : re ? re.test(line) : line !== '');
  const out = sys.writer(1);
  let n = start;
  return guarded(sys, 'nl', () => {
    const status = eachFile(sys, 'nl', files, (fd) => {
      for (const line of lines(sys, fd)) {
        if (!numbered(line)) {
          out.line(`${' '.repeat(width + sep.length)}${line}`);
          continue;
        }
        const digits = String(n);
        const num = format === 'ln' ? digits.padEnd(width) : format === 'rz' ? digits.padStart(width, '0') : digits.padStart(width);
        out.line(`${num}${sep}${line}`);
        n += incr;
      }
    });
    out.flush();
    return status;
  });
}

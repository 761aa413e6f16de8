/**
 * paste [-s] [-d LIST] [FILE...]: join corresponding lines of the files with tabs (or the
 * delimiters of LIST, used in turn; `\n` `\t` `\\` and `\0` for none), as GNU paste. A file that
 * runs out gives empty lines; `-` is standard input (read once for each time it is named, sharing
 * one stream). -s joins all the lines of each file into one line instead.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { decodeText } from '../../abi/text-codec.js';
import { guarded, splitLines, usage } from '../lib/inputs.js';

function delimiters(list: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c !== '\\' || i + 1 >= list.length) {
      out.push(c);
      continue;
    }
    const n = list[++i]!;
    out.push(n === 'n' ? '\n' : n === 't' ? '\t' : n === '0' ? '' : n);
  }
  return out;
}

export function main(sys: Sys): number {
  let serial = false;
  let delims = ['\t'];
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '--serial') serial = true;
    else if (a === '-d' || a.startsWith('-d')) {
      const v = a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined) return usage(sys, 'paste', "option requires an argument -- 'd'");
      delims = delimiters(v);
    } else if (a.startsWith('--delimiters=')) delims = delimiters(a.slice(13));
    else if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') return usage(sys, 'paste', `invalid option -- '${a[1]!}'`);
    else files.push(a);
  }
  if (files.length === 0) files.push('-');
  if (delims.length === 0) delims = [''];
  return guarded(sys, 'paste', () => {
    let stdinLines: string[] | null = null;
    let stdinAt = 0;
    const contents: (string[] | 'stdin')[] = [];
    for (const name of files) {
      if (name === '-') {
        stdinLines ??= splitLines(decodeText(new TextDecoder(), sys.readAll(0))).lines;
        contents.push('stdin');
        continue;
      }
      try {
        contents.push(splitLines(sys.readText(name)).lines);
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
        sys.write(2, `paste: ${name}: ${errorText(e.errno)}\n`);
        return 1;
      }
    }
    const out = sys.writer(1);
    if (serial) {
      for (const c of contents) {
        const lines = c === 'stdin' ? stdinLines!.splice(0) : c;
        out.line(lines.reduce((acc, l, i) => (i === 0 ? l : acc + delims[(i - 1) % delims.length]! + l), ''));
      }
      out.flush();
      return 0;
    }
    const cursors = contents.map(() => 0);
    for (;;) {
      let any = false;
      const cells = contents.map((c, k) => {
        if (c === 'stdin') {
          if (stdinAt < stdinLines!.length) {
            any = true;
            return stdinLines![stdinAt++]!;
          }
          return '';
        }
        if (cursors[k]! < c.length) {
          any = true;
          return c[cursors[k]!++]!;
        }
        return '';
      });
      if (!any) break;
      out.line(cells.reduce((acc, cell, i) => (i === 0 ? cell : acc + delims[(i - 1) % delims.length]! + cell), ''));
    }
    out.flush();
    return 0;
  });
}

/**
 * wc [-l] [-w] [-m] [-c] [FILE...]: count newlines, words, characters and bytes of each FILE (or
 * standard input, also for `-`), then a `total` line when there were several files.
 *
 * Output follows GNU wc: the counts in the order lines, words, chars, bytes, right-aligned to one
 * width — 1 when a single count of a single input is printed, otherwise the digits of the total
 * size of the regular files, at least 7 when an input is not a regular file (a pipe). Words are
 * runs of bytes other than space, \t, \n, \v, \f, \r; characters are UTF-8 sequences (bytes that
 * are not continuation bytes). Input is streamed. A file that cannot be read is reported and the
 * status is 1.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';

interface Counts { lines: number; words: number; chars: number; bytes: number }

const LONG = { lines: 'l', words: 'w', chars: 'm', bytes: 'c' };

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** Count everything readable from `fd`, streaming. */
function count(sys: Sys, fd: number): Counts {
  const c: Counts = { lines: 0, words: 0, chars: 0, bytes: 0 };
  let inWord = false;
  for (;;) {
    const chunk = sys.read(fd);
    if (chunk.length === 0) return c;
    c.bytes += chunk.length;
    for (const b of chunk) {
      if (b === 0x0a) c.lines++;
      if ((b & 0xc0) !== 0x80) c.chars++;
      if (isSpace(b)) inWord = false;
      else if (!inWord) {
        inWord = true;
        c.words++;
      }
    }
  }
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'lwmc', long: LONG });
  if (typeof o === 'string') {
    sys.write(2, `wc: ${o}\nTry 'wc --help' for more information.\n`);
    return 1;
  }
  let show = (['l', 'w', 'm', 'c'] as const).filter((f) => o.flags.has(f));
  if (show.length === 0) show = ['l', 'w', 'c'];
  const named = o.operands.length > 0;
  const files = named ? o.operands : ['-'];
  const width = numberWidth(sys, files, show.length === 1 && files.length === 1);
  const out = sys.writer(1);
  const total: Counts = { lines: 0, words: 0, chars: 0, bytes: 0 };
  const line = (c: Counts, name: string | null): void => {
    const cols = show.map((f) => String(f === 'l' ? c.lines : f === 'w' ? c.words : f === 'm' ? c.chars : c.bytes).padStart(width));
    out.line(cols.join(' ') + (name === null ? '' : ` ${name}`));
  };
  let status = 0;
  try {
    for (const name of files) {
      let fd = 0;
      let c: Counts = { lines: 0, words: 0, chars: 0, bytes: 0 };
      try {
        if (name !== '-') fd = sys.open(name, { read: true });
        if (sys.isDirectoryFd(fd)) {
          sys.write(2, `wc: ${name}: Is a directory\n`);
          status = 1;
        } else c = count(sys, fd);
      } catch (e) {
        if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
        sys.write(2, `wc: ${name}: ${errorText(e.errno)}\n`);
        status = 1;
        if (fd === 0 && name !== '-') continue;
      } finally {
        if (fd !== 0) sys.close(fd);
      }
      total.lines += c.lines;
      total.words += c.words;
      total.chars += c.chars;
      total.bytes += c.bytes;
      line(c, named ? name : null);
    }
    if (files.length > 1) line(total, 'total');
    out.flush();
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return status;
}

/** GNU's column width: from the sizes of the regular files among the inputs. */
function numberWidth(sys: Sys, files: readonly string[], single: boolean): number {
  if (single) return 1;
  let regular = 0, minimum = 1;
  for (const name of files) {
    try {
      const st = name === '-' ? sys.fstat(0) : sys.stat(name);
      if (st.type === 'file') regular += st.size;
      else minimum = 7;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      if (name === '-') minimum = 7;
    }
  }
  return Math.max(String(regular).length, minimum);
}

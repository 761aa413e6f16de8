/**
 * tail [-n [+]N] [-c [+]N] [-q] [-v] [-N] [FILE...]: the last N lines (default 10) or bytes of
 * each FILE (or standard input, also for `-`); with `+N`, everything from line/byte N on.
 *
 * Like GNU tail: N may carry a multiplier suffix (b, kB, K, MB, M, GB, G); a final line without a
 * newline counts as a line; several files get `==> NAME <==` headers (blank line between) unless
 * -q (-v forces one). Each input is read whole before its tail is written (no -f). Unreadable
 * files are reported as `cannot open 'NAME' for reading` with status 1; a closed output pipe ends
 * quietly with status 1.
 */

import type { Sys } from '../../sys/sys.js';
import { eachInput, headTailOptions } from '../lib/head-tail.js';

/** Where the output starts in `data`. */
function startOf(data: Uint8Array, n: number, fromStart: boolean, byLines: boolean): number {
  if (!byLines) return fromStart ? Math.min(data.length, Math.max(0, n - 1)) : Math.max(0, data.length - n);
  if (fromStart) {
    let line = 1;
    for (let i = 0; i < data.length && line < n; i++) {
      if (data[i] === 0x0a && ++line === n) return i + 1;
    }
    return line >= n ? 0 : data.length;
  }
  if (n === 0) return data.length;
  // Skip a final newline (it ends the last line), then find the n-th newline before it.
  let seen = 0;
  for (let i = data.length - 2; i >= 0; i--) {
    if (data[i] === 0x0a && ++seen === n) return i + 1;
  }
  return 0;
}

export function main(sys: Sys): number {
  const o = headTailOptions(sys, 'tail');
  if (typeof o === 'number') return o;
  const fromStart = o.raw.startsWith('+');
  return eachInput(sys, 'tail', o, (fd) => {
    const data = sys.readAll(fd);
    sys.write(1, data.subarray(startOf(data, o.n, fromStart, o.byLines)));
  });
}

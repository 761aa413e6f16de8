/**
 * head [-n N] [-c N] [-q] [-v] [-N] [FILE...]: the first N lines (default 10) or bytes of each FILE
 * (or standard input, also for `-`); with a leading `-` (`-n -N`, `-c -N`), all but the last N.
 *
 * Like GNU head: N may carry a multiplier suffix (b 512, kB 1000, K 1024, MB, M, GB, G); with
 * several files each gets a `==> NAME <==` header (blank line between), unless -q (-v forces
 * one). Output is the input's bytes unchanged, streamed; reading stops once N lines/bytes are out
 * (the "all but the last N" forms hold back only N lines/bytes). Unreadable files are reported as
 * `cannot open 'NAME' for reading` and the status is 1; a closed output pipe ends quietly with 1.
 */

import type { Sys } from '../../sys/sys.js';
import { eachInput, headTailOptions } from '../lib/head-tail.js';

/** Copy the first `n` lines (byLines) or bytes of `fd`. */
function copyFirst(sys: Sys, fd: number, n: number, byLines: boolean): void {
  let left = n;
  while (left > 0) {
    const chunk = sys.read(fd);
    if (chunk.length === 0) return;
    let end = chunk.length;
    if (!byLines) end = Math.min(end, left);
    else {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === 0x0a && --left === 0) {
          end = i + 1;
          break;
        }
      }
    }
    sys.write(1, chunk.subarray(0, end));
    if (!byLines) left -= end;
  }
}

/** Copy all of `fd` but its last `n` lines or bytes, holding back only what might be cut. */
function copyAllBut(sys: Sys, fd: number, n: number, byLines: boolean): void {
  let held = new Uint8Array(0);
  for (;;) {
    const chunk = sys.read(fd);
    if (chunk.length === 0) break;
    const joined = new Uint8Array(held.length + chunk.length);
    joined.set(held);
    joined.set(chunk, held.length);
    // Keep the last n bytes, or everything after the (n+1)th newline from the end.
    let keepFrom = Math.max(0, joined.length - n);
    if (byLines) {
      let seen = 0;
      keepFrom = 0;
      for (let i = joined.length - 1; i >= 0; i--) {
        if (joined[i] === 0x0a && ++seen === n + 1) {
          keepFrom = i + 1;
          break;
        }
      }
      if (n === 0) keepFrom = joined.length;
    }
    if (keepFrom > 0) sys.write(1, joined.subarray(0, keepFrom));
    held = joined.slice(keepFrom);
  }
  if (!byLines || n === 0) return;
  // The held part is the last n lines or fewer (a final unterminated line counts): drop n lines.
  const starts = [0];
  for (let i = 0; i < held.length - 1; i++) if (held[i] === 0x0a) starts.push(i + 1);
  const cut = starts.length <= n ? 0 : starts[starts.length - n]!;
  sys.write(1, held.subarray(0, cut));
}

export function main(sys: Sys): number {
  const o = headTailOptions(sys, 'head');
  if (typeof o === 'number') return o;
  const allBut = o.raw.startsWith('-');
  return eachInput(sys, 'head', o, (fd) => {
    if (allBut) copyAllBut(sys, fd, o.n, o.byLines);
    else copyFirst(sys, fd, o.n, o.byLines);
  });
}

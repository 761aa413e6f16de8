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

import { type Sys, SysError } from '../../abi/keel/sys.js';
import { errorText } from '../../abi/keel/sys-errors.js';
import { parseOptions } from '../lib/options.js';

const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1, b: 512, kB: 1000, K: 1024, k: 1024, KiB: 1024, MB: 1e6, M: 1024 ** 2, MiB: 1024 ** 2, GB: 1e9, G: 1024 ** 3, GiB: 1024 ** 3,
};

/** `N` with an optional multiplier suffix, or null. */
function parseCount(text: string): number | null {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(text);
  const mult = m ? SUFFIXES[m[2]!] : undefined;
  return m && mult !== undefined ? Number(m[1]) * mult : null;
}

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

/** Rewrite the obsolete `-N` (first argument) as `-n N`. */
function modernize(args: readonly string[]): string[] {
  const first = args[0];
  if (first !== undefined && /^-\d+$/.test(first)) return ['-n', first.slice(1), ...args.slice(1)];
  return [...args];
}

export function main(sys: Sys): number {
  const o = parseOptions(modernize(sys.args.slice(1)), { flags: 'qv', values: 'nc', long: { lines: 'n', bytes: 'c', quiet: 'q', silent: 'q', verbose: 'v' } });
  if (typeof o === 'string') {
    sys.write(2, `head: ${o}\nTry 'head --help' for more information.\n`);
    return 1;
  }
  const byLines = !o.values.has('c');
  const raw = byLines ? o.values.get('n') ?? '10' : o.values.get('c')!;
  const allBut = raw.startsWith('-');
  const n = parseCount(raw.replace(/^[-+]/, ''));
  if (n === null) {
    sys.write(2, `head: invalid number of ${byLines ? 'lines' : 'bytes'}: '${raw}'\n`);
    return 1;
  }
  const files = o.operands.length > 0 ? o.operands : ['-'];
  const headers = o.flags.has('v') || (files.length > 1 && !o.flags.has('q'));
  let status = 0, first = true;
  try {
    files.forEach((name) => {
      let fd = 0;
      try {
        if (name !== '-') fd = sys.open(name, { read: true });
        if (headers) sys.write(1, `${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
        first = false;
        if (sys.isDirectoryFd(fd)) {
          sys.write(2, `head: error reading '${name}': Is a directory\n`);
          status = 1;
        } else if (allBut) copyAllBut(sys, fd, n, byLines);
        else copyFirst(sys, fd, n, byLines);
      } catch (e) {
        if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
        const what = fd === 0 && name !== '-' ? `cannot open '${name}' for reading` : `error reading '${name}'`;
        sys.write(2, `head: ${what}: ${errorText(e.errno)}\n`);
        status = 1;
      } finally {
        if (fd !== 0) sys.close(fd);
      }
    });
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return status;
}

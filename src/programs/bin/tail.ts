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

/** Rewrite the obsolete `-N` (first argument) as `-n N`. */
function modernize(args: readonly string[]): string[] {
  const first = args[0];
  if (first !== undefined && /^-\d+$/.test(first)) return ['-n', first.slice(1), ...args.slice(1)];
  return [...args];
}

export function main(sys: Sys): number {
  const o = parseOptions(modernize(sys.args.slice(1)), { flags: 'qv', values: 'nc', long: { lines: 'n', bytes: 'c', quiet: 'q', silent: 'q', verbose: 'v' } });
  if (typeof o === 'string') {
    sys.write(2, `tail: ${o}\nTry 'tail --help' for more information.\n`);
    return 1;
  }
  const byLines = !o.values.has('c');
  const raw = byLines ? o.values.get('n') ?? '10' : o.values.get('c')!;
  const fromStart = raw.startsWith('+');
  const n = parseCount(raw.replace(/^[-+]/, ''));
  if (n === null) {
    sys.write(2, `tail: invalid number of ${byLines ? 'lines' : 'bytes'}: '${raw}'\n`);
    return 1;
  }
  const files = o.operands.length > 0 ? o.operands : ['-'];
  const headers = o.flags.has('v') || (files.length > 1 && !o.flags.has('q'));
  let status = 0, first = true;
  try {
    for (const name of files) {
      let fd = 0;
      try {
        if (name !== '-') fd = sys.open(name, { read: true });
        if (headers) sys.write(1, `${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
        first = false;
        if (sys.isDirectoryFd(fd)) {
          sys.write(2, `tail: error reading '${name}': Is a directory\n`);
          status = 1;
          continue;
        }
        const data = sys.readAll(fd);
        sys.write(1, data.subarray(startOf(data, n, fromStart, byLines)));
      } catch (e) {
        if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
        const what = fd === 0 && name !== '-' ? `cannot open '${name}' for reading` : `error reading '${name}'`;
        sys.write(2, `tail: ${what}: ${errorText(e.errno)}\n`);
        status = 1;
      } finally {
        if (fd !== 0) sys.close(fd);
      }
    }
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return status;
}

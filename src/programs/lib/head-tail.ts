/**
 * What head and tail share: their options (`-n N`, `-c N`, `-q`, `-v`, the obsolete `-N`, counts
 * with GNU multiplier suffixes) and their walk over the inputs — `==> NAME <==` headers with
 * several files, `-` for standard input, directories and unreadable files reported with status 1,
 * a closed output pipe ending the program quietly with status 1.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from './options.js';

const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1, b: 512, kB: 1000, K: 1024, k: 1024, KiB: 1024, MB: 1e6, M: 1024 ** 2, MiB: 1024 ** 2, GB: 1e9, G: 1024 ** 3, GiB: 1024 ** 3,
};

/** `N` with an optional multiplier suffix, or null. */
function parseCount(text: string): number | null {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(text);
  const mult = m ? SUFFIXES[m[2]!] : undefined;
  return m && mult !== undefined ? Number(m[1]) * mult : null;
}

/** Rewrite the obsolete `-N` (first argument) as `-n N`. */
function modernize(args: readonly string[]): string[] {
  const first = args[0];
  if (first !== undefined && /^-\d+$/.test(first)) return ['-n', first.slice(1), ...args.slice(1)];
  return [...args];
}

export interface HeadTailOptions {
  /** Count lines (else bytes). */
  readonly byLines: boolean;
  /** The count as given, with its sign (`-N`, `+N`). */
  readonly raw: string;
  /** The count without its sign. */
  readonly n: number;
  readonly files: readonly string[];
  readonly headers: boolean;
}

/** Parse `prog`'s arguments; the options, or the exit status after printing the error. */
export function headTailOptions(sys: Sys, prog: string): HeadTailOptions | number {
  const o = parseOptions(modernize(sys.args.slice(1)), { flags: 'qv', values: 'nc', long: { lines: 'n', bytes: 'c', quiet: 'q', silent: 'q', verbose: 'v' } });
  if (typeof o === 'string') {
    sys.write(2, `${prog}: ${o}\nTry '${prog} --help' for more information.\n`);
    return 1;
  }
  const byLines = !o.values.has('c');
  const raw = byLines ? o.values.get('n') ?? '10' : o.values.get('c')!;
  const n = parseCount(raw.replace(/^[-+]/, ''));
  if (n === null) {
    sys.write(2, `${prog}: invalid number of ${byLines ? 'lines' : 'bytes'}: '${raw}'\n`);
    return 1;
  }
  const files = o.operands.length > 0 ? o.operands : ['-'];
  return { byLines, raw, n, files, headers: o.flags.has('v') || (files.length > 1 && !o.flags.has('q')) };
}

/** Run `body` on each input's fd in turn; the exit status. */
export function eachInput(sys: Sys, prog: string, opts: HeadTailOptions, body: (fd: number) => void): number {
  let status = 0, first = true;
  try {
    for (const name of opts.files) {
      let fd = 0;
      try {
        if (name !== '-') fd = sys.open(name, { read: true });
        if (opts.headers) sys.write(1, `${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
        first = false;
        if (sys.isDirectoryFd(fd)) {
          sys.write(2, `${prog}: error reading '${name}': Is a directory\n`);
          status = 1;
        } else body(fd);
      } catch (e) {
        if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
        const what = fd === 0 && name !== '-' ? `cannot open '${name}' for reading` : `error reading '${name}'`;
        sys.write(2, `${prog}: ${what}: ${errorText(e.errno)}\n`);
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

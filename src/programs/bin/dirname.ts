/**
 * dirname NAME...: print each NAME without its last component (POSIX dirname: trailing slashes
 * are ignored, `.` when NAME has no slash, `/` when only the root is left). Pure string work.
 */

import type { Sys } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

/** POSIX dirname(1) steps: all slashes → `/`; drop trailing slashes, the last component, then slashes again. */
export function dirnameOf(path: string): string {
  if (path === '') return '.';
  if (/^\/+$/.test(path)) return '/';
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  const head = trimmed.slice(0, slash).replace(/\/+$/, '');
  return head === '' ? '/' : head;
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), {});
  const usage = (msg: string): number => {
    sys.write(2, `dirname: ${msg}\nTry 'dirname --help' for more information.\n`);
    return 1;
  };
  if (typeof o === 'string') return usage(o);
  if (o.operands.length === 0) return usage('missing operand');
  const out = sys.writer(1);
  for (const name of o.operands) out.line(dirnameOf(name));
  return 0;
}

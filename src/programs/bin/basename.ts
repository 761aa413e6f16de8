/**
 * basename NAME [SUFFIX] | basename -a [-s SUFFIX] NAME...: print NAME without its leading
 * directories (trailing slashes ignored), and without SUFFIX when NAME ends in it (but is not
 * all SUFFIX). Pure string work: nothing is looked up in the file system.
 */

import type { Sys } from '../../sys/sys.js';
import { baseName } from '../../sys/sys-path.js';
import { parseOptions } from '../lib/options.js';

function strip(name: string, suffix: string): string {
  return suffix !== '' && name !== suffix && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'a', values: 's', long: { multiple: 'a', suffix: 's' } });
  const usage = (msg: string): number => {
    sys.write(2, `basename: ${msg}\nTry 'basename --help' for more information.\n`);
    return 1;
  };
  if (typeof o === 'string') return usage(o);
  const names = [...o.operands];
  if (names.length === 0) return usage('missing operand');
  let suffix = o.values.get('s') ?? '';
  const multiple = o.flags.has('a') || o.values.has('s');
  if (!multiple) {
    if (names.length > 2) return usage(`extra operand '${names[2]!}'`);
    if (names.length === 2) suffix = names.pop()!;
  }
  const out = sys.writer(1);
  for (const name of names) {
    const base = baseName(name);
    out.line(base === '/' ? base : strip(base, suffix));
  }
  return 0;
}

/**
 * pwd [-L|-P]: print the working directory (sys.cwd(), absolute and normalised, from PWD).
 * Keel keeps the working directory by name, so -L and -P print the same thing.
 */

import type { Sys } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'LP', long: { logical: 'L', physical: 'P' } });
  if (typeof o === 'string') {
    sys.write(2, `pwd: ${o}\nTry 'pwd --help' for more information.\n`);
    return 1;
  }
  if (o.operands.length > 0) sys.write(2, 'pwd: ignoring non-option arguments\n');
  sys.write(1, `${sys.cwd()}\n`);
  return 0;
}

/**
 * readlink [-n] FILE...: print the contents of each symbolic link FILE. Like GNU readlink without
 * -v, a FILE that is not a symlink (or is missing) prints nothing and makes the status 1.
 * -n: no newline after the (last) target.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'n', long: { 'no-newline': 'n' } });
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `readlink: ${typeof o === 'string' ? o : 'missing operand'}\nTry 'readlink --help' for more information.\n`);
    return 1;
  }
  const out = sys.writer(1);
  let status = 0;
  o.operands.forEach((file, i) => {
    try {
      const target = sys.readlink(file);
      const last = i === o.operands.length - 1;
      out.write(o.flags.has('n') && last ? target : `${target}\n`);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      status = 1;
    }
  });
  return status;
}

/**
 * rmdir DIR...: remove each empty directory. Status 1 if any could not be removed (not empty,
 * not a directory, missing).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), {});
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `rmdir: ${typeof o === 'string' ? o : 'missing operand'}\nTry 'rmdir --help' for more information.\n`);
    return 1;
  }
  let status = 0;
  for (const dir of o.operands) {
    try {
      sys.rmdir(dir);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `rmdir: failed to remove '${dir}': ${errorText(e.errno)}\n`);
      status = 1;
    }
  }
  return status;
}

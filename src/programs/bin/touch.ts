/**
 * touch [-c] FILE...: set each FILE's access and modification times to now, creating it (empty)
 * if it does not exist — unless -c, which skips missing files silently. Status 1 on any failure.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'c', long: { 'no-create': 'c' } });
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `touch: ${typeof o === 'string' ? o : 'missing file operand'}\nTry 'touch --help' for more information.\n`);
    return 1;
  }
  let status = 0;
  for (const file of o.operands) {
    try {
      try {
        sys.utimes(file, null, null);
      } catch (e) {
        if (!(e instanceof SysError) || e.code !== 'ENOENT') throw e;
        if (o.flags.has('c')) continue;
        // A new file's times are its creation time: now.
        sys.close(sys.open(file, { write: true, create: true }));
      }
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `touch: cannot touch '${file}': ${errorText(e.errno)}\n`);
      status = 1;
    }
  }
  return status;
}

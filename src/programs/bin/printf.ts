/**
 * printf FORMAT [ARGUMENT...]: write ARGUMENTs under the control of FORMAT, reusing FORMAT while
 * arguments remain (as long as it consumes any), as GNU printf. The formatting is
 * lib/printf-format.ts (shared with the shell's builtin).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { printf } from '../lib/printf-format.js';

export function main(sys: Sys): number {
  let operands = sys.args.slice(1);
  if (operands[0] === '--') operands = operands.slice(1);
  if (operands.length === 0) {
    sys.write(2, "printf: missing operand\nTry 'printf --help' for more information.\n");
    return 1;
  }
  const r = printf(operands[0]!, operands.slice(1), { gnu: true, report: (m) => sys.write(2, `printf: ${m}\n`) });
  try {
    sys.write(1, r.output);
  } catch (e) {
    if (e instanceof SysError) return 1;
    throw e;
  }
  return r.status;
}

/** clear: move the cursor home and erase the screen (`ESC [H ESC [2J`, as for xterm). */

import { type Sys, SysError } from '../../sys/sys.js';

export function main(sys: Sys): number {
  try {
    sys.write(1, '\x1b[H\x1b[2J');
  } catch (e) {
    if (e instanceof SysError) return 1;
    throw e;
  }
  return 0;
}

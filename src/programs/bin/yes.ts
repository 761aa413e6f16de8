/**
 * yes [STRING...]: write the STRINGs joined by spaces (default `y`) and a newline, forever — until
 * the reader goes away, which ends yes quietly with status 1 (as SIGPIPE would end GNU yes).
 * Lines are written in blocks of about 8 KiB.
 */

import { type Sys, SysError } from '../../sys/sys.js';

export function main(sys: Sys): number {
  let args = sys.args.slice(1);
  if (args[0] === '--') args = args.slice(1);
  const line = `${args.length > 0 ? args.join(' ') : 'y'}\n`;
  const block = new TextEncoder().encode(line.repeat(Math.max(1, Math.floor(8192 / line.length))));
  try {
    for (;;) sys.write(1, block);
  } catch (e) {
    if (e instanceof SysError) return 1;
    throw e;
  }
}

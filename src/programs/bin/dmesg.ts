/**
 * dmesg: the kernel's message log — service crashes, hangs and the supervisor's restarts — oldest
 * first. The kernel keeps the newest 512 lines.
 *
 *   dmesg [-w]     (-w: keep printing new lines as they come, until ^C)
 */

import type { Sys } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'w' });
  if (typeof o === 'string') {
    sys.write(2, `dmesg: ${o}\n`);
    return 2;
  }
  let from = 0;
  for (;;) {
    const { lines, next } = sys.kernelMessages(from);
    if (lines.length > 0) sys.write(1, lines.map((l) => `${l}\n`).join(''));
    from = next;
    if (!o.flags.has('w')) return 0;
    sys.sleep(500);
  }
}

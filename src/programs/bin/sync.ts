/** sync: make every change on every mounted file system durable (diskfs commits its journal to the host disk). */

import type { Sys } from '../../sys/sys.js';

export function main(sys: Sys): number {
  if (sys.args.length > 1) {
    sys.write(2, 'sync: takes no operands\n');
    return 2;
  }
  try {
    sys.syncAll();
    return 0;
  } catch (e) {
    sys.write(2, `sync: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** whoami: the user running — Keel's answer, `keel` (Keel has no users; see id). */

import type { Sys } from '../../sys/sys.js';

export function main(sys: Sys): number {
  sys.write(1, 'keel\n');
  return 0;
}

/** md5sum: print or check MD5 digests (lib/checksum.ts). */

import type { Sys } from '../../sys/sys.js';
import { checksumMain } from '../lib/checksum.js';

export function main(sys: Sys): number {
  return checksumMain(sys, 'md5');
}

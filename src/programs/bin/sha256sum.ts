/** sha256sum: print or check SHA256 digests (lib/checksum.ts). */

import type { Sys } from '../../sys/sys.js';
import { checksumMain } from '../lib/checksum.js';

export function main(sys: Sys): number {
  return checksumMain(sys, 'sha256');
}

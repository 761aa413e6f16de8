/** gzip: lib/gzip-main.ts. */

import type { Sys } from '../../sys/sys.js';
import { gzipMain } from '../lib/gzip-main.js';

export function main(sys: Sys): number {
  return gzipMain(sys, 'gzip');
}

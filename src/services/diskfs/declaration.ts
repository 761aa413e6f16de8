/**
 * diskfs, as a manifest declares it: its disk image on the host, the size of a new one, and how
 * long changes may wait before they are committed.
 */

import type { z } from 'zod';
import type { diskfsOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';
import type { CachedFsConfig } from '../fs/fs-instance.js';

export const diskfsTraits: KindTraits = { fileSystem: true, pageCache: true, changesOnlyThroughVfs: true, hostDescriptors: false, wellKnown: false };

/** What a diskfs instance is built with: its options, and the system's token on the image's lock file. */
export type DiskfsInstanceConfig = z.infer<typeof diskfsOptions> & CachedFsConfig & {
  readonly lockOwner?: string;
};

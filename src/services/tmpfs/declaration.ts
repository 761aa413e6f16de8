/**
 * tmpfs, as a manifest declares it: its options (the space it may hold, the directories to make
 * at boot) and its traits.
 */

import type { z } from 'zod';
import type { tmpfsOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';
import type { CachedFsConfig } from '../fs/fs-instance.js';
import type { KeptMemory } from '../contract/kept-log.js';

export const tmpfsTraits: KindTraits = { fileSystem: true, pageCache: true, changesOnlyThroughVfs: true, hostDescriptors: false, wellKnown: false, keepsState: true };

/** What a tmpfs instance is built with: its manifest options, and (root tmpfs of a session) the files of /bin. */
export type TmpfsInstanceConfig = z.infer<typeof tmpfsOptions> & CachedFsConfig & {
  /** Files to make at boot, by absolute path, with their text (a session's `#!keel` programs). */
  readonly files?: Readonly<Record<string, string>>;
  /** Shared memory that outlives its worker, to keep its tree in (kept-log.ts): given to a tmpfs placed in a worker. */
  readonly keep?: KeptMemory;
};

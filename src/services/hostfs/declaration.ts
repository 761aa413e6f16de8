/**
 * hostfs, as a manifest declares it: the host directory it serves, and whether read-only.
 */

import type { z } from 'zod';
import type { hostfsOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';
import type { CachedFsConfig } from '../fs/fs-instance.js';
import type { ProtectedSet } from './hostfs-guard.js';

export const hostfsTraits: KindTraits = { fileSystem: true, pageCache: true, changesOnlyThroughVfs: false, hostDescriptors: true, wellKnown: false };

/** What a hostfs instance is built with: its options, and the guards the system gives it (system/host-guards.ts). */
export type HostfsInstanceConfig = z.infer<typeof hostfsOptions> & CachedFsConfig & {
  /** Keel's own images in its tree, out of every client's reach. */
  readonly protect?: ProtectedSet;
  /** Host descriptors it may hold at once (its share of the process's limit). */
  readonly maxDescriptors?: number;
  /** Its exact-times word: an index of the arena's change words (system/wiring.ts; decisions/024). */
  readonly timesWord?: number;
};

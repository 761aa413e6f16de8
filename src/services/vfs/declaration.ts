/**
 * The VFS, as a manifest declares it: its mount table, and how much it keeps for others (lookup
 * copies, pipe buffers, host files per program).
 */

import type { z } from 'zod';
import type { vfsOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';

export const vfsTraits: KindTraits = { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true, pipeRings: true };

/** A mount, with what the system knows of the file system's kind (services/kind.ts traits). */
export interface VfsMountConfig {
  readonly path: string;
  readonly fs: string;
  /** The file system changes only through the VFS: lookups may be copied. */
  readonly cacheLookups?: boolean;
  /** Each open file holds a host descriptor: counted against `hostFiles`. */
  readonly hostDescriptors?: boolean;
}

/** The arena's pipe rings this VFS owns (pipe-ring.ts): `count` from `first`. */
export interface RingSlice {
  readonly first: number;
  readonly count: number;
}

export type VfsInstanceConfig = Omit<z.infer<typeof vfsOptions>, 'mounts'> & {
  readonly mounts: readonly VfsMountConfig[];
  /** Its pipe rings (absent or empty: every pipe is private to the VFS and served by calls). */
  readonly rings?: RingSlice;
};

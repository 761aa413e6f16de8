/**
 * diskfs, as a manifest declares it: its disk image on the host, the size of a new one, and how
 * long changes may wait before they are committed.
 */

import { z } from 'zod';
import type { KindDeclaration } from '../contract/kind.js';
import type { CachedFsConfig } from '../fs/fs-instance.js';

const absolutePath = z.string().regex(/^\/[^\0]*$/, 'expected an absolute path');

export const diskfsOptions = z.strictObject({
  /** The disk image on the host; made (sparse, `size` bytes) and formatted if missing or empty. */
  image: absolutePath,
  /** Size of a new image in bytes (default 64 MiB; at least 1 MiB). An existing image keeps its size. */
  size: z.number().int().min(1024 * 1024).max(2 ** 44).optional(),
  /** Commit changes this long after the first uncommitted one (default 5000 ms); fsync commits at once. */
  commitMs: z.number().int().min(0).max(3_600_000).optional(),
});

export const diskfsDeclaration: KindDeclaration<typeof diskfsOptions> = {
  options: diskfsOptions,
  traits: { fileSystem: true, pageCache: true, changesOnlyThroughVfs: true, hostDescriptors: false, wellKnown: false },
};

/** What a diskfs instance is built with: its options, and the system's token on the image's lock file. */
export type DiskfsInstanceConfig = z.infer<typeof diskfsOptions> & CachedFsConfig & {
  readonly lockOwner?: string;
};

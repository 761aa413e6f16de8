/**
 * tmpfs, as a manifest declares it: its options (the space it may hold, the directories to make
 * at boot) and its traits.
 */

import { z } from 'zod';
import type { KindDeclaration } from '../contract/kind.js';
import type { CachedFsConfig } from '../fs/fs-instance.js';

const absolutePath = z.string().regex(/^\/[^\0]*$/, 'expected an absolute path');

export const tmpfsOptions = z.strictObject({
  /** Bytes it may hold in all: file data and every node, name and symlink target (default 1 GiB); past it ENOSPC. */
  maxBytes: z.number().int().min(64 * 1024).max(2 ** 44).optional(),
  /** Of those, bytes of everything but file data, which lives on its thread's heap (default 64 MiB); past it ENOSPC. */
  maxMetadataBytes: z.number().int().min(64 * 1024).max(2 ** 40).optional(),
  dirs: z.array(absolutePath).optional(),
});

export const tmpfsDeclaration: KindDeclaration<typeof tmpfsOptions> = {
  options: tmpfsOptions,
  traits: { fileSystem: true, pageCache: true, changesOnlyThroughVfs: true, hostDescriptors: false, wellKnown: false },
};

/** What a tmpfs instance is built with: its manifest options, and (root tmpfs of a session) the files of /bin. */
export type TmpfsInstanceConfig = z.infer<typeof tmpfsOptions> & CachedFsConfig & {
  /** Files to make at boot, by absolute path, with their text (a session's `#!keel` programs). */
  readonly files?: Readonly<Record<string, string>>;
};

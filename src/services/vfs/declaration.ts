/**
 * The VFS, as a manifest declares it: its mount table, and how much it keeps for others (lookup
 * copies, pipe buffers, host files per program).
 */

import { z } from 'zod';
import type { KindDeclaration } from '../contract/kind.js';

const name = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected a name of 1-32 lower-case letters, digits, "-" or "_", starting with a letter');
const absolutePath = z.string().regex(/^\/[^\0]*$/, 'expected an absolute path');

export const vfsOptions = z.strictObject({
  mounts: z.array(z.strictObject({ path: absolutePath, fs: name })).min(1, 'expected at least the root mount'),
  /** Keep a copy of the entries of tmpfs/devfs/diskfs mounts in other threads (default true). */
  lookupCache: z.boolean().optional(),
  /** Bytes one pipe buffers before its writer waits (default 64 KiB). */
  pipeBytes: z.number().int().min(512).max(16 * 1024 * 1024).optional(),
  /** Files one program may hold open on host directories (hostfs) at once (default 1024); EMFILE beyond. */
  hostFiles: z.number().int().min(1).max(1 << 20).optional(),
});

export const vfsDeclaration: KindDeclaration<typeof vfsOptions> = {
  options: vfsOptions,
  traits: { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true },
};

/** A mount, with what the system knows of the file system's kind (services/kind.ts traits). */
export interface VfsMountConfig {
  readonly path: string;
  readonly fs: string;
  /** The file system changes only through the VFS: lookups may be copied. */
  readonly cacheLookups?: boolean;
  /** Each open file holds a host descriptor: counted against `hostFiles`. */
  readonly hostDescriptors?: boolean;
}

export type VfsInstanceConfig = Omit<z.infer<typeof vfsOptions>, 'mounts'> & { readonly mounts: readonly VfsMountConfig[] };

/**
 * The options a manifest may give a vfs service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

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

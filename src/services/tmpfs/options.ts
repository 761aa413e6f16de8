/**
 * The options a manifest may give a tmpfs service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

const absolutePath = z.string().regex(/^\/[^\0]*$/, 'expected an absolute path');

export const tmpfsOptions = z.strictObject({
  /** Bytes it may hold in all: file data and every node, name and symlink target (default 1 GiB); past it ENOSPC. */
  maxBytes: z.number().int().min(64 * 1024).max(2 ** 44).optional(),
  /** Of those, bytes of everything but file data, which lives on its thread's heap (default 64 MiB); past it ENOSPC. */
  maxMetadataBytes: z.number().int().min(64 * 1024).max(2 ** 40).optional(),
  dirs: z.array(absolutePath).optional(),
});

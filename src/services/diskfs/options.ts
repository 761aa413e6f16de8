/**
 * The options a manifest may give a diskfs service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

const absolutePath = z.string().regex(/^\/[^\0]*$/, 'expected an absolute path');

export const diskfsOptions = z.strictObject({
  /** The disk image on the host; made (sparse, `size` bytes) and formatted if missing or empty. */
  image: absolutePath,
  /** Size of a new image in bytes (default 64 MiB; at least 1 MiB). An existing image keeps its size. */
  size: z.number().int().min(1024 * 1024).max(2 ** 44).optional(),
  /** Commit changes this long after the first uncommitted one (default 5000 ms); fsync commits at once. */
  commitMs: z.number().int().min(0).max(3_600_000).optional(),
});

/**
 * The options a manifest may give a net service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

export const netOptions = z.strictObject({
  listen: z.array(z.strictObject({ host: z.string(), port: z.number().int().min(0).max(65535) })),
});

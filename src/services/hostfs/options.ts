/**
 * The options a manifest may give a hostfs service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

export const hostfsOptions = z.strictObject({
  root: z.string().min(1),
  readOnly: z.boolean().optional(),
});

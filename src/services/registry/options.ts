/**
 * The options a manifest may give a registry service, as a schema (zod): read only where
 * manifests are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

export const registryOptions = z.strictObject({
  /** The package registry's URL (npm's `registry` setting), http or https. */
  url: z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expected an http:// or https:// URL without query or fragment'),
});

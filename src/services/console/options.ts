/**
 * The options a manifest may give a console service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

export const consoleOptions = z.strictObject({});

/**
 * The options a manifest may give a proc service, as a schema (zod): read only where manifests
 * are validated (manifest/manifest-schema.ts), never by the service itself.
 */

import { z } from 'zod';

const name = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected a name of 1-32 lower-case letters, digits, "-" or "_", starting with a letter');

export const procOptions = z.strictObject({
  /** The service whose badge may signal process groups (^C, ^Z). */
  tty: name.optional(),
  /** Children one process may have started and not yet waited for (default 64); past it spawn is EAGAIN. */
  maxChildren: z.number().int().min(1).max(4096).optional(),
  /** Processes proc may have started and not yet forgotten, in all (default 160); past it spawn is EAGAIN. */
  maxProcesses: z.number().int().min(1).max(4096).optional(),
  /**
   * Sessions only some of Keel's own programs get, by program name: `{ pkg: [registry] }` gives a
   * registry session to each process whose program file is exactly `#!keel pkg`, and to no other.
   * Each service must be one proc mints (capabilities.mint).
   */
  grants: z.record(z.string().regex(/^[a-z][a-z0-9+_-]{0,31}$/, 'expected a program name'), z.array(name)).optional(),
});

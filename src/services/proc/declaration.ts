/** proc, as a manifest declares it: the terminal that may signal groups, and how many processes it starts. */

import { z } from 'zod';
import type { KindDeclaration } from '../contract/kind.js';

const name = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected a name of 1-32 lower-case letters, digits, "-" or "_", starting with a letter');

export const procOptions = z.strictObject({
  /** The service whose badge may signal process groups (^C, ^Z). */
  tty: name.optional(),
  /** Children one process may have started and not yet waited for (default 64); past it spawn is EAGAIN. */
  maxChildren: z.number().int().min(1).max(4096).optional(),
  /** Processes proc may have started and not yet forgotten, in all (default 160); past it spawn is EAGAIN. */
  maxProcesses: z.number().int().min(1).max(4096).optional(),
});

export const procDeclaration: KindDeclaration<typeof procOptions> = {
  options: procOptions,
  traits: { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true },
};

export type ProcInstanceConfig = z.infer<typeof procOptions>;

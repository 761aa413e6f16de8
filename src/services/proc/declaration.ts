/** proc, as a manifest declares it: the terminal that may signal groups, how many processes it starts, and the sessions only some programs get. */

import type { z } from 'zod';
import type { procOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';

export const procTraits: KindTraits = { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true };

export type ProcInstanceConfig = z.infer<typeof procOptions>;

/** The net service, as a manifest declares it: the host addresses to listen on. */

import type { z } from 'zod';
import type { netOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';

export const netTraits: KindTraits = { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true };

export type NetInstanceConfig = Partial<z.infer<typeof netOptions>>;

/** The registry service, as a manifest declares it: the URL of the package registry it reads. */

import type { z } from 'zod';
import type { registryOptions } from './options.js';
import type { KindTraits } from '../contract/kind.js';

export const registryTraits: KindTraits = { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true };

export type RegistryInstanceConfig = z.infer<typeof registryOptions>;

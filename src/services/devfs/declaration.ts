/** devfs, as a manifest declares it: no options (`null`, `zero`, `full`). */

import type { KindTraits } from '../contract/kind.js';

export const devfsTraits: KindTraits = { fileSystem: true, pageCache: false, changesOnlyThroughVfs: true, hostDescriptors: false, wellKnown: false };

/** What a devfs instance is built with (it has no options). */
export type DevfsInstanceConfig = object;

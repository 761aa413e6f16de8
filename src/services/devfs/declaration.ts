/** devfs, as a manifest declares it: no options (`null`, `zero`, `full`). */

import { z } from 'zod';
import type { KindDeclaration } from '../contract/kind.js';

export const devfsOptions = z.strictObject({});

export const devfsDeclaration: KindDeclaration<typeof devfsOptions> = {
  options: devfsOptions,
  traits: { fileSystem: true, pageCache: false, changesOnlyThroughVfs: true, hostDescriptors: false, wellKnown: false },
};

/** What a devfs instance is built with (it has no options). */
export type DevfsInstanceConfig = object;

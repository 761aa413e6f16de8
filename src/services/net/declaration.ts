/** The net service, as a manifest declares it: the host addresses to listen on. */

import { z } from 'zod';
import type { KindDeclaration } from '../contract/kind.js';

export const netOptions = z.strictObject({
  listen: z.array(z.strictObject({ host: z.string(), port: z.number().int().min(0).max(65535) })),
});

export const netDeclaration: KindDeclaration<typeof netOptions> = {
  options: netOptions,
  traits: { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true },
};

export type NetInstanceConfig = Partial<z.infer<typeof netOptions>>;

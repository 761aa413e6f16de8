/** The console, as a manifest declares it: no options (a `keel boot` session turns its line discipline on). */

import type { KindTraits } from '../contract/kind.js';

export const consoleTraits: KindTraits = { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: true };

/** What a console instance is built with (it has no manifest options). */
export interface ConsoleInstanceConfig {
  /** Be the terminal's line discipline (echo, editing, ^C/^Z) when stdin is a terminal. */
  readonly discipline?: boolean;
}

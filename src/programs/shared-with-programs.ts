/**
 * The modules a bundled programs bundle (program-modules.ts) takes from the process runtime that
 * loads it instead of carrying copies: those whose classes errors are matched by (`instanceof
 * SysError`, `instanceof RegistryError`), which must be the runtime's own. Published under a
 * global symbol of the thread before the programs are loaded; scripts/bundle.mjs points the
 * programs bundle's imports of these modules at it. Unbundled, the programs import the modules
 * directly and the table is unused.
 */

import * as sys from '../sys/sys.js';
import * as registrySession from '../sys/registry-session.js';

/** The global the programs bundle reads its shared modules from (scripts/bundle.mjs uses the same key). */
export const SHARED_WITH_PROGRAMS = Symbol.for('keel.sharedWithPrograms');

/** Publish the runtime's shared modules for a programs bundle, keyed by their path under src/. */
export function shareWithPrograms(): void {
  (globalThis as unknown as Record<symbol, unknown>)[SHARED_WITH_PROGRAMS] ??= { 'sys/sys.js': sys, 'sys/registry-session.js': registrySession };
}

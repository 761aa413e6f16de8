/**
 * Keel's own TypeScript programs, loaded by name: each program is the module `bin/NAME.js` (or an
 * alias's, program-names.ts), exporting `main(sys)`, which returns the exit status (or throws: the
 * process ends as crashed, with the message). Only the process runtime imports this file — every
 * program is behind its dynamic import of program-modules.ts (in a bundled Keel, a bundle of its
 * own, loaded by the first program a thread runs).
 */

import type { Sys } from '../sys/sys.js';
import { ALIASES, isProgramName } from './program-names.js';
import { shareWithPrograms } from './shared-with-programs.js';

export type ProgramMain = (sys: Sys) => number | void | Promise<number | void>;

/** The entry point of program `name` (which must be in PROGRAM_NAMES). */
export async function loadProgram(name: string): Promise<ProgramMain> {
  if (!isProgramName(name)) throw new Error(`no program named ${name}`);
  shareWithPrograms();
  const { programModule } = await import('./program-modules.js');
  const mod = await programModule(ALIASES[name] ?? name);
  if (typeof mod.main !== 'function') throw new Error(`program ${name} has no main()`);
  return mod.main as ProgramMain;
}

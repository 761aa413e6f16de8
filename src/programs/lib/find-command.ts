/**
 * The PATH search of the utilities that run other programs (env, xargs), as the shell does it: a
 * name with `/` is a path; else the first PATH directory holding NAME, then NAME.wasm, as a
 * regular file.
 */

import { type Sys, SysError } from '../../sys/sys.js';

/** The file that runs for `name` under `path` (colon-separated), or null. */
export function findCommand(sys: Sys, name: string, path: string): string | null {
  if (name.includes('/')) return name;
  for (const dir of path.split(':')) {
    for (const candidate of [`${dir || '.'}/${name}`, `${dir || '.'}/${name}.wasm`]) {
      try {
        if (sys.stat(candidate).type === 'file') return candidate;
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
      }
    }
  }
  return null;
}

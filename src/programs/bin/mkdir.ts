/**
 * mkdir [-p] DIR...: create each directory. With -p, missing parents are created first and a
 * directory that already exists is not an error. Status 1 if any DIR could not be made.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';

/** `a/b/c` → `a`, `a/b`, `a/b/c` (the root and empty components are skipped). */
function prefixes(path: string): string[] {
  const out: string[] = [];
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    out.push(parts.slice(0, i + 1).join('/') || '/');
  }
  return out;
}

/** Create `path` and its missing parents; an existing directory is fine. */
function makeParents(sys: Sys, path: string): void {
  const all = prefixes(path);
  all.forEach((p, i) => {
    try {
      sys.mkdir(p);
    } catch (e) {
      if (!(e instanceof SysError) || e.code !== 'EEXIST') throw e;
      // A parent that is not a directory makes the next mkdir fail (ENOTDIR), naming that path.
      if (i < all.length - 1 || isDirectory(sys, p)) return;
      throw e;
    }
  });
}

function isDirectory(sys: Sys, path: string): boolean {
  try {
    return sys.stat(path).type === 'dir';
  } catch {
    return false;
  }
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'p', long: { parents: 'p' } });
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `mkdir: ${typeof o === 'string' ? o : 'missing operand'}\nTry 'mkdir --help' for more information.\n`);
    return 1;
  }
  let status = 0;
  for (const dir of o.operands) {
    try {
      if (o.flags.has('p')) makeParents(sys, dir);
      else sys.mkdir(dir);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `mkdir: cannot create directory '${e.path ?? dir}': ${errorText(e.errno)}\n`);
      status = 1;
    }
  }
  return status;
}

/**
 * rm [-r|-R] [-f] [-d] PATH...: remove files. A directory needs -r (it and everything under it)
 * or -d (only if empty); otherwise it is reported as "Is a directory". Symlinks are removed
 * themselves, never followed. `.`, `..` (as a last component) and `/` are refused. -f: missing
 * files are not errors and no operands is fine. Status 1 if anything could not be removed.
 *
 * removeTree is shared with mv (its copy-and-remove fallback across file systems).
 */

import { type FileType, type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { baseName, joinPath } from '../../sys/sys-path.js';
import { parseOptions } from '../lib/options.js';

/** Remove `path` (of `type`, as lstat or readdir gave it) and all it holds; false if anything failed (reported). */
export function removeTree(sys: Sys, path: string, type: FileType, report: (path: string, e: SysError) => void): boolean {
  const attempt = (fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      report(path, e);
      return false;
    }
  };
  if (type === 'unknown' && !attempt(() => { type = sys.lstat(path).type; })) return false;
  if (type !== 'dir') return attempt(() => sys.unlink(path));
  let entries: { name: string; type: FileType }[] = [];
  if (!attempt(() => { entries = sys.readdir(path); })) return false;
  let ok = true;
  for (const d of entries) ok = removeTree(sys, joinPath(path, d.name), d.type, report) && ok;
  // A directory whose contents could not all go stays, silently: its children were reported.
  return ok && attempt(() => sys.rmdir(path));
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'rRfd', long: { recursive: 'r', force: 'f', dir: 'd' } });
  if (typeof o === 'string' || (o.operands.length === 0 && !o.flags.has('f'))) {
    sys.write(2, `rm: ${typeof o === 'string' ? o : 'missing operand'}\nTry 'rm --help' for more information.\n`);
    return 1;
  }
  const recursive = o.flags.has('r') || o.flags.has('R');
  const force = o.flags.has('f');
  let status = 0;
  const report = (path: string, e: SysError): void => {
    if (force && e.code === 'ENOENT') return;
    sys.write(2, `rm: cannot remove '${path}': ${errorText(e.errno)}\n`);
    status = 1;
  };
  const refuse = (msg: string): void => {
    sys.write(2, `rm: ${msg}\n`);
    status = 1;
  };
  for (const path of o.operands) {
    const base = baseName(path);
    if (base === '.' || base === '..') {
      refuse(`refusing to remove '.' or '..' directory: skipping '${path}'`);
      continue;
    }
    if (sys.resolve(path) === '/') {
      refuse(recursive ? "it is dangerous to operate recursively on '/'" : `cannot remove '${path}': Is a directory`);
      continue;
    }
    let type: FileType;
    try {
      type = sys.lstat(path).type;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      report(path, e);
      continue;
    }
    if (type === 'dir' && !recursive) {
      if (!o.flags.has('d')) refuse(`cannot remove '${path}': Is a directory`);
      else {
        try {
          sys.rmdir(path);
        } catch (e) {
          if (!(e instanceof SysError)) throw e;
          report(path, e);
        }
      }
      continue;
    }
    removeTree(sys, path, type, report);
  }
  return status;
}

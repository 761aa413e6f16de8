/**
 * mv [-f] SRC... DEST: rename files. With one SRC, DEST is the new name, or, when DEST is a
 * directory, SRC moves into it under its last component; with several, DEST must be a directory.
 * A rename between file systems (EXDEV) falls back to copying (symlinks as symlinks, like cp -R)
 * and then removing the source. A directory cannot move into itself, a directory cannot replace a
 * non-directory nor the reverse. mv never asks, so -f is accepted and changes nothing.
 * Status 1 if anything could not be moved.
 */

import { type Stat, type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { baseName, joinPath } from '../../sys/sys-path.js';
import { parseOptions } from '../lib/options.js';
import { Copier } from './cp.js';
import { removeTree } from './rm.js';
import { copyTarget, usageError } from '../lib/copy-target.js';

function lstatOrNull(sys: Sys, path: string): Stat | null {
  try {
    return sys.lstat(path);
  } catch {
    return null;
  }
}

/** Move `src` (of stat `st`) to `dst`; an error message, or null when done. */
function move(sys: Sys, src: string, dst: string, st: Stat): string | null {
  const absSrc = sys.resolve(src), absDst = sys.resolve(dst);
  if (absSrc === absDst) return `'${src}' and '${dst}' are the same file`;
  if (st.type === 'dir' && absDst.startsWith(`${absSrc}/`)) return `cannot move '${src}' to a subdirectory of itself, '${dst}'`;
  const existing = lstatOrNull(sys, dst);
  if (existing?.type === 'dir' && st.type !== 'dir') return `cannot overwrite directory '${dst}' with non-directory`;
  if (existing && existing.type !== 'dir' && st.type === 'dir') return `cannot overwrite non-directory '${dst}' with directory '${src}'`;
  try {
    sys.rename(src, dst);
    return null;
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    if (e.code !== 'EXDEV') return `cannot move '${src}' to '${dst}': ${errorText(e.errno)}`;
  }
  // Across file systems: replace what rename would have replaced, copy, then remove the source.
  try {
    if (existing?.type === 'dir') sys.rmdir(dst);
    else if (existing) sys.unlink(dst);
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    return `cannot move '${src}' to '${dst}': ${errorText(e.errno)}`;
  }
  if (!new Copier(sys, 'mv', true, false).copy(src, dst, st)) return '';
  const removed = removeTree(sys, src, st.type, (path, e) => sys.write(2, `mv: cannot remove '${path}': ${errorText(e.errno)}\n`));
  return removed ? null : '';
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'f', long: { force: 'f' } });
  if (typeof o === 'string') return usageError(sys, 'mv', o);
  const target = copyTarget(sys, 'mv', o.operands);
  if (typeof target === 'number') return target;
  const { sources, dest, destIsDir } = target;
  let status = 0;
  for (const src of sources) {
    let failure: string | null;
    try {
      const st = sys.lstat(src);
      failure = move(sys, src, destIsDir ? joinPath(dest, baseName(src)) : dest, st);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      failure = `cannot stat '${src}': ${errorText(e.errno)}`;
    }
    if (failure === null) continue;
    // '' means the Copier or removeTree already reported.
    if (failure !== '') sys.write(2, `mv: ${failure}\n`);
    status = 1;
  }
  return status;
}

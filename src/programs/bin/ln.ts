/**
 * ln [-s] [-f] TARGET [LINK_NAME] | ln [-s] [-f] TARGET... DIR: make links. Without -s, a hard
 * link (to the TARGET itself, even a symlink; never to a directory); with -s, a symbolic link
 * whose contents are TARGET exactly as given. When the last operand is a directory (or is left
 * out: `.`), each link goes into it under TARGET's last component. -f removes an existing
 * non-directory destination first. Status 1 if any link could not be made.
 */

import { type Stat, type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { baseName, joinPath } from '../../sys/sys-path.js';
import { parseOptions } from '../lib/options.js';

function statOrNull(sys: Sys, path: string, follow: boolean): Stat | null {
  try {
    return follow ? sys.stat(path) : sys.lstat(path);
  } catch {
    return null;
  }
}

/** Make one link; an error message, or null when done. */
function makeLink(sys: Sys, target: string, name: string, symbolic: boolean, force: boolean): string | null {
  let targetStat: Stat | null = null;
  if (!symbolic) {
    try {
      targetStat = sys.lstat(target);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      return `failed to access '${target}': ${errorText(e.errno)}`;
    }
    if (targetStat.type === 'dir') return `${target}: hard link not allowed for directory`;
  }
  const existing = force ? statOrNull(sys, name, false) : null;
  if (existing) {
    if (existing.type === 'dir') return `'${name}': cannot overwrite directory`;
    if (targetStat && existing.dev === targetStat.dev && existing.ino === targetStat.ino) return `'${target}' and '${name}' are the same file`;
    try {
      sys.unlink(name);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      return `cannot remove '${name}': ${errorText(e.errno)}`;
    }
  }
  try {
    if (symbolic) sys.symlink(target, name);
    else sys.link(target, name);
    return null;
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    const what = symbolic ? 'symbolic link' : 'hard link';
    const which = symbolic || e.code === 'EEXIST' ? `'${name}'` : `'${name}' => '${target}'`;
    return `failed to create ${what} ${which}: ${errorText(e.errno)}`;
  }
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'sf', long: { symbolic: 's', force: 'f' } });
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `ln: ${typeof o === 'string' ? o : 'missing file operand'}\nTry 'ln --help' for more information.\n`);
    return 1;
  }
  const ops = o.operands;
  let targets: readonly string[], dir: string | null;
  if (ops.length === 1) {
    targets = ops;
    dir = '.';
  } else {
    const last = ops[ops.length - 1]!;
    targets = ops.slice(0, -1);
    dir = statOrNull(sys, last, true)?.type === 'dir' ? last : null;
    if (dir === null && ops.length > 2) {
      sys.write(2, `ln: target '${last}' is not a directory\n`);
      return 1;
    }
  }
  let status = 0;
  for (const target of targets) {
    const name = dir === null ? ops[ops.length - 1]! : joinPath(dir, baseName(target));
    const failure = makeLink(sys, target, name, o.flags.has('s'), o.flags.has('f'));
    if (failure !== null) {
      sys.write(2, `ln: ${failure}\n`);
      status = 1;
    }
  }
  return status;
}

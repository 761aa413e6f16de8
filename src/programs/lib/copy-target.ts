/**
 * The operands of cp and mv: SOURCE... DEST, where DEST must be a directory when there are
 * several sources, and a directory DEST receives each source under its own name. Usage errors are
 * printed GNU-style (`PROG: missing file operand`, `Try 'PROG --help'…`) and give status 1.
 */

import type { Sys } from '../../sys/sys.js';

export interface CopyTarget {
  readonly sources: readonly string[];
  readonly dest: string;
  readonly destIsDir: boolean;
}

/** Print a usage error GNU-style; status 1. */
export function usageError(sys: Sys, prog: string, msg: string): number {
  sys.write(2, `${prog}: ${msg}\nTry '${prog} --help' for more information.\n`);
  return 1;
}

/** Split `operands` into sources and target; else the status, after printing why. */
export function copyTarget(sys: Sys, prog: string, operands: readonly string[]): CopyTarget | number {
  const usage = (msg: string): number => usageError(sys, prog, msg);
  if (operands.length === 0) return usage('missing file operand');
  if (operands.length === 1) return usage(`missing destination file operand after '${operands[0]!}'`);
  const sources = operands.slice(0, -1);
  const dest = operands[operands.length - 1]!;
  let destIsDir = false;
  try {
    destIsDir = sys.stat(dest).type === 'dir';
  } catch {
    // A new name.
  }
  if (sources.length > 1 && !destIsDir) {
    sys.write(2, `${prog}: target '${dest}' is not a directory\n`);
    return 1;
  }
  return { sources, dest, destIsDir };
}

/**
 * nproc [--all] [--ignore=N]: how many processors a program may use. Keel does not tell programs
 * the host's processor count (sys has no such call), so the answer is $OMP_NUM_THREADS when set
 * (as GNU nproc honours it), else 1; --ignore=N takes N away (never below 1).
 */

import type { Sys } from '../../sys/sys.js';

export function main(sys: Sys): number {
  let ignore = 0;
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--ignore=')) ignore = Number(a.slice(9)) || 0;
    else if (a === '--ignore') ignore = Number(args[++i]) || 0;
  }
  const env = Number(sys.env.get('OMP_NUM_THREADS') ?? '');
  const n = Number.isInteger(env) && env > 0 ? env : 1;
  sys.write(1, `${Math.max(1, n - ignore)}\n`);
  return 0;
}

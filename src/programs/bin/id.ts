/**
 * id [-u|-g|-G] [-n]: the user running — Keel's answer. Keel has no users: a process's authority
 * is the capabilities it was given, and every program runs as the one user `keel`, uid and gid 0.
 */

import type { Sys } from '../../sys/sys.js';
import { usage } from '../lib/inputs.js';

export function main(sys: Sys): number {
  const flags = new Set<string>();
  for (const a of sys.args.slice(1)) {
    if (/^-[ugGnr]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else if (a === '--user') flags.add('u');
    else if (a === '--group') flags.add('g');
    else if (a === '--groups') flags.add('G');
    else if (a === '--name') flags.add('n');
    else if (a !== 'keel') return usage(sys, 'id', `'${a}': no such user`);
  }
  const name = flags.has('n');
  if (flags.has('u') || flags.has('g') || flags.has('G')) sys.write(1, name ? 'keel\n' : '0\n');
  else sys.write(1, 'uid=0(keel) gid=0(keel) groups=0(keel)\n');
  return 0;
}

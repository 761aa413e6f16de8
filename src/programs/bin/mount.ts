/**
 * mount: list the file systems in Keel's namespace, one per line, as `NAME on PATH type TYPE
 * (rw|ro)`. Mounting is decided by the system manifest at boot, so `mount` with operands only
 * says so (exit 1).
 */

import type { Sys } from '../../sys/sys.js';

export function main(sys: Sys): number {
  if (sys.args.length > 1) {
    sys.write(2, 'mount: file systems are mounted by the system configuration at boot; this lists them\n');
    return 1;
  }
  const out = sys.writer(1);
  for (const m of sys.mounts()) out.line(`${m.name} on ${m.path} type ${m.type} (${m.readOnly ? 'ro' : 'rw'})`);
  return 0;
}

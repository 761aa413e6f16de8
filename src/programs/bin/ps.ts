/**
 * ps: every process in the system — programs and the service threads — one per line:
 * PID, parent (the program that started it), process group (for processes proc started), IPC calls made and served, and the
 * name. `ps -p PID...` limits it to those pids.
 */

import type { Sys } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { values: 'p' });
  if (typeof o === 'string') {
    sys.write(2, `ps: ${o}\n`);
    return 2;
  }
  const only = o.values.get('p')?.split(',').map(Number);
  // proc knows the parent a program asked for it and its process group; the kernel's parent of
  // such a process is proc's own thread, which started it.
  const groups = new Map<number, number>();
  const parents = new Map<number, number>();
  try {
    for (const p of sys.processes()) {
      groups.set(p.pid, p.pgid);
      parents.set(p.pid, p.parent);
    }
  } catch {
    // no proc service: no process groups to show
  }
  const out = sys.writer(1);
  out.line(`${'PID'.padStart(5)} ${'PPID'.padStart(5)} ${'PGID'.padStart(5)} ${'KIND'.padEnd(7)} ${'CALLS'.padStart(8)} ${'SERVED'.padStart(8)}  COMMAND`);
  for (const p of sys.systemProcesses().sort((a, b) => a.pid - b.pid)) {
    if (only && !only.includes(p.pid)) continue;
    const kind = p.pid === 1 ? 'kernel' : p.serves ? 'service' : 'program';
    const pgid = groups.get(p.pid);
    out.line(`${String(p.pid).padStart(5)} ${String(parents.get(p.pid) ?? p.parent).padStart(5)} ${(pgid === undefined ? '-' : String(pgid)).padStart(5)} ${kind.padEnd(7)} ${String(p.calls).padStart(8)} ${String(p.served).padStart(8)}  ${p.name}`);
  }
  return 0;
}

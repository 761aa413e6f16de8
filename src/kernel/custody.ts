/**
 * Custody: the process handles an exit listener (the proc service) held when its worker ended,
 * kept by the kernel under the listener's name for the next instance under that name to take
 * (Kernel.adopt). Kept, they keep the processes' records — and the exit status of one that ends
 * while no listener runs — alive.
 *
 * Invariants: a kept capability's location is `custody` under the name it is kept by, and it is
 * in exactly one list; `take` hands a name's whole list over once; `drop` (a revoke reaching a
 * kept capability) removes it. The kernel still counts each kept capability on its object.
 */

import type { Capability } from './capability.js';
import type { Process } from './process.js';
import type { AdoptedProcess } from '../abi/protocols/kernel.js';

export class Custody {
  private readonly kept = new Map<string, Capability[]>();

  /** Keep `cap` (a handle to a process) for the next instance under `name`. */
  keep(name: string, cap: Capability): void {
    cap.location = { kind: 'custody', name };
    const list = this.kept.get(name);
    if (list) list.push(cap);
    else this.kept.set(name, [cap]);
  }

  /** Everything kept under `name`, handed over (nothing is kept under it afterwards). */
  take(name: string): Capability[] {
    const caps = this.kept.get(name) ?? [];
    this.kept.delete(name);
    for (const cap of caps) cap.location = { kind: 'gone' };
    return caps;
  }

  /** A kept capability is destroyed where it lies. */
  drop(cap: Capability): void {
    if (cap.location.kind !== 'custody') return;
    const list = this.kept.get(cap.location.name) ?? [];
    const i = list.indexOf(cap);
    if (i >= 0) list.splice(i, 1);
  }
}

/**
 * What an adopter is told of `child`, now under `handle`: its lineage only while that is the very
 * process the child was started for — alive, and older than the child (its pid may since have
 * been reused) — else 0.
 */
export function adoptedProcess(child: Process, handle: number, lineageNow: Process | undefined): AdoptedProcess {
  const lineage = lineageNow && lineageNow.alive && lineageNow.born < child.born ? lineageNow.pid : 0;
  return { pid: child.pid, handle, lineage, name: child.name, group: child.group, tag: child.tag, status: child.status, stopSignal: child.stopSignal };
}

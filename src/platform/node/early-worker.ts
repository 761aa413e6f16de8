/**
 * Workers started before Keel is loaded: `keel run` and `keel boot` (bin/keel.js) call
 * startEarlyWorkers() first thing, so Node's start of a worker (50 ms on this machine kind, most
 * of a short run's critical path) runs on the other core while this thread loads Keel and boots
 * the system. The host's first worker of each kind is then the early one (takeEarlyWorker): the
 * program's for `run` and `boot` (the shell), and for `boot` a service worker too, which the
 * default manifest's services take. The system has booted: an early worker nothing took is ended
 * (endEarlyWorkers: a manifest with no service worker).
 *
 * Invariants: at most one early worker per kind and process; each is unref'd until the host takes
 * it (it never keeps a process alive that exits before booting); one that died before it was
 * taken (its error is recorded, not thrown) is never handed out — the host starts a new one.
 * The handoff goes through a global symbol, since bin/keel.js loads this file on its own, before
 * and apart from the bundle that holds the host.
 */

import { Worker } from 'node:worker_threads';
import type { WorkerKind } from '../common/thread-driver.js';
import { HEAP_LIMITS } from './worker-heap.js';

/** Set (to true) by the bundler: the worker entry is the bundled one beside this code (scripts/bundle.mjs). */
declare const KEEL_BUNDLED: boolean | undefined;

interface EarlyWorker {
  readonly worker: Worker;
  dead: boolean;
}

const SLOTS = Symbol.for('keel.earlyWorkers');
const global = globalThis as unknown as Record<symbol, Map<WorkerKind, EarlyWorker> | undefined>;
const slots = (global[SLOTS] ??= new Map());

/** The entry module of a worker of `kind` (program-entry or service-entry, bundled or not). */
export function workerEntry(kind: WorkerKind): URL {
  return new URL(`./${kind}-entry.${typeof KEEL_BUNDLED === 'undefined' ? 'js' : 'cjs'}`, import.meta.url);
}

/** Start a worker of each kind in `kinds` (one that has one already is left alone). */
export function startEarlyWorkers(kinds: readonly WorkerKind[]): void {
  for (const kind of kinds) {
    if (slots.has(kind)) continue;
    const worker = new Worker(workerEntry(kind), { name: `keel:early-${kind}`, stdin: false, resourceLimits: HEAP_LIMITS[kind] });
    const early: EarlyWorker = { worker, dead: false };
    worker.on('error', () => { early.dead = true; });
    worker.once('exit', () => { early.dead = true; });
    worker.unref();
    slots.set(kind, early);
  }
}

/** The early worker of `kind`, once, if there is one and it is alive. */
export function takeEarlyWorker(kind: WorkerKind): Worker | null {
  const early = slots.get(kind);
  if (early === undefined) return null;
  slots.delete(kind);
  return early.dead ? null : early.worker;
}

/** End the early workers nothing took. */
export function endEarlyWorkers(): void {
  for (const [kind, early] of slots) {
    slots.delete(kind);
    void early.worker.terminate();
  }
}

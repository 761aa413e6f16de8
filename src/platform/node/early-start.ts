/**
 * Workers started before the code that uses them is loaded, kept under a name until it takes
 * them: Node's start of a worker (50–75 ms on this machine kind, most of a short run's critical
 * path) then runs on the other core while this thread loads Keel. Used by the `keel` command's
 * program and service workers (early-worker.ts) and the node:wasi drop-in's kernel worker
 * (early-wasi-kernel.ts).
 *
 * Invariants: at most one waiting worker per name, each handed out at most once; a waiting worker
 * is unref'd (it never keeps a process alive that exits before taking it); one that died while it
 * waited (its error is recorded, not thrown) is never handed out — the taker starts its own. The
 * table lives under a global symbol: the loaders run this code on their own, before and apart
 * from the bundles that take the workers.
 */

import { Worker, type WorkerOptions } from 'node:worker_threads';

interface Waiting {
  readonly worker: Worker;
  dead: boolean;
}

const TABLE = Symbol.for('keel.earlyWorkers');
const global = globalThis as unknown as Record<symbol, Map<string, Waiting> | undefined>;
const waiting = (global[TABLE] ??= new Map());

/** Start a worker of `entry` to wait under `name` (left alone if one waits there already). */
export function startEarly(name: string, entry: URL | string, options: WorkerOptions): void {
  if (waiting.has(name)) return;
  const worker = new Worker(entry, options);
  const w: Waiting = { worker, dead: false };
  worker.on('error', () => { w.dead = true; });
  worker.once('exit', () => { w.dead = true; });
  worker.unref();
  waiting.set(name, w);
}

/** The worker waiting under `name`, once, if there is one and it is alive. */
export function takeEarly(name: string): Worker | null {
  const w = waiting.get(name);
  if (w === undefined) return null;
  waiting.delete(name);
  return w.dead ? null : w.worker;
}

/** End the workers still waiting under `names`. */
export function endEarly(names: readonly string[]): void {
  for (const name of names) {
    const w = waiting.get(name);
    if (w === undefined) continue;
    waiting.delete(name);
    void w.worker.terminate();
  }
}

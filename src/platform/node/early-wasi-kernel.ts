/**
 * The node:wasi drop-in's kernel worker, started when `keel/wasi` is loaded (the bundle's loader
 * calls startEarlyWasiKernel before it reads the rest): Node's start of a worker (~50 ms here)
 * and the worker's loading of Keel then run on the other core while the caller's thread loads
 * the drop-in, compiles and instantiates its module; the first WASI object takes this worker
 * (takeEarlyWasiKernel) and sends it the system's shape as its first message (wasi-kernel.ts).
 *
 * Invariants: at most one early kernel worker per process, taken at most once; it is unref'd (it
 * never keeps a process alive that makes no WASI object); one that died before it was taken is
 * never handed out. The handoff goes through a global symbol, since the loader runs this file on
 * its own, apart from the bundle that holds the drop-in.
 */

import { Worker } from 'node:worker_threads';

/** Set (to true) by the bundler: the kernel worker's entry is the bundled one (scripts/bundle.mjs). */
declare const KEEL_BUNDLED: boolean | undefined;

interface EarlyKernel {
  readonly worker: Worker;
  dead: boolean;
  taken: boolean;
}

const SLOT = Symbol.for('keel.earlyWasiKernel');
const slots = globalThis as unknown as Record<symbol, EarlyKernel | undefined>;

/** The drop-in's kernel worker entry (bundled or not). */
export function wasiKernelEntry(): URL {
  return new URL(typeof KEEL_BUNDLED === 'undefined' ? './wasi-kernel.js' : './wasi-kernel.cjs', import.meta.url);
}

export function startEarlyWasiKernel(): void {
  if (slots[SLOT] !== undefined) return;
  const worker = new Worker(wasiKernelEntry(), { name: 'keel:wasi-kernel' });
  const early: EarlyKernel = { worker, dead: false, taken: false };
  worker.on('error', () => { early.dead = true; });
  worker.once('exit', () => { early.dead = true; });
  worker.unref();
  slots[SLOT] = early;
}

/** The early kernel worker, once, if there is one and it is alive; it waits for its shape. */
export function takeEarlyWasiKernel(): Worker | null {
  const early = slots[SLOT];
  if (early === undefined || early.taken) return null;
  early.taken = true;
  return early.dead ? null : early.worker;
}

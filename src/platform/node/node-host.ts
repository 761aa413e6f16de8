/**
 * The Node.js KernelHost: the pooled host (../common/pooled-host.ts: the pool, reuse of retired
 * threads, stop, stop-all, threadGone) with a driver for worker_threads running program-entry.js
 * or service-entry.js, by the worker's kind.
 *
 * What Node gives the driver: a Worker's `exit` event says it is gone, whatever the reason (a
 * crashed program or service never leaves callers hanging), and `terminate()` resolves after it;
 * an uncaught error is an `error` event and ends the worker by itself. Idle pool workers are
 * unref'd: they never keep the host process alive, nor does a pending refill.
 * Memory buffers for `memory_map` travel on a per-process MessagePort that the thread drains
 * synchronously with receiveMessageOnPort (it is blocked in the kernel call meanwhile).
 *
 * Every worker has a JS heap limit (`resourceLimits`): a worker that reaches it is ended alone
 * (ERR_WORKER_OUT_OF_MEMORY, reported as its process's crash) instead of V8 aborting the whole
 * host process. Program workers — the pool is only for programs — get PROGRAM_HEAP_MB (a wasm
 * program's linear memory is outside the JS heap: the memory budget bounds that); service
 * workers get the host's own heap limit, and never a pooled worker.
 */

import { getHeapStatistics } from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
import { PooledHost } from '../common/pooled-host.js';
import type { PoolPolicy } from '../common/pool-policy.js';
import type { ThreadDriver, WorkerKind } from '../common/thread-driver.js';
import { IDLE, type PoolStart } from './pool-messages.js';

/** Set (to true) by the bundler: the worker entry is the bundled one beside this code (scripts/bundle.mjs). */
declare const KEEL_BUNDLED: boolean | undefined;
const ext = typeof KEEL_BUNDLED === 'undefined' ? 'js' : 'cjs';
const ENTRIES: Record<WorkerKind, URL> = {
  program: new URL(`./program-entry.${ext}`, import.meta.url),
  service: new URL(`./service-entry.${ext}`, import.meta.url),
};

/** The host's own JS heap limit, in MiB: what a service worker may use. */
const HOST_HEAP_MB = Math.max(64, Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20));
/** A program worker's JS heap (the shim, a TypeScript program's objects), in MiB. */
export const PROGRAM_HEAP_MB = Math.min(512, HOST_HEAP_MB);
const HEAP_LIMITS: Record<WorkerKind, { maxOldGenerationSizeMb: number }> = {
  program: { maxOldGenerationSizeMb: PROGRAM_HEAP_MB },
  service: { maxOldGenerationSizeMb: HOST_HEAP_MB },
};

export const nodeThreadDriver: ThreadDriver<Worker> = {
  create(kind, name, events) {
    const w = new Worker(ENTRIES[kind], { name: `keel:${name}`, stdin: false, resourceLimits: HEAP_LIMITS[kind] });
    w.on('message', (m: unknown) => {
      if (m === IDLE) events.idle();
    });
    w.on('error', (err: unknown) => events.failed(err instanceof Error ? `${err.name}: ${err.message}` : String(err)));
    w.once('exit', (code) => events.exited(code));
    return w;
  },
  run(w, start) {
    const { port1, port2 } = new MessageChannel();
    w.postMessage({ start: { ...start, control: port2 } } satisfies PoolStart, [port2]);
    return port1;
  },
  terminate: (w) => w.terminate().then(() => undefined),
  hold: (w, keepsHostAlive) => (keepsHostAlive ? w.ref() : w.unref()),
  later: (fn, ms) => {
    setTimeout(fn, ms).unref();
  },
};

export class NodeHost extends PooledHost<Worker> {
  /** `pool`: how many warm workers to keep (0: none), or the whole policy (pool-policy.ts). */
  constructor(kernelQueue = 0, pool: number | Partial<PoolPolicy> = {}) {
    super(nodeThreadDriver, kernelQueue, typeof pool === 'number' ? { size: pool } : pool);
  }
}

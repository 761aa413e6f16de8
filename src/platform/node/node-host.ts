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
 * Host descriptors a program's local kernel held when its worker ended (a killed program) are
 * closed by Node as the worker ends (`trackUnmanagedFds`, asked for explicitly: node-host-files.ts).
 * Every worker has a JS heap limit (worker-heap.ts). The first program worker may be one
 * bin/keel.js started before Keel was loaded (early-worker.ts); those nothing took are ended
 * once the system has booted.
 */

import { MessageChannel, Worker } from 'node:worker_threads';
import { PooledHost } from '../common/pooled-host.js';
import type { PoolPolicy } from '../common/pool-policy.js';
import type { ThreadDriver } from '../common/thread-driver.js';
import { IDLE, type PoolStart, isModuleOffer } from './pool-messages.js';
import { endEarlyWorkers, takeEarlyWorker, workerEntry } from './early-worker.js';
import { heapLimits } from './worker-heap.js';

export const nodeThreadDriver: ThreadDriver<Worker> = {
  create(kind, name, events) {
    const w = takeEarlyWorker(kind) ?? new Worker(workerEntry(kind), { name: `keel:${name}`, stdin: false, resourceLimits: heapLimits(kind), trackUnmanagedFds: true });
    w.on('message', (m: unknown) => {
      if (m === IDLE) events.idle();
      else if (isModuleOffer(m)) events.module?.(m.module);
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

  override booted(): void {
    super.booted();
    endEarlyWorkers();
  }
}

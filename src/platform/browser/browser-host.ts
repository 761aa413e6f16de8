/**
 * The browser KernelHost: the pooled host (../common/pooled-host.ts: the pool, reuse of retired
 * threads, stop, stop-all, threadGone) with a driver for dedicated workers running
 * thread-worker.js, started from the kernel worker (the page's own thread never runs Keel: it may
 * not block in Atomics.wait).
 *
 * What the browser forces the driver to do differently from Node's: a Worker has no `exit` event,
 * so each worker holds a Web Lock for its life, and `terminate` resolves once that lock is
 * released (only then is its call slot reused, as on Node after `exit`); and a worker lives on
 * after an uncaught error, so an `error` event, or the `fatal` message thread-worker.ts sends for
 * an unhandled rejection, is reported as a failure, which ends the thread. Every thread is also
 * handed the boot's terminal channel (the console may be in any of them). Attached processes
 * (the node:wasi drop-in) need a Node.js host.
 */

import type { Process } from '../../kernel/process.js';
import { PooledHost } from '../common/pooled-host.js';
import type { ThreadDriver } from '../common/thread-driver.js';
import type { PoolPolicy } from '../common/pool-policy.js';
import { type HoldLock, IDLE, type RunProcess, type ThreadFatal } from './thread-messages.js';
import { newMessageChannel, type WebWorker, webLocks, workerConstructor } from './web-globals.js';

/** Names the life locks of this host's workers (unique per kernel worker: many tabs share the lock manager). */
const lockPrefix = `keel-thread-${Math.random().toString(36).slice(2)}-`;

/** The browser's ThreadDriver; `tty`, the boot's terminal channel, goes to every thread. */
function browserThreadDriver(tty: string): ThreadDriver<WebWorker> {
  const Worker = workerConstructor();
  if (!Worker) throw new Error('this context cannot start workers');
  /** Each worker's life lock (thread-messages.ts, HoldLock). */
  const lifeLocks = new Map<WebWorker, string>();
  let started = 0;
  return {
    create(_kind, _name, events) {
      // Written out in full so bundlers see the worker's entry point and build it.
      const w = new Worker(new URL('./thread-worker.js', import.meta.url), { type: 'module' });
      w.addEventListener('message', (e) => {
        if (e.data === IDLE) events.idle();
        else if ((e.data as ThreadFatal | null)?.kind === 'fatal') events.failed((e.data as ThreadFatal).message);
      });
      w.addEventListener('error', (e) => {
        e.preventDefault();
        events.failed(e.message ?? 'the thread failed');
      });
      w.addEventListener('messageerror', () => events.failed('a message to the thread could not be read'));
      const lock = `${lockPrefix}${++started}`;
      lifeLocks.set(w, lock);
      w.postMessage({ lock } satisfies HoldLock);
      return w;
    },
    run(w, start) {
      const { port1, port2 } = newMessageChannel();
      w.postMessage({ start: { ...start, control: port2, tty } } satisfies RunProcess, [port2]);
      return port1;
    },
    /**
     * Resolves once `w` can run no more code: when its life lock is released (the worker is
     * gone), or at once if it never took the lock (then it never started a process, and a
     * terminated worker runs no further task). Without Web Locks, on the next task.
     */
    terminate(w) {
      w.terminate();
      const lock = lifeLocks.get(w);
      lifeLocks.delete(w);
      const locks = webLocks();
      if (!locks || lock === undefined) return new Promise((resolve) => setTimeout(resolve, 0));
      return locks.request(lock, () => {}).then(() => undefined);
    },
    hold: () => {},
    later: (fn, ms) => {
      setTimeout(fn, ms);
    },
  };
}

export class BrowserHost extends PooledHost<WebWorker> {
  /** `tty`: the boot's terminal channel, handed to every thread (the console may be in any of them). */
  constructor(tty: string, kernelQueue = 0, pool: number | Partial<PoolPolicy> = {}) {
    super(browserThreadDriver(tty), kernelQueue, typeof pool === 'number' ? { size: pool } : pool);
  }

  override startThread(process: Process, boot: unknown, handles: readonly number[] = []): void {
    if ((boot as { attached?: boolean }).attached) throw new Error('attached processes need a Node.js host');
    super.startThread(process, boot, handles);
  }
}

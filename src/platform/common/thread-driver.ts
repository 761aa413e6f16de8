/**
 * What the pooled thread host (pooled-host.ts) needs from a platform to run Keel's threads: a
 * ThreadDriver starts a worker, hands it a process, terminates it, and reports what the worker
 * says or suffers. The Node driver (node/node-host.ts) runs worker_threads; the browser driver
 * (browser/browser-host.ts) runs Web Workers. Everything else — the pool, reuse of retired
 * threads, stopping, telling the kernel a thread is gone — is the host's, written once.
 *
 * Rules a driver keeps:
 * - `create` attaches the worker's listeners once; they report to the ThreadEvents it was given,
 *   for the worker's whole life (the host decides whom they concern at the moment).
 * - `exited` is reported at most once, when the worker can run no more code and did not need
 *   `terminate` to get there (Node's `exit` after an uncaught error). A driver whose workers
 *   never end by themselves (a browser's) never reports it.
 * - `terminate` is called at most once per worker; it resolves once the worker can run no more
 *   code — only then may the kernel reuse the call slot its process had.
 * - `run` is called once per process the worker serves: the first on a new worker, the next
 *   ones after the worker has said `idle`.
 */

import type { ShelvedModule, ThreadStart } from '../../abi/boot-spec.js';

/** Which heap a worker is made for: services get the host's, programs a bounded one. */
export type WorkerKind = 'program' | 'service';

/** What a worker reports. Every method may be called in any state; the host sorts it out. */
export interface ThreadEvents {
  /** The worker's process retired and the worker holds nothing of it any more. */
  idle(): void;
  /** The worker failed outside any process's control (an uncaught error): it must end. */
  failed(message: string): void;
  /** The worker ended without being terminated (`code` as the host gives it). */
  exited(code: number): void;
  /** The worker offers a module it compiled from an unchanged file (ipc/module-shelf.ts). Optional. */
  module?(m: ShelvedModule): void;
}

/** The host's end of a process's control channel (where `memory_map` buffers go). */
export interface ControlPort {
  postMessage(message: unknown): void;
  close(): void;
}

export interface ThreadDriver<W> {
  /** Start a worker of `kind` that waits for a process (`name` is for debuggers). */
  create(kind: WorkerKind, name: string, events: ThreadEvents): W;
  /** Give `worker` a process to run; returns the host's end of the process's control channel. */
  run(worker: W, start: ThreadStart): ControlPort;
  /** End `worker`; resolves once it can run no more code. */
  terminate(worker: W): Promise<void>;
  /** Whether `worker` keeps the host alive (Node's ref/unref; no such thing in a browser). */
  hold(worker: W, keepsHostAlive: boolean): void;
  /** Run `fn` after `ms` without keeping the host alive for it. */
  later(fn: () => void, ms: number): void;
}

/**
 * The messages between BrowserHost (in the kernel worker) and a thread worker it started
 * (thread-worker.ts): the host gives a worker a process to run; the worker says when that
 * process has retired and it is free again, or that it failed outside any process's control.
 */

import type { ThreadStart } from '../../abi/boot-spec.js';
import type { WebPort } from './web-globals.js';

/** A process's start data as a browser thread receives it. */
export interface BrowserThreadStart extends ThreadStart {
  /** Where `memory_map` buffers arrive. */
  readonly control: WebPort;
  /** The boot's terminal channel (tty-messages.ts). */
  readonly tty: string;
}

/**
 * Host → new worker, before anything else: hold the Web Lock `lock` for as long as you live.
 * A worker has no exit event; the lock's release is one (BrowserHost waits for it after
 * terminate(), so a call slot is reused only once its old thread cannot touch it).
 */
export interface HoldLock {
  readonly lock: string;
}

/** Host → worker: run this process. */
export interface RunProcess {
  readonly start: BrowserThreadStart;
}

/** Worker → host: its process retired and it holds nothing of it any more. */
export const IDLE = 'idle';

/** Worker → host: an error no process code caught (a browser worker lives on after one; Keel's threads do not). */
export interface ThreadFatal {
  readonly kind: 'fatal';
  readonly message: string;
}

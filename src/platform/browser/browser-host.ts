/**
 * The browser KernelHost: one dedicated worker per process, started from the kernel worker (the
 * page's own thread never runs Keel: it may not block in Atomics.wait).
 *
 * The same contract as NodeHost: a small pool of started workers makes spawning cheap; a process
 * that retired hands its worker back (it says `idle` once it has let go of its call slot), and a
 * worker that says nothing within RETIRE_GRACE_MS is stopped. Differences the browser forces:
 * a Worker has no `exit` event, so each worker holds a Web Lock for its life and a stopped thread
 * is reported gone once that lock is released (its call slot is reused only then, as on Node
 * after `exit`); and a worker lives on after an uncaught error, so an `error` event, or the
 * `fatal` message thread-worker.ts sends for an unhandled rejection, ends the thread here.
 */

import type { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import type { BootSpec } from '../../abi/boot-spec.js';
import type { SystemHost } from '../../system/system.js';
import { type HoldLock, IDLE, type BrowserThreadStart, type RunProcess, type ThreadFatal } from './thread-messages.js';
import { newMessageChannel, type WebPort, type WebWorker, webLocks, workerConstructor } from './web-globals.js';

/** How long a retiring thread may take to say it is idle before it is stopped like any other. */
const RETIRE_GRACE_MS = 2000;

/** What a worker's events go to: its current process, or nothing while it waits in the pool. */
interface WorkerEvents {
  message(data: unknown): void;
  error(message: string): void;
}

interface ThreadRecord {
  readonly worker: WebWorker;
  readonly control: WebPort;
  stopping: boolean;
  retiring: ReturnType<typeof setTimeout> | null;
  /** Terminate the worker and report the thread gone. */
  stop?: () => void;
}

const Worker = workerConstructor();

/** Names the life locks of this host's workers (unique per kernel worker: many tabs share the lock manager). */
const lockPrefix = `keel-thread-${Math.random().toString(36).slice(2)}-`;

export class BrowserHost implements SystemHost {
  kernel: Kernel | null = null;
  log?: (line: string) => void;
  private readonly threads = new Map<number, ThreadRecord>();
  private readonly exited = new Map<number, Promise<void>>();
  private readonly pool: WebWorker[] = [];
  private readonly events = new Map<WebWorker, WorkerEvents>();
  /** Each worker's life lock (thread-messages.ts, HoldLock). */
  private readonly lifeLocks = new Map<WebWorker, string>();
  private closing = false;
  /** Workers started so far (names their life locks). */
  private workersStarted = 0;
  readonly maxIdle: number;

  /** `tty`: the boot's terminal channel, handed to every thread (the console may be in any of them). */
  constructor(private readonly tty: string, private readonly kernelQueue = 0, readonly poolSize = 2) {
    if (!Worker) throw new Error('this context cannot start workers');
    this.maxIdle = Math.max(poolSize, 4);
  }

  private newWorker(): WebWorker {
    this.workersStarted++;
    // Written out in full so bundlers see the worker's entry point and build it.
    const w = new Worker!(new URL('./thread-worker.js', import.meta.url), { type: 'module' });
    w.addEventListener('message', (e) => this.events.get(w)?.message(e.data));
    w.addEventListener('error', (e) => {
      e.preventDefault();
      this.events.get(w)?.error(e.message ?? 'the thread failed');
    });
    w.addEventListener('messageerror', () => this.events.get(w)?.error('a message to the thread could not be read'));
    const lock = `${lockPrefix}${this.workersStarted}`;
    this.lifeLocks.set(w, lock);
    w.postMessage({ lock } satisfies HoldLock);
    return w;
  }

  /**
   * Terminate `w`; resolves once it can run no more code: when its life lock is released (the
   * worker is gone), or at once if it never took the lock (then it never started a process, and
   * a terminated worker runs no further task). Without Web Locks, on the next task.
   */
  private kill(w: WebWorker): Promise<void> {
    this.events.delete(w);
    w.terminate();
    const lock = this.lifeLocks.get(w);
    this.lifeLocks.delete(w);
    const locks = webLocks();
    if (!locks || lock === undefined) return new Promise((resolve) => setTimeout(resolve, 0));
    return locks.request(lock, () => {}).then(() => undefined);
  }

  /** Keep `w` idle until a process needs it; one that fails meanwhile is dropped. */
  private park(w: WebWorker): void {
    const drop = (): void => {
      const i = this.pool.indexOf(w);
      if (i >= 0) this.pool.splice(i, 1);
      void this.kill(w);
    };
    this.events.set(w, { message: () => {}, error: drop });
    this.pool.push(w);
  }

  private refill(): void {
    if (this.closing) return;
    while (this.pool.length < this.poolSize) this.park(this.newWorker());
  }

  startThread(process: Process, boot: unknown, handles: readonly number[] = []): void {
    if (this.closing) throw new Error('the host is shutting down');
    if ((boot as { attached?: boolean }).attached) throw new Error('attached processes need a Node.js host');
    const kernel = this.kernel!;
    const { port1, port2 } = newMessageChannel();
    const start: BrowserThreadStart = {
      arena: kernel.arena.buffer, pid: process.pid, slot: process.slot, kernelQueue: this.kernelQueue,
      handles, boot: boot as BootSpec, limits: process.limits, control: port2, tty: this.tty,
    };
    const w = this.pool.shift() ?? this.newWorker();
    w.postMessage({ start } satisfies RunProcess, [port2]);
    if (this.pool.length < this.poolSize) setTimeout(() => this.refill(), 25);

    const record: ThreadRecord = { worker: w, control: port1, stopping: false, retiring: null };
    this.threads.set(process.pid, record);
    let gone = (): void => {};
    let ended = false;
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      if (record.retiring) clearTimeout(record.retiring);
      this.threads.delete(process.pid);
      port1.close();
      kernel.threadGone(process.pid, reason);
      this.exited.delete(process.pid);
      gone();
    };
    const fail = (message: string): void => {
      if (record.stopping) return;
      record.stopping = true;
      void this.kill(w).then(() => end(message));
    };
    this.events.set(w, {
      message: (m) => {
        if ((m as ThreadFatal | null)?.kind === 'fatal') return fail((m as ThreadFatal).message);
        if (m !== IDLE) return;
        if (!record.retiring || record.stopping) {
          this.terminate(record);
          return;
        }
        // The process retired and its thread has let go of its call slot: the worker is free.
        end('the thread retired');
        if (this.closing || this.pool.length >= this.maxIdle) void this.kill(w);
        else this.park(w);
      },
      error: fail,
    });
    this.exited.set(process.pid, new Promise<void>((resolve) => {
      gone = resolve;
    }));
    record.stop = (): void => {
      void this.kill(w).then(() => end('the thread was stopped'));
    };
  }

  stopThread(process: Process, retiring = false): void {
    const t = this.threads.get(process.pid);
    if (!t || t.stopping || t.retiring) return;
    if (retiring && !this.closing) {
      t.retiring = setTimeout(() => this.terminate(t), RETIRE_GRACE_MS);
      return;
    }
    this.terminate(t);
  }

  private terminate(t: ThreadRecord): void {
    if (t.stopping) return;
    t.stopping = true;
    t.stop?.();
  }

  deliverMemory(process: Process, id: number, buffer: SharedArrayBuffer): void {
    this.threads.get(process.pid)?.control.postMessage({ kind: 'memory', id, buffer });
  }

  whenGone(pid: number): Promise<void> {
    return this.exited.get(pid) ?? Promise.resolve();
  }

  liveThreads(): number {
    return this.threads.size + this.pool.length;
  }

  async stopAll(): Promise<void> {
    this.closing = true;
    const pending: Promise<void>[] = this.pool.splice(0).map((w) => this.kill(w));
    pending.push(...this.exited.values());
    for (const t of this.threads.values()) {
      if (t.retiring) clearTimeout(t.retiring);
      this.terminate(t);
    }
    await Promise.all(pending);
  }
}

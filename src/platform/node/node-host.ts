/**
 * The Node.js KernelHost: one worker thread per process.
 *
 * `startThread` gives the new process a Worker running thread-entry.js and the ThreadStart data:
 * a warm one from a small pool when there is one (starting a worker costs tens of milliseconds;
 * handing a started one its data costs well under one), else a fresh one. Its `exit` and `error`
 * events tell the kernel the thread is gone (`threadGone`), whatever the reason, so a crashed
 * program or service never leaves callers hanging. Idle pool workers are unref'd: they never keep
 * the host process alive. `stopThread` terminates the worker — unless the process retired
 * (ended itself and kept its thread): then the worker's `idle` message tells the kernel the thread
 * is gone and the worker goes back to the pool, its code already compiled and warm, so the next
 * process skips both the thread start and the cold start of the shim.
 * Memory buffers for `memory_map` travel on a per-thread MessagePort that the thread drains
 * synchronously with receiveMessageOnPort (it is blocked in the kernel call meanwhile).
 *
 * Every worker has a JS heap limit (`resourceLimits`): a worker that reaches it is ended alone
 * (ERR_WORKER_OUT_OF_MEMORY, reported as its process's crash) instead of V8 aborting the whole
 * host process. Program workers — the pool is only for programs — get PROGRAM_HEAP_MB (a wasm
 * program's linear memory is outside the JS heap: the memory budget bounds that); service
 * workers get the host's own heap limit, and never a pooled worker.
 */

import { getHeapStatistics } from 'node:v8';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Kernel, KernelHost } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import type { BootSpec, ThreadStart } from '../../abi/boot-spec.js';
import { IDLE, type PoolStart } from './pool-messages.js';

const entryUrl = new URL('./thread-entry.js', import.meta.url);

interface ThreadRecord {
  readonly worker: Worker;
  readonly control: MessagePort;
  stopping: boolean;
  /** The process retired: the thread is expected to say it is idle (else it is stopped at this timer). */
  retiring: ReturnType<typeof setTimeout> | null;
}

/** How long a retiring thread may take to say it is idle before it is stopped like any other. */
const RETIRE_GRACE_MS = 2000;

/** The host's own JS heap limit, in MiB: what a service worker may use. */
const HOST_HEAP_MB = Math.max(64, Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20));
/** A program worker's JS heap (the shim, a TypeScript program's objects), in MiB. */
export const PROGRAM_HEAP_MB = Math.min(512, HOST_HEAP_MB);
const PROGRAM_LIMITS = { maxOldGenerationSizeMb: PROGRAM_HEAP_MB };
const SERVICE_LIMITS = { maxOldGenerationSizeMb: HOST_HEAP_MB };

export class NodeHost implements KernelHost {
  kernel: Kernel | null = null;
  private readonly threads = new Map<number, ThreadRecord>();
  private readonly exited = new Map<number, Promise<void>>();
  /** Called with (pid, error message) when a thread dies of an uncaught error. */
  onThreadError: ((pid: number, message: string) => void) | null = null;

  /** Started workers waiting for a process to run: fresh ones, and threads of retired processes. */
  private readonly pool: Worker[] = [];
  private closing = false;
  /** Workers started so far (pool and on demand): with threads reused, far fewer than processes. */
  workersStarted = 0;
  /** Threads taken back from retired processes into the pool. */
  threadsReused = 0;
  /** Threads handed back by retired processes beyond this many are stopped, not kept. */
  readonly maxIdle: number;

  constructor(private readonly kernelQueue: number = 0, readonly poolSize: number = 2) {
    this.maxIdle = Math.max(poolSize, 4);
  }

  /** A new worker running thread-entry.js, counted. */
  private newWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
    this.workersStarted++;
    return new Worker(entryUrl, options);
  }

  /** Keep `w` idle in the pool until a process needs it (unref'd: it never keeps the host alive). */
  private park(w: Worker): void {
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
    w.removeAllListeners('message');
    w.unref();
    w.on('error', () => {});
    w.once('exit', () => {
      const i = this.pool.indexOf(w);
      if (i >= 0) this.pool.splice(i, 1);
    });
    this.pool.push(w);
  }

  /** Top the pool up (off the caller's path: creating a worker takes the thread a moment). */
  private refill(): void {
    if (this.closing) return;
    while (this.pool.length < this.poolSize) {
      this.park(this.newWorker({ workerData: { pooled: true }, name: 'keel:idle', stdin: false, resourceLimits: PROGRAM_LIMITS }));
    }
  }

  /** Attached processes (WasmBoot.attached): their start data until taken, and their end. */
  private readonly attached = new Map<number, { start: ThreadStart | null; done: () => void }>();

  takeAttached(pid: number): ThreadStart | undefined {
    const a = this.attached.get(pid);
    const start = a?.start ?? undefined;
    if (a) a.start = null;
    return start;
  }

  attachedDone(pid: number, status?: ExitStatus): void {
    if (status && this.attached.has(pid)) this.kernel?.exitProcess(pid, status);
    this.attached.get(pid)?.done();
  }

  /** No worker: keep the start data for the thread that will run it, and hear of its end. */
  private attach(process: Process, start: ThreadStart): void {
    const kernel = this.kernel!;
    this.exited.set(process.pid, new Promise<void>((resolve) => {
      this.attached.set(process.pid, {
        start,
        done: () => {
          this.attached.delete(process.pid);
          this.exited.delete(process.pid);
          kernel.threadGone(process.pid, 'the attached thread left');
          resolve();
        },
      });
    }));
  }

  startThread(process: Process, boot: unknown, handles: readonly number[] = []): void {
    if (this.closing) throw new Error('the host is shutting down');
    const kernel = this.kernel!;
    if ((boot as { attached?: boolean }).attached) {
      this.attach(process, { arena: kernel.arena.buffer, pid: process.pid, slot: process.slot, kernelQueue: this.kernelQueue, handles, boot: boot as BootSpec, limits: process.limits });
      return;
    }
    const { port1, port2 } = new MessageChannel();
    const start: ThreadStart & { control: MessagePort } = {
      arena: kernel.arena.buffer,
      pid: process.pid,
      slot: process.slot,
      kernelQueue: this.kernelQueue,
      handles,
      boot: boot as BootSpec,
      limits: process.limits,
      control: port2,
    };
    const service = (boot as BootSpec).kind === 'services';
    let worker = service ? undefined : this.pool.shift();
    if (worker) {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      worker.ref();
      worker.postMessage({ start } satisfies PoolStart, [port2]);
    } else {
      worker = this.newWorker({
        workerData: start,
        transferList: [port2],
        name: `keel:${process.pid}:${process.name}`,
        stdin: false,
        resourceLimits: service ? SERVICE_LIMITS : PROGRAM_LIMITS,
      });
    }
    // Refill a little later: starting a worker busies this thread for a few ms, which the new
    // process would otherwise wait out in its first calls to the kernel thread.
    if (this.pool.length < this.poolSize) setTimeout(() => this.refill(), 25).unref();
    const w = worker;
    const record: ThreadRecord = { worker: w, control: port1, stopping: false, retiring: null };
    this.threads.set(process.pid, record);
    let errorMessage = '';
    let gone = (): void => {};
    const end = (reason: string): void => {
      if (record.retiring) clearTimeout(record.retiring);
      this.threads.delete(process.pid);
      port1.close();
      kernel.threadGone(process.pid, reason);
      this.exited.delete(process.pid);
      gone();
    };
    w.on('error', (err: unknown) => {
      errorMessage = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.onThreadError?.(process.pid, errorMessage);
    });
    w.on('message', (m: unknown) => {
      if (m !== IDLE) return;
      if (!record.retiring || record.stopping) {
        void w.terminate();
        return;
      }
      // The process retired and its thread has let go of its call slot: the thread is free.
      end('the thread retired');
      if (this.closing || this.pool.length >= this.maxIdle) void w.terminate();
      else {
        this.threadsReused++;
        this.park(w);
      }
    });
    this.exited.set(process.pid, new Promise<void>((resolve) => {
      gone = resolve;
      w.once('exit', (code) => end(errorMessage || `thread exited with code ${code}`));
    }));
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
    void t.worker.terminate();
  }

  deliverMemory(process: Process, id: number, buffer: SharedArrayBuffer): void {
    this.threads.get(process.pid)?.control.postMessage({ kind: 'memory', id, buffer });
  }

  /** Resolves when the thread of `pid` has fully ended (immediately if none). */
  whenGone(pid: number): Promise<void> {
    return this.exited.get(pid) ?? Promise.resolve();
  }

  /** Workers alive now: processes' threads and idle pool workers (attached threads are the host's own). */
  liveThreads(): number {
    return this.threads.size + this.pool.length;
  }

  /** Terminate every thread and wait until all have ended. */
  async stopAll(): Promise<void> {
    this.closing = true;
    const idle = this.pool.splice(0).map((w) => w.terminate());
    // An attached thread cannot be stopped from here (it is the host's own): stop waiting for it.
    for (const a of [...this.attached.values()]) a.done();
    const pending = [...this.exited.values(), ...idle];
    for (const t of this.threads.values()) {
      if (t.retiring) clearTimeout(t.retiring);
      this.terminate(t);
    }
    await Promise.all(pending);
  }
}

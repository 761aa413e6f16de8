/**
 * The Node.js KernelHost: one worker thread per process.
 *
 * `startThread` gives the new process a Worker running thread-entry.js and the ThreadStart data:
 * a warm one from a small pool when there is one (starting a worker costs tens of milliseconds;
 * handing a started one its data costs well under one), else a fresh one. Its `exit` and `error`
 * events tell the kernel the thread is gone (`threadGone`), whatever the reason, so a crashed
 * program or service never leaves callers hanging. Idle pool workers are unref'd: they never keep
 * the host process alive. `stopThread` terminates the worker.
 * Memory buffers for `memory_map` travel on a per-thread MessagePort that the thread drains
 * synchronously with receiveMessageOnPort (it is blocked in the kernel call meanwhile).
 */

import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Kernel, KernelHost } from '../../kernel/kernel.js';
import type { ExitStatus, Process } from '../../kernel/process.js';
import type { BootSpec, ThreadStart } from '../../system/boot-spec.js';

const entryUrl = new URL('./thread-entry.js', import.meta.url);

interface ThreadRecord {
  readonly worker: Worker;
  readonly control: MessagePort;
  stopping: boolean;
}

export class NodeHost implements KernelHost {
  kernel: Kernel | null = null;
  private readonly threads = new Map<number, ThreadRecord>();
  private readonly exited = new Map<number, Promise<void>>();
  /** Called with (pid, error message) when a thread dies of an uncaught error. */
  onThreadError: ((pid: number, message: string) => void) | null = null;

  /** Started workers waiting for a process to run. */
  private readonly pool: Worker[] = [];
  private closing = false;

  constructor(private readonly kernelQueue: number = 0, readonly poolSize: number = 2) {}

  /** Top the pool up (off the caller's path: creating a worker takes the thread a moment). */
  private refill(): void {
    if (this.closing) return;
    while (this.pool.length < this.poolSize) {
      const w = new Worker(entryUrl, { workerData: { pooled: true }, name: 'keel:idle', stdin: false });
      w.unref();
      w.on('error', () => {});
      w.once('exit', () => {
        const i = this.pool.indexOf(w);
        if (i >= 0) this.pool.splice(i, 1);
      });
      this.pool.push(w);
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
      this.attach(process, { arena: kernel.arena.buffer, pid: process.pid, slot: process.slot, kernelQueue: this.kernelQueue, handles, boot: boot as BootSpec });
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
      control: port2,
    };
    let worker = this.pool.shift();
    if (worker) {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      worker.ref();
      worker.postMessage({ start }, [port2]);
    } else {
      worker = new Worker(entryUrl, {
        workerData: start,
        transferList: [port2],
        name: `keel:${process.pid}:${process.name}`,
        stdin: false,
      });
    }
    // Refill a little later: starting a worker busies this thread for a few ms, which the new
    // process would otherwise wait out in its first calls to the kernel thread.
    setTimeout(() => this.refill(), 25).unref();
    const w = worker;
    const record: ThreadRecord = { worker: w, control: port1, stopping: false };
    this.threads.set(process.pid, record);
    let errorMessage = '';
    w.on('error', (err: unknown) => {
      errorMessage = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.onThreadError?.(process.pid, errorMessage);
    });
    this.exited.set(process.pid, new Promise<void>((resolve) => {
      w.once('exit', (code) => {
        this.threads.delete(process.pid);
        port1.close();
        kernel.threadGone(process.pid, errorMessage || `thread exited with code ${code}`);
        this.exited.delete(process.pid);
        resolve();
      });
    }));
  }

  stopThread(process: Process): void {
    const t = this.threads.get(process.pid);
    if (!t || t.stopping) return;
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
      t.stopping = true;
      void t.worker.terminate();
    }
    await Promise.all(pending);
  }
}

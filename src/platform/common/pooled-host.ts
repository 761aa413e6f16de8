/**
 * The kernel's host for threads, written once for every platform: one worker per process, from a
 * pool of warm workers, behind a ThreadDriver (thread-driver.ts) that does what only the platform
 * can — start, feed and terminate a worker, and report what it says. NodeHost and BrowserHost are
 * this class with their driver. Portable: no host API is touched here.
 *
 * `startThread` gives a program a warm worker from the pool when there is one (starting a worker
 * costs tens of milliseconds; handing a started one its data well under one), else a new one;
 * a service always gets a new worker, made with the service heap. `atBoot` workers are started
 * with the host, so the first programs' threads start while the services' do; the pool is topped
 * up to `size` only once the system has booted (`booted`), and then after a program's start left
 * it short, `refillDelayMs` later, off the new process's first calls (pool-policy.ts holds every
 * number of the pool; `scheduleRefill` is the one place a refill is decided). Idle workers never
 * keep the host alive.
 *
 * A service's worker is restarted (system/supervisor.ts) into a standby: a fresh service worker
 * started ahead, so a restart costs handing it its start data instead of starting a worker (tens
 * to hundreds of milliseconds; the clients wait meanwhile). `serviceStandby` of them are made
 * `standbyAfterBootMs` after boot when any service runs in a worker (never during boot or a first
 * program's start, and not at all for a short `keel run`, whose host exits first: the timer does
 * not keep it alive), and again `refillDelayMs` after a restart took one. A standby is never a
 * used worker: a service's thread is not reused.
 *
 * A process that retired (ended itself and kept its thread, `stopThread(p, true)`) hands its
 * worker back: the worker says `idle` once it has let go of its call slot; the thread is then
 * gone for the kernel and the worker goes back to the pool, warm — unless the pool already holds
 * `maxIdle`, or the worker says nothing within `retireGraceMs`: then it is stopped like any other.
 * Idle workers beyond `size` are stopped once the pool has stood still for `idleTrimMs`.
 * An attached process (WasmBoot.attached: the node:wasi drop-in) gets no worker: its start data
 * waits for the embedder's own thread (`takeAttached`), and `attachedDone` is its thread's end.
 *
 * Invariants the kernel relies on (KernelHost, SystemHost):
 * - `kernel.threadGone(pid)` is called exactly once per started process, and only once its thread
 *   can run no more of that process's code: the worker ended (`exited`), its termination completed,
 *   or it said `idle` after its process retired. Only then does the kernel reuse the call slot.
 * - a worker that fails (an uncaught error) is ended, and its process's end gives that error as
 *   the reason; a pool worker that fails or ends just leaves the pool.
 * - `whenGone(pid)` resolves after that `threadGone`; `stopAll` ends every worker, the pool's
 *   included, and resolves once all are gone; nothing can be started after it began.
 */

import type { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import type { BootSpec, ThreadStart } from '../../abi/boot-spec.js';
import type { SystemHost } from '../../system/system.js';
import { type PoolPolicy, poolPolicy } from './pool-policy.js';
import { ModuleShelf } from '../../ipc/module-shelf.js';
import type { ControlPort, ThreadDriver, ThreadEvents, WorkerKind } from './thread-driver.js';

/** A worker this host started, and whom its events concern now. */
interface HostWorker<W> {
  readonly handle: W;
  /** Its process's thread while it runs one, else the pool. */
  on: ThreadEvents;
  /** Set when it was terminated: resolves once it is gone. */
  ended: Promise<void> | null;
}

/** The thread of one process, from startThread to threadGone. */
interface Thread<W> {
  readonly pid: number;
  readonly worker: HostWorker<W>;
  readonly control: ControlPort;
  /** Its worker is being terminated. */
  stopping: boolean;
  /** The process retired: the thread is expected to say it is idle, else it is stopped at this timer. */
  retiring: ReturnType<typeof setTimeout> | null;
  /** The first failure its worker reported: the reason its process ends. */
  error: string;
  /** threadGone was called. */
  gone: boolean;
  /** Resolves once it is gone. */
  readonly whenGone: Promise<void>;
  readonly resolveGone: () => void;
}

/** Where the events of a worker nobody holds go: one not yet given out, one being terminated. */
const NOBODY: ThreadEvents = { idle: () => {}, failed: () => {}, exited: () => {} };

/** A process whose thread is the embedder's own (WasmBoot.attached): its start data until taken. */
interface AttachedThread {
  start: ThreadStart | null;
  readonly whenGone: Promise<void>;
  readonly done: () => void;
}

export class PooledHost<W> implements SystemHost {
  kernel: Kernel | null = null;
  log?: (line: string) => void;
  /** Called with (pid, error message) when a thread fails with an uncaught error. */
  onThreadError: ((pid: number, message: string) => void) | null = null;
  /** Workers started so far (pool and on demand): with threads reused, far fewer than processes. */
  workersStarted = 0;
  /** Threads taken back from retired processes into the pool. */
  threadsReused = 0;
  /** Modules program threads compiled from unchanged files and offered for the next ones (ipc/module-shelf.ts). */
  modulesOffered = 0;
  readonly policy: PoolPolicy;

  private readonly threads = new Map<number, Thread<W>>();
  private readonly attached = new Map<number, AttachedThread>();
  /** Started workers waiting for a program: fresh ones, and threads of retired processes. */
  private readonly pool: HostWorker<W>[] = [];
  /** Fresh service workers waiting for a service to restart (see the header). */
  private readonly standby: HostWorker<W>[] = [];
  /** Terminations under way (stopAll waits for them). */
  private readonly ending = new Set<Promise<void>>();
  /** Timers set and not yet fired, by what they are for: at most one of each (laterOnce). */
  private readonly pending = new Set<'refill' | 'standby' | 'trim'>();
  private closing = false;
  /** The system has booted: the pool may be topped up. */
  private up = false;

  constructor(private readonly driver: ThreadDriver<W>, private readonly kernelQueue = 0, policy: Partial<PoolPolicy> = {}) {
    this.policy = poolPolicy(policy);
    for (let i = 0; i < this.policy.atBoot; i++) this.park(this.newWorker('program', 'idle'));
  }

  /** The system has booted (every service serves): from now on the pool is kept at its size. */
  booted(): void {
    this.up = true;
    this.scheduleRefill();
    // Its own timer: a restart before it fires schedules the sooner one (scheduleStandby).
    if (this.serviceWorkers > 0 && this.policy.serviceStandby > 0) this.driver.later(() => this.makeStandbys(), this.policy.standbyAfterBootMs);
  }

  /** Service workers started so far (boot and restarts). */
  private serviceWorkers = 0;

  /** Modules the program threads compiled from unchanged files, passed to each program thread started (ipc/module-shelf.ts). */
  private modules: ModuleShelf | null = null;

  private shelf(): ModuleShelf | null {
    if (this.modules === null && this.kernel) this.modules = new ModuleShelf(this.kernel.arena);
    return this.modules;
  }

  startThread(process: Process, boot: unknown, handles: readonly number[] = []): void {
    if (this.closing) throw new Error('the host is shutting down');
    const kind: WorkerKind = (boot as BootSpec).kind === 'services' ? 'service' : 'program';
    const modules = kind === 'program' ? this.shelf()?.valid() ?? [] : [];
    const start: ThreadStart = {
      arena: this.kernel!.arena.buffer,
      pid: process.pid,
      slot: process.slot,
      kernelQueue: this.kernelQueue,
      handles,
      boot: boot as BootSpec,
      limits: process.limits,
      ...(modules.length > 0 ? { modules } : {}),
    };
    if ((boot as { attached?: boolean }).attached) return this.attach(process.pid, start);
    // The pool's workers are made with a program's heap: a service never takes one. A service
    // started after boot is a restart: it takes a standby, and leaves one for the next.
    if (kind === 'service') this.serviceWorkers++;
    const ready = kind === 'program' ? this.pool.shift() : this.up ? this.standby.shift() : undefined;
    if (kind === 'program') this.poolMoves++;
    const worker = ready ?? this.newWorker(kind, `${process.pid}:${process.name}`);
    this.driver.hold(worker.handle, true);
    const control = this.driver.run(worker.handle, start);
    this.adopt(process.pid, worker, control);
    if (kind === 'program') this.scheduleRefill();
    else if (this.up) this.scheduleStandby();
  }

  stopThread(process: Process, retiring = false): void {
    const t = this.threads.get(process.pid);
    if (!t || t.stopping || t.retiring) return;
    if (retiring && !this.closing) {
      t.retiring = setTimeout(() => this.stop(t), this.policy.retireGraceMs);
      return;
    }
    this.stop(t);
  }

  deliverMemory(process: Process, id: number, buffer: SharedArrayBuffer): void {
    this.threads.get(process.pid)?.control.postMessage({ kind: 'memory', id, buffer });
  }

  /** Resolves when the thread of `pid` has fully ended (immediately if none). */
  whenGone(pid: number): Promise<void> {
    return this.threads.get(pid)?.whenGone ?? this.attached.get(pid)?.whenGone ?? Promise.resolve();
  }

  /** Workers alive now: processes' threads, idle pool workers and standbys (attached threads are the embedder's own). */
  liveThreads(): number {
    return this.threads.size + this.pool.length + this.standby.length;
  }

  /**
   * The system is about to stop: start no worker from now on; end now the idle workers and the
   * threads of processes that have ended, and each thread handed back from here on, while the
   * running ones (the services, which the shutdown's sync still needs) go on. Their ends then
   * overlap the sync instead of adding to the process's exit, which joins every worker still
   * there one after another (~7-10 ms each).
   */
  drain(): void {
    this.closing = true;
    for (const w of [...this.pool.splice(0), ...this.standby.splice(0)]) void this.terminate(w);
    for (const t of this.threads.values()) {
      if (!t.retiring) continue;
      clearTimeout(t.retiring);
      this.stop(t);
    }
  }

  /** Terminate every worker and wait until all have ended. */
  async stopAll(): Promise<void> {
    this.drain();
    // An attached thread cannot be stopped from here (it is the embedder's own): stop waiting for it.
    for (const a of [...this.attached.values()]) a.done();
    const threads = [...this.threads.values()];
    for (const t of threads) {
      if (t.retiring) clearTimeout(t.retiring);
      this.stop(t);
    }
    await Promise.all([...threads.map((t) => t.whenGone), ...this.ending]);
  }

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

  /** No worker: keep the start data for the embedder's thread that will run it, and hear of its end. */
  private attach(pid: number, start: ThreadStart): void {
    let done = (): void => {};
    const whenGone = new Promise<void>((resolve) => {
      done = () => {
        if (this.attached.get(pid) !== record) return;
        this.attached.delete(pid);
        this.kernel!.threadGone(pid, 'the attached thread left');
        resolve();
      };
    });
    const record: AttachedThread = { start, whenGone, done };
    this.attached.set(pid, record);
  }

  /** A new worker, counted; its events go to whoever holds it at the time. */
  private newWorker(kind: WorkerKind, name: string): HostWorker<W> {
    this.workersStarted++;
    const events: ThreadEvents = {
      idle: () => worker.on.idle(),
      failed: (message) => worker.on.failed(message),
      exited: (code) => worker.on.exited(code),
      module: (m) => {
        this.modulesOffered++;
        this.shelf()?.put(m);
      },
    };
    const worker: HostWorker<W> = { handle: this.driver.create(kind, name, events), on: NOBODY, ended: null };
    return worker;
  }

  /** Keep `w` idle in `list` (the pool, or the standbys) until needed; one that fails or ends meanwhile leaves it. */
  private park(w: HostWorker<W>, list: HostWorker<W>[] = this.pool): void {
    const leave = (): void => {
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
    };
    w.on = {
      idle: () => {},
      failed: () => {
        leave();
        void this.terminate(w);
      },
      exited: leave,
    };
    this.driver.hold(w.handle, false);
    list.push(w);
  }

  /** The one place a refill is decided: after a start left the pool short, a little later. */
  private scheduleRefill(): void {
    if (!this.up || this.pool.length >= this.policy.size) return;
    this.laterOnce('refill', this.policy.refillDelayMs, () => this.refill());
  }

  /** Run `fn` in `ms` unless a timer for `what` is already set (then that one serves). */
  private laterOnce(what: 'refill' | 'standby' | 'trim', ms: number, fn: () => void): void {
    if (this.pending.has(what)) return;
    this.pending.add(what);
    this.driver.later(() => {
      this.pending.delete(what);
      fn();
    }, ms);
  }

  private refill(): void {
    if (this.closing) return;
    while (this.pool.length < this.policy.size) this.park(this.newWorker('program', 'idle'));
  }

  /** After a restart took (or could not find) a standby: make the standbys up, a little later. */
  private scheduleStandby(): void {
    if (this.standby.length >= this.policy.serviceStandby) return;
    this.laterOnce('standby', this.policy.refillDelayMs, () => this.makeStandbys());
  }

  private makeStandbys(): void {
    while (!this.closing && this.standby.length < this.policy.serviceStandby) this.park(this.newWorker('service', 'standby'), this.standby);
  }

  /** `worker` now runs the process `pid`: its events are that thread's. */
  private adopt(pid: number, worker: HostWorker<W>, control: ControlPort): void {
    let resolveGone = (): void => {};
    const whenGone = new Promise<void>((resolve) => {
      resolveGone = resolve;
    });
    const t: Thread<W> = { pid, worker, control, stopping: false, retiring: null, error: '', gone: false, whenGone, resolveGone };
    this.threads.set(pid, t);
    worker.on = {
      idle: () => this.idle(t),
      failed: (message) => {
        t.error ||= message;
        this.onThreadError?.(pid, message);
        this.stop(t);
      },
      exited: (code) => this.gone(t, t.error || `thread exited with code ${code}`),
    };
  }

  /** `t`'s thread says it has let go of its process: if that process retired, keep the worker. */
  private idle(t: Thread<W>): void {
    if (!t.retiring || t.stopping) {
      this.stop(t);
      return;
    }
    this.gone(t, 'the thread retired');
    if (this.closing || this.pool.length >= this.policy.maxIdle) void this.terminate(t.worker);
    else {
      this.threadsReused++;
      this.park(t.worker);
      this.poolMoves++;
      this.scheduleTrim();
    }
  }

  /** Takes from and returns to the pool so far: a trim waits for it to stand still. */
  private poolMoves = 0;

  /** Once the pool has stood still for `idleTrimMs`, stop the idle workers beyond `size`. */
  private scheduleTrim(): void {
    if (this.pool.length <= this.policy.size) return;
    const movesThen = this.poolMoves;
    this.laterOnce('trim', this.policy.idleTrimMs, () => {
      if (this.closing) return;
      if (this.poolMoves !== movesThen) this.scheduleTrim();
      else while (this.pool.length > this.policy.size) void this.terminate(this.pool.shift()!);
    });
  }

  /** Terminate `t`'s worker; its thread is gone once the worker is. */
  private stop(t: Thread<W>): void {
    if (t.stopping) return;
    t.stopping = true;
    void this.terminate(t.worker).then(() => this.gone(t, t.error || 'the thread was stopped'));
  }

  /** Terminate `w` (once); resolves when it is gone. What it reports meanwhile concerns nobody. */
  private terminate(w: HostWorker<W>): Promise<void> {
    if (!w.ended) {
      w.on = NOBODY;
      const ended = this.driver.terminate(w.handle);
      this.ending.add(ended);
      void ended.then(() => this.ending.delete(ended));
      w.ended = ended;
    }
    return w.ended;
  }

  /** `t`'s thread can run no more of its process: tell the kernel (once), which may reuse its slot. */
  private gone(t: Thread<W>, reason: string): void {
    if (t.gone) return;
    t.gone = true;
    if (t.retiring) clearTimeout(t.retiring);
    if (this.threads.get(t.pid) === t) this.threads.delete(t.pid);
    t.control.close();
    this.kernel!.threadGone(t.pid, reason);
    t.resolveGone();
  }
}

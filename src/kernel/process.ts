/**
 * Processes.
 *
 * A process is one protection domain: a handle table (its capability space) and one thread that
 * runs its program beside its local kernel. The kernel thread owns this record; the thread itself
 * is made and ended by the host (see KernelHost in kernel.ts).
 *
 * Life cycle: `starting` → `running` → `exited`. The exit status is set exactly once, by the
 * first of: the program's own exit, a trap, a kill, or the host reporting the thread gone. Once
 * exited, every handle the process held is closed and its call slot is released; the Process
 * object itself stays while anyone holds a handle to it, so a parent can still read the status.
 *
 * The process tree: `lineage` is the process this one was started for — its parent, or, when a
 * service (proc) started it for a client, that client — and `session` the tree it belongs to: a
 * process the kernel process starts (a program the host runs, a service) begins a new session,
 * and everything started from it joins that one, whatever happens to the processes in between.
 * `limits` never widen down the tree: a process gets at most its lineage's limits.
 */

import { HandleTable } from './handle-table.js';
import { KernelObject } from './object.js';
import { ObjectType } from '../abi/object-type.js';
import type { Arena } from '../ipc/arena.js';
import type { ExitStatus, ProcessLimits } from '../abi/exit-status.js';
import type { KernelEvent } from '../abi/protocols/kernel.js';

export type ProcessState = 'starting' | 'running' | 'exited';

export class Process extends KernelObject {
  readonly type = ObjectType.PROCESS;
  readonly handles: HandleTable;
  state: ProcessState = 'starting';
  status: ExitStatus | null = null;
  /** Call slot of the process's thread, -1 when it has none (released after exit). */
  slot = -1;
  /** Stopped by a stop signal (and parked at its next system call) until SIGCONT. */
  stopped = false;
  /** Further call slots of the thread (attachExtraSlot). */
  readonly extraSlots: number[] = [];
  /** Receive queue if the process serves channels, else -1. */
  queue = -1;
  /** Times the supervisor restarted the service this process runs (shown by top). */
  restarts = 0;
  /** The process group its starter put it in (SpawnRequest.group), told again to a restarted starter (Kernel.adopt). */
  group = 0;
  /** Its starter's own number for it (SpawnRequest.tag), told again to a restarted starter. */
  tag = 0;
  /** The signal that stopped it, while `stopped`. */
  stopSignal = 0;
  /** Kernel events posted to it before it had a receive queue (handed to the queue when it opens one). */
  readonly eventsBeforeQueue: KernelEvent[] = [];
  /** Order of creation among all processes (never reused, unlike pids): an older process has a smaller one. */
  born = 0;
  readonly children = new Set<number>();
  /** Set when the host reports the thread gone; the pid and call slot are reusable only then. */
  threadEnded = false;
  private readonly exitWaiters: ((status: ExitStatus) => void)[] = [];
  private readonly goneWaiters: (() => void)[] = [];

  constructor(
    id: number,
    readonly pid: number,
    readonly parentPid: number,
    readonly name: string,
    arena: Arena,
    /** The process this one was started for (see the header). */
    readonly lineage: number = parentPid,
    /** The session (process tree) it belongs to; 0 for the kernel process. */
    readonly session: number = 0,
    readonly limits: ProcessLimits = {},
  ) {
    super(id);
    this.handles = new HandleTable(pid, arena);
  }

  get alive(): boolean {
    return this.state !== 'exited';
  }

  /** Run `fn` with the exit status, now if already exited, else when the process exits. */
  onExit(fn: (status: ExitStatus) => void): void {
    if (this.status) fn(this.status);
    else this.exitWaiters.push(fn);
  }

  /**
   * Run `fn` once the thread is gone and the kernel has let go of its call slot and queue (now if
   * so). A process is marked exited before its thread stops (a terminated worker runs on until it
   * notices): what must not run beside the old thread — a restarted service re-attaching the
   * memory the old one was still writing — waits for this.
   */
  onThreadGone(fn: () => void): void {
    if (this.threadEnded) fn();
    else this.goneWaiters.push(fn);
  }

  /** The thread is gone and its slot and queue are released: run the waiters. */
  markThreadEnded(): void {
    this.threadEnded = true;
    for (const fn of this.goneWaiters.splice(0)) fn();
  }

  /** Record the exit status (first caller wins) and run the waiters. Returns false if already exited. */
  markExited(status: ExitStatus): boolean {
    if (this.status) return false;
    this.status = status;
    this.state = 'exited';
    for (const fn of this.exitWaiters.splice(0)) fn(status);
    return true;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

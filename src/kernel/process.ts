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
import { KernelObject, ObjectType } from './object.js';
import type { Arena } from '../ipc/arena.js';

export type ExitStatus =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'trapped'; readonly message: string }
  | { readonly kind: 'killed'; readonly signal: number; readonly limit?: ResourceLimit }
  | { readonly kind: 'crashed'; readonly message: string };

/**
 * A limit whose breach killed a process (with SIGKILL, as a hard CPU-time limit does on Linux):
 * its time, or the system's memory budget (the process whose growth took the programs over it).
 */
export type ResourceLimit = 'time' | 'memory';

/** What a process, and everything started from it, may use; absent fields are unlimited (up to Keel's own bounds). */
export interface ProcessLimits {
  /** Bytes of linear memory: the module's memory maximum is capped at load (wasm-memory-limit.ts). */
  readonly memoryBytes?: number;
  /** Open file descriptors, the standard streams and preopens included (EMFILE past it). */
  readonly openFiles?: number;
}

/** The tighter of two sets of limits, field by field: what a child of `outer` asking for `asked` gets. */
export function narrowLimits(outer: ProcessLimits, asked: ProcessLimits | undefined): ProcessLimits {
  const pick = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  const memoryBytes = pick(outer.memoryBytes, asked?.memoryBytes);
  const openFiles = pick(outer.openFiles, asked?.openFiles);
  return { ...(memoryBytes !== undefined ? { memoryBytes } : {}), ...(openFiles !== undefined ? { openFiles } : {}) };
}

export type ProcessState = 'starting' | 'running' | 'exited';

/** The exit code a shell would show for a status (128+signal for kills, 134 for traps and crashes, like SIGABRT). */
export function exitCodeOf(status: ExitStatus): number {
  switch (status.kind) {
    case 'exited': return status.code;
    case 'killed': return 128 + status.signal;
    case 'trapped':
    case 'crashed': return 134;
  }
}

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
  readonly children = new Set<number>();
  /** Set when the host reports the thread gone; the pid and call slot are reusable only then. */
  threadEnded = false;
  private readonly exitWaiters: ((status: ExitStatus) => void)[] = [];

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

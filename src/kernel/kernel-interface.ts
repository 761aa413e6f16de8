/**
 * What the kernel's callers and its host share with it: the KernelHost a platform supplies, the
 * events a server thread takes, the shapes of spawn requests and handle information, and the
 * kernel's fixed numbers. Split from kernel.ts, which re-exports all of it.
 */

import type { Process } from './process.js';
import { MAX_EXIT_MESSAGE, type ProcessLimits } from '../abi/exit-status.js';
import type { AdoptedProcess, KernelEvent } from '../abi/protocols/kernel.js';

export type { AdoptedProcess };

export type { KernelEvent };
export { MAX_EXIT_MESSAGE };
import type { Handle } from '../abi/handle.js';
import type { ObjectType } from '../abi/object-type.js';
import { Right, type Rights } from '../abi/rights.js';

/** What the kernel asks of its host (the platform layer). */
export interface KernelHost {
  /** Start the thread of a new process; `boot` is opaque data for its entry point. */
  startThread(process: Process, boot: unknown, handles: readonly Handle[]): void;
  /**
   * End a process's thread (it may already be gone). `retiring`: the thread itself asked to end
   * the process (`retire`) and will hand itself back to the host, which may reuse it for another
   * process; the host reports it gone (`threadGone`) once the thread says it has let go of its
   * call slot, or stops it like any other if it does not.
   */
  stopThread(process: Process, retiring?: boolean): void;
  /** Give `process`'s thread the buffer of Memory object `id`. */
  deliverMemory(process: Process, id: number, buffer: SharedArrayBuffer): void;
}

/** Signals that stop a process instead of ending it, and the one that continues it (POSIX numbers). */
export const STOP_SIGNALS: ReadonlySet<number> = new Set([19, 20, 21, 22]);
export const SIGCONT = 18;

export interface HandleInfo {
  readonly type: ObjectType;
  readonly rights: Rights;
  readonly badge: number;
  readonly object: number;
}

export interface ReadMessage {
  readonly bytes: Uint8Array;
  readonly handles: Handle[];
}

export interface SpawnRequest {
  readonly name: string;
  /** Handles moved from the caller into the child, in order (the child sees them in this order). */
  readonly handles: readonly number[];
  /** Opaque boot data for the child's thread. */
  readonly boot: unknown;
  /**
   * Under a static policy: the services the child may hold handles to (only the kernel process
   * may name one — it starts the service workers; every other child is a program).
   */
  readonly principal?: ReadonlySet<string>;
  /**
   * The process the child is started for, when it is not the caller: a service (proc) starting a
   * program for a client names the client, so the child joins the client's session and gets at
   * most its limits. Only a process that serves channels may name another; it must be alive.
   */
  readonly lineage?: number;
  /** Limits the child asks for; it gets at most its lineage's (narrowLimits). */
  readonly limits?: ProcessLimits;
  /** The process group the caller puts the child in (proc's job control), kept for Kernel.adopt. */
  readonly group?: number;
  /** The caller's own number for the child (proc: the spawn's nonce), kept for Kernel.adopt. */
  readonly tag?: number;
}

/** Rights of the handle a parent gets to its child. */
export const CHILD_RIGHTS = (Right.READ | Right.WAIT | Right.SIGNAL | Right.MANAGE | Right.DUPLICATE | Right.TRANSFER) as Rights;

export const KERNEL_PID = 1;

/** At most this many kernel events per takeEvents; the rest stay flagged for the next. */
export const MAX_EVENTS_PER_TAKE = 64;

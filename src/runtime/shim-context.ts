/**
 * What every WASI function family shares: guest memory, the fd table, the local kernel, the
 * program's arguments and environment, and the host clock and randomness.
 */

import type { LocalKernel } from './local-kernel.js';
import type { FdTable } from './fd-table.js';
import type { GuestMemory } from './guest-memory.js';
import type { ResourceLimit } from '../abi/exit-status.js';

export interface ShimContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  readonly lk: LocalKernel;
  readonly args: readonly string[];
  readonly env: readonly string[];
  now(): number;
  realtime(): bigint;
  randomFill(bytes: Uint8Array): void;
  /** Block the thread for `ns` nanoseconds (poll_oneoff on a clock). */
  sleep(ns: number): void;
}

/**
 * Thrown to unwind the program and end the process; caught by the process runner. `signal` set:
 * the process ends as killed by that (POSIX-numbered) signal, as proc_raise's default action;
 * `limit`: the resource limit it was killed for (its memory took the programs over the budget).
 */
export class ProcExit {
  constructor(readonly code: number, readonly signal = 0, readonly limit?: ResourceLimit) {}
}

export type WasiFn = (...args: never[]) => number;

/**
 * The warm pool's policy, in one place: how many started workers wait for programs, how many
 * threads handed back by retired processes are kept, when the pool is topped up, and how long a
 * retiring thread has to say it is free. pooled-host.ts reads nothing else to decide these.
 *
 * Why these numbers: docs/decisions/008-worker-reuse.md. Starting a worker busies the kernel
 * thread and a core for tens of milliseconds, so refills run `refillDelayMs` after the start that
 * took a worker from the pool, off that process's first calls to the kernel.
 */

export interface PoolPolicy {
  /** Started workers kept waiting for programs once the system has booted (0: none; every program starts its own). */
  readonly size: number;
  /**
   * Workers started as soon as the host is made, in parallel with the services' workers, for the
   * first programs (a `keel run`'s one program, a session's shell): their start overlaps boot
   * instead of following it. The pool is not topped up to `size` until the system has booted,
   * so warm workers never compete with boot for the cores.
   */
  readonly atBoot: number;
  /** Threads handed back by retired processes beyond this many are stopped, not kept. */
  readonly maxIdle: number;
  /**
   * Idle workers beyond `size` (threads a burst of programs handed back: a pipeline, a loop of
   * short commands) are stopped once the pool has been neither taken from nor given to for this
   * long; until then the next burst reuses them.
   */
  readonly idleTrimMs: number;
  /** After a start leaves the pool below `size`, the pool is topped up this much later. */
  readonly refillDelayMs: number;
  /** How long a retiring thread may take to say it is idle before it is stopped like any other. */
  readonly retireGraceMs: number;
  /** Fresh service workers kept for restarts (0: every restart starts one). */
  readonly serviceStandby: number;
  /** How long after boot the standbys are first made (the first restart before then starts its own worker). */
  readonly standbyAfterBootMs: number;
}

/** The pool every host has unless told otherwise. */
export const DEFAULT_POOL_SIZE = 2;

/** A policy with `size` warm workers (DEFAULT_POOL_SIZE unless given) and these overrides. */
export function poolPolicy(overrides: Partial<PoolPolicy> = {}): PoolPolicy {
  const size = overrides.size ?? DEFAULT_POOL_SIZE;
  return {
    size,
    atBoot: 1,
    maxIdle: Math.max(size, 16),
    idleTrimMs: 10_000,
    refillDelayMs: 25,
    retireGraceMs: 2000,
    serviceStandby: 1,
    standbyAfterBootMs: 1000,
    ...overrides,
  };
}

/**
 * Adaptive waiting: spin for a bounded time, then sleep in Atomics.wait.
 *
 * On the 2-vCPU machines Keel targets, a spinning hand-off between two threads costs about
 * 0.4 µs while a futex wake of a sleeping thread costs 50–90 µs (measured: docs/decisions/
 * 002-waiting-policy.md). So a caller spins first, for long enough to cover a fast server, and
 * only then pays for sleeping. Spinning is bounded so an idle system burns no CPU.
 *
 * Times are measured with a monotonic clock passed in (the platform's), checked every
 * `CHECK_EVERY` iterations so the clock read does not dominate the spin.
 */

export interface WaitPolicy {
  /** How long a caller spins for a reply before sleeping (ns). */
  readonly callerSpinNs: number;
  /** How long a server spins for the next request after its last one before sleeping (ns). */
  readonly serverSpinNs: number;
  /**
   * How long a server spins after it had to wake a sleeping caller (ns). A woken thread takes
   * 50–300 µs to run again here; if the server slept before that caller's next call arrived, both
   * would settle into paying a futex wake per call. Spinning past the caller's wake-up breaks
   * that cycle.
   */
  readonly serverSpinAfterWakeNs: number;
  /** Longest single sleep before re-checking liveness of the other side (ms). */
  readonly sleepSliceMs: number;
}

export const DEFAULT_WAIT_POLICY: WaitPolicy = {
  callerSpinNs: 100_000,
  serverSpinNs: 200_000,
  serverSpinAfterWakeNs: 1_000_000,
  sleepSliceMs: 1000,
};

/** A policy that never spins: every wait sleeps at once (the futex path, for measurement). */
export const FUTEX_ONLY_POLICY: WaitPolicy = { callerSpinNs: 0, serverSpinNs: 0, serverSpinAfterWakeNs: 0, sleepSliceMs: 1000 };

export const CHECK_EVERY = 64;

/** Monotonic nanoseconds; supplied by the platform (performance.now based, or hrtime). */
export type Clock = () => number;

export const defaultClock: Clock = () => performance.now() * 1e6;

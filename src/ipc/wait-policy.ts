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
 *
 * The policy's spin times are ceilings. Each waiter scales its own by what its recent spins
 * achieved (SpinBudget): a spin that ended in sleep halves the next, one that found what it
 * waited for doubles it back, between 1/64 of the ceiling and the ceiling. A spin that sees the
 * clock jump between two checks was itself descheduled — more threads are runnable than there are
 * cores — so it stops at once and counts as failed: with the cores oversubscribed, spinning takes
 * the core the other side needs to answer (docs/decisions/002-waiting-policy.md). A spin that ran
 * out undisturbed but whose answer came within the ceiling anyway (after a sleep) raises the budget
 * to cover that wait, so a budget that fell below the other side's service time can climb back.
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

/** A gap this long between two clock checks of a spin means the spinning thread was descheduled. */
export const PREEMPTED_NS = 500_000;
const MIN_SCALE = 1 / 64;

/** One waiter's share of a spin ceiling, learnt from how its recent spins ended. */
export class SpinBudget {
  private scale = 1;

  /** Nanoseconds to spin now, out of `ceilingNs`. */
  of(ceilingNs: number): number {
    return ceilingNs * this.scale;
  }

  /** The spin found what it waited for. */
  succeeded(): void {
    if (this.scale < 1) this.scale = Math.min(1, this.scale * 2);
  }

  /** The spin ran out (or was descheduled) and the waiter must sleep. */
  failed(): void {
    if (this.scale > MIN_SCALE) this.scale = Math.max(MIN_SCALE, this.scale / 2);
  }

  /**
   * A spin that was not descheduled ran out, yet what it waited for came `waitedNs` after the
   * wait began, within `ceilingNs`: a longer spin would have found it, so spin at least twice that
   * next time. Without this a waiter whose budget fell below the other side's service time would
   * never see a spin succeed again and would pay a futex wake on every call.
   */
  covered(waitedNs: number, ceilingNs: number): void {
    if (waitedNs >= ceilingNs) return;
    const need = Math.min(1, (2 * waitedNs) / ceilingNs);
    if (need > this.scale) this.scale = need;
  }
}

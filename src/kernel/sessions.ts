/**
 * Sessions: the process trees the kernel can end whole. A process the kernel process starts (a
 * program the host runs, a service) begins a session; every process started from it — by it, or
 * by a service on its behalf — joins that session, and stays in it when the process in between
 * ends (an orphan is still part of the tree it came from). The host ends a run's whole tree with
 * one kernel operation (Kernel.signalSession), and hears when the last member has ended.
 *
 * Session numbers are never reused, so a number kept after its processes ended names nothing.
 * Kernel thread only.
 */

export class Sessions {
  private next = 1;
  /** Live members per session (a session with none is forgotten). */
  private readonly live = new Map<number, number>();
  private readonly endWaiters = new Map<number, (() => void)[]>();

  /** A new session number. */
  begin(): number {
    return this.next++;
  }

  /** A process joined `session`. */
  join(session: number): void {
    this.live.set(session, (this.live.get(session) ?? 0) + 1);
  }

  /** A member of `session` ended; when it was the last, the session's end waiters run. */
  leave(session: number): void {
    const n = (this.live.get(session) ?? 0) - 1;
    if (n > 0) {
      this.live.set(session, n);
      return;
    }
    this.live.delete(session);
    const waiters = this.endWaiters.get(session) ?? [];
    this.endWaiters.delete(session);
    for (const fn of waiters) fn();
  }

  /** Live members of `session`. */
  members(session: number): number {
    return this.live.get(session) ?? 0;
  }

  /** Run `fn` once `session` has no live member (now, if it has none). */
  onEnd(session: number, fn: () => void): void {
    if (!this.live.has(session)) {
      fn();
      return;
    }
    const list = this.endWaiters.get(session) ?? [];
    list.push(fn);
    this.endWaiters.set(session, list);
  }
}

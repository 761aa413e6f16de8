/**
 * The supervisor (MINIX 3's reincarnation server, on the kernel thread): it watches every service
 * worker and, when one ends — it crashed, was killed, exited, or hung — starts it again by the
 * manifest's restart policy.
 *
 * A worker ends; the kernel has already unserved its endpoints (new calls fail at once with a
 * transport error, which programs see as EIO) and fails the calls it held when its thread is gone.
 * The supervisor then waits the back-off and starts a fresh worker on the same server ends, which
 * the system kept: client handles held anywhere stay valid and reach the new worker as soon as it
 * serves. What the old worker kept in its own memory is gone (open files of a VFS, a tmpfs's
 * files); what lives outside it — a diskfs image, the host directories of a hostfs, the arena —
 * is found again by the new one.
 *
 * Hangs: a worker hangs when calls posted to its queue stay unclaimed while its served counter
 * does not move, and it is not itself waiting on a call to someone else. The watchdog looks every
 * quarter of the smallest `hangMs`; to catch a worker that hangs while nobody calls it, it also
 * sends a probe (a label no protocol defines, answered at once by any live server) to one worker
 * per look, in turn. A hung worker is killed and then restarted like a crashed one.
 *
 * Invariants: at most one worker per group runs at a time (a restart starts only after the old
 * process has exited and its thread has stopped); a group past its restart limit stays down
 * until the system reboots.
 */

import { type Arena, QueueWord, SlotState, SlotWord } from '../ipc/arena.js';
import type { ExitStatus } from '../abi/exit-status.js';
import { DEFAULT_RESTART, type RestartPolicy, type ServiceInstance } from '../manifest/system-config.js';

/** A label no protocol uses: a live server answers it at once with a transport error. */
export const PROBE_LABEL = 0xfff0;
const MAX_BACKOFF_MS = 5000;

/** running: serving; restarting: waiting out the back-off, or started and not yet serving; down: given up. */
export type GroupState = 'running' | 'restarting' | 'down';

/** The services of one worker, restarted together. */
export interface SupervisedGroup {
  readonly name: string;
  readonly members: readonly ServiceInstance[];
  readonly policy: RestartPolicy;
  pid: number;
  state: GroupState;
  restarts: number;
  /** When each restart in the current window was made (ms). */
  readonly recent: number[];
  /** Workers in a row that ended before they served (a crash loop at start): what the back-off doubles on. */
  unready: number;
  /** Watchdog: the served count last seen, and since when calls have waited with it unchanged. */
  lastServed: number;
  stuckSince: number | null;
}

export interface SupervisorHooks {
  /** Start a fresh worker for `group`; its pid, or why it could not start. */
  start(group: SupervisedGroup): number | string;
  /** End `pid` at once (a hung worker). */
  kill(pid: number, why: string): void;
  /** The process's queue and own call slot (-1 when it has none), or null once it is gone. */
  threadOf(pid: number): { queue: number; slot: number } | null;
  /** Send the probe to `group` without waiting; resolves when it is answered or failed. */
  probe(group: SupervisedGroup): Promise<unknown>;
  log(line: string): void;
  nowMs(): number;
  /** Call `then` once the thread of worker `pid` has really stopped (not only been marked exited). */
  whenGone(pid: number, then: () => void): void;
  /** `group` will not be restarted (until the system reboots): let go of what was kept for its next worker. */
  down?(group: SupervisedGroup): void;
}

/** One policy for a group: the members' settings, the most cautious of each. */
export function groupPolicy(members: readonly ServiceInstance[]): RestartPolicy {
  const ps = members.map((m) => ({ ...DEFAULT_RESTART, ...m.restart }));
  const order = ['never', 'on-failure', 'always'] as const;
  return {
    policy: order[Math.min(...ps.map((p) => order.indexOf(p.policy)))]!,
    max: Math.min(...ps.map((p) => p.max)),
    windowMs: Math.max(...ps.map((p) => p.windowMs)),
    backoffMs: Math.max(...ps.map((p) => p.backoffMs)),
    hangMs: ps.some((p) => p.hangMs === 0) ? 0 : Math.min(...ps.map((p) => p.hangMs)),
  };
}

export function describeExit(s: ExitStatus): string {
  switch (s.kind) {
    case 'exited': return `exited with status ${s.code}`;
    case 'killed': return `killed by signal ${s.signal}`;
    case 'trapped': return `trapped: ${s.message}`;
    case 'crashed': return `crashed: ${s.message}`;
  }
}

export class Supervisor {
  private readonly groups: SupervisedGroup[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private probing = false;
  private probeNext = 0;
  private stopped = false;
  /** Totals since boot: restarts made, hung workers killed. */
  restartsMade = 0;
  hangsFound = 0;

  constructor(private readonly arena: Arena, private readonly hooks: SupervisorHooks) {}

  /** Watch `group`, whose worker `pid` is serving. */
  adopt(name: string, members: readonly ServiceInstance[], pid: number): SupervisedGroup {
    const group: SupervisedGroup = { name, members, policy: groupPolicy(members), pid, state: 'running', restarts: 0, recent: [], unready: 0, lastServed: -1, stuckSince: null };
    this.groups.push(group);
    return group;
  }

  /** Start the watchdog (if any group has one). */
  start(): void {
    const hang = this.groups.map((g) => g.policy.hangMs).filter((ms) => ms > 0);
    if (hang.length === 0 || this.timer) return;
    this.timer = setInterval(() => this.look(), Math.max(25, Math.min(...hang) / 4));
  }

  list(): readonly SupervisedGroup[] {
    return this.groups;
  }

  groupOf(pid: number): SupervisedGroup | undefined {
    return this.groups.find((g) => g.pid === pid && g.state !== 'down');
  }

  /** The restarted worker `pid` serves every service of its group: it is running again. */
  serving(pid: number): void {
    const g = this.groupOf(pid);
    if (g?.state === 'restarting') {
      g.state = 'running';
      g.unready = 0;
    }
  }

  /** The worker `pid` ended with `status`: restart its group if the policy says so. */
  exited(pid: number, status: ExitStatus): void {
    const g = this.groupOf(pid);
    if (g && !this.stopped) this.ended(g, status);
  }

  private ended(g: SupervisedGroup, status: ExitStatus): void {
    const pid = g.pid;
    const what = `service ${g.members.map((m) => m.name).join('+')} (pid ${pid})`;
    g.stuckSince = null;
    g.lastServed = -1;
    if (g.policy.policy === 'never' || (g.policy.policy === 'on-failure' && status.kind === 'exited' && status.code === 0)) {
      g.state = 'down';
      this.hooks.down?.(g);
      this.hooks.log(`${what} ${describeExit(status)}; not restarted (policy ${g.policy.policy})`);
      return;
    }
    const now = this.hooks.nowMs();
    while (g.recent.length > 0 && now - g.recent[0]! > g.policy.windowMs) g.recent.shift();
    if (g.recent.length >= g.policy.max) {
      g.state = 'down';
      this.hooks.down?.(g);
      this.hooks.log(`${what} ${describeExit(status)}; not restarted: ${g.policy.max} restarts within ${g.policy.windowMs} ms already`);
      return;
    }
    // A worker that was serving is restarted at once: its clients are waiting, and nothing says
    // the next one will fail. Only workers that end before they serve — a crash loop at start —
    // are waited for, `backoffMs` doubled for each in a row.
    const delay = g.state === 'running' ? 0 : Math.min(MAX_BACKOFF_MS, g.policy.backoffMs * 2 ** g.unready++);
    g.recent.push(now + delay);
    g.state = 'restarting';
    this.hooks.log(`${what} ${describeExit(status)}; restarting in ${delay} ms`);
    // Not before the old thread has stopped: the new worker takes over what the old one may still
    // be writing (a tmpfs's kept memory, a disk image), and a handler still running there could
    // answer a call after the new worker had read that state.
    const t = setTimeout(() => {
      this.pending.delete(t);
      this.hooks.whenGone(pid, () => this.restart(g, what));
    }, delay);
    this.pending.add(t);
  }

  private restart(g: SupervisedGroup, what: string): void {
    if (this.stopped) return;
    const started = this.hooks.start(g);
    g.restarts++;
    this.restartsMade++;
    if (typeof started === 'string') {
      // Counted as a restart that failed at once: the policy decides whether to try again.
      this.hooks.log(`${what}: restart ${g.restarts} could not start: ${started}`);
      this.ended(g, { kind: 'crashed', message: started });
      return;
    }
    g.pid = started; // 'restarting' until it serves (serving)
    this.hooks.log(`${what} restarted as pid ${started} (restart ${g.restarts})`);
  }

  /** One look of the watchdog. */
  private look(): void {
    const now = this.hooks.nowMs();
    for (const g of this.groups) {
      if (g.state !== 'running' || g.policy.hangMs === 0) continue;
      const t = this.hooks.threadOf(g.pid);
      if (!t || t.queue < 0) continue;
      const served = this.arena.i32[this.arena.queueWord(t.queue) + QueueWord.SERVED]!;
      if (served !== g.lastServed || !this.unclaimed(t.queue) || this.waitingOnOther(t.slot)) {
        g.lastServed = served;
        g.stuckSince = null;
        continue;
      }
      g.stuckSince ??= now;
      if (now - g.stuckSince >= g.policy.hangMs) {
        this.hangsFound++;
        const stuck = Math.round(now - g.stuckSince);
        g.stuckSince = null; // a kill that does not take at once is tried again after another hangMs
        this.hooks.kill(g.pid, `hung: calls unclaimed for ${stuck} ms`);
      }
    }
    this.sendProbe();
  }

  private sendProbe(): void {
    if (this.probing) return;
    const live = this.groups.filter((g) => g.state === 'running' && g.policy.hangMs > 0);
    if (live.length === 0) return;
    const g = live[this.probeNext++ % live.length]!;
    this.probing = true;
    void this.hooks.probe(g).finally(() => { this.probing = false; });
  }

  /** Is a call posted to `queue` still waiting to be claimed? */
  private unclaimed(queue: number): boolean {
    const i32 = this.arena.i32;
    for (let slot = 0; slot < this.arena.config.maxThreads; slot++) {
      const b = this.arena.slotWord(slot);
      if (Atomics.load(i32, b + SlotWord.STATE) === SlotState.CALLED && Atomics.load(i32, b + SlotWord.QUEUE) === queue) return true;
    }
    return false;
  }

  /** Is the worker's own thread waiting on a call it made (so any stall is someone else's)? */
  private waitingOnOther(slot: number): boolean {
    if (slot < 0) return false;
    const state = Atomics.load(this.arena.i32, this.arena.slotWord(slot) + SlotWord.STATE);
    return state === SlotState.CALLED || state === SlotState.SERVING;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

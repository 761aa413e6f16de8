/**
 * A thread's call slot: the caller's side of a synchronous call (L4's UTCB).
 *
 * The caller fills the message registers (and the bulk buffer for larger data), then `call`
 * publishes the header, moves the state word IDLE → CALLED, posts the slot to the server's queue
 * and waits adaptively (spin, then Atomics.wait in slices) until the state is REPLIED or DEAD.
 * The reply is in the same registers and bulk buffer.
 *
 * Transport status (did the call reach a server and get an answer) is separate from the
 * service's own status, which by convention is message register 0 of the reply.
 *
 * A call on a queue whose server thread died ends with PEER_CLOSED, never a hang: before each
 * sleep the caller checks that the queue it is posted to is alive (the kernel clears ALIVE and
 * then fails pending slots, so one of the two always sees the other; see receive-queue.ts).
 */

import { type Arena, QueueWord, SAMPLE_EVERY, SlotState, SlotWord } from './arena.js';
import { ReceiveQueue } from './receive-queue.js';
import { CHECK_EVERY, type Clock, DEFAULT_WAIT_POLICY, PREEMPTED_NS, SpinBudget, type WaitPolicy, defaultClock } from './wait-policy.js';
import { Status } from '../abi/status.js';

/** Slot word holding the transport status the server wrote before REPLIED. */
export const TRANSPORT_WORD = SlotWord.TRANSPORT;

export class CallSlot {
  readonly regs: Float64Array;
  readonly bulk: Uint8Array;
  readonly base: number;
  private readonly i32: Int32Array;
  private readonly queues = new Map<number, ReceiveQueue>();
  /** The queue this thread serves, if it is a server thread (its calls are nested calls). */
  home: ReceiveQueue | null = null;
  /** Counters for `top` and benchmarks. */
  calls = 0;
  sleeps = 0;

  constructor(
    readonly arena: Arena,
    readonly slot: number,
    readonly pid: number,
    public policy: WaitPolicy = DEFAULT_WAIT_POLICY,
    private readonly clock: Clock = defaultClock,
  ) {
    this.i32 = arena.i32;
    this.base = arena.slotWord(slot);
    this.regs = arena.regsView(slot);
    this.bulk = arena.bulkView(slot);
  }

  queue(index: number): ReceiveQueue {
    let q = this.queues.get(index);
    if (!q) {
      q = new ReceiveQueue(this.arena, index);
      this.queues.set(index, q);
    }
    return q;
  }

  /**
   * Make a call through `handle` (0 for a kernel call) to the server thread of `queue`.
   * Registers and bulk must already hold the request. Returns the transport status.
   * `sender`: whose handle table `handle` is in — this slot's process, or the process whose
   * forward this call is (a local kernel's direct file: docs/decisions/018-direct-files.md).
   */
  call(queue: number, handle: number, label: number, sender = this.pid): Status {
    const q = this.prepare(queue, handle, label, sender);
    if (q === null) return Status.PEER_CLOSED;
    const timed = this.calls % SAMPLE_EVERY === 0;
    const t0 = timed ? this.clock() : 0;
    Atomics.store(this.i32, this.base + SlotWord.STATE, SlotState.CALLED);
    q.post(this.slot);
    const status = this.awaitReply(q);
    if (timed) this.sample(this.clock() - t0);
    return status;
  }

  /** Record one timed round trip in the slot's statistics. */
  private sample(ns: number): void {
    this.i32[this.base + SlotWord.SAMPLES]!++;
    this.arena.f64[(this.base + SlotWord.SAMPLED_NS) >> 1]! += ns;
  }

  /**
   * A stopped process parks here, at its next system call, until it is continued (the kernel
   * clears the word and wakes it) or killed (its worker is terminated). A process that stopped
   * itself (proc_raise) parks here at once.
   */
  parkWhileStopped(): void {
    const word = this.base + SlotWord.STOPPED;
    while (Atomics.load(this.i32, word) !== 0) Atomics.wait(this.i32, word, 1, this.policy.sleepSliceMs);
  }

  /** Write the call header; the queue to post to, or null if its server is gone. */
  private prepare(queue: number, handle: number, label: number, sender = this.pid): ReceiveQueue | null {
    const i32 = this.i32;
    const b = this.base;
    if (i32[b + SlotWord.STOPPED] !== 0) this.parkWhileStopped();
    this.calls++;
    i32[b + SlotWord.CALLS] = this.calls;
    i32[b + SlotWord.QUEUE] = queue;
    i32[b + SlotWord.SENDER] = sender;
    i32[b + SlotWord.ORIGIN] = this.pid;
    i32[b + SlotWord.HANDLE] = handle;
    i32[b + SlotWord.LABEL] = label;
    i32[b + SlotWord.DEFERRED] = 0;
    i32[b + TRANSPORT_WORD] = Status.OK;
    Atomics.add(i32, b + SlotWord.SEQ, 1);
    const q = this.queue(queue);
    return q.alive ? q : null;
  }

  /** A co-located handler forwarded this thread's call elsewhere: wait for that server's reply. */
  awaitForwarded(): Status {
    // The forwarding server wrote the queue it forwarded to into the slot.
    return this.awaitReply(this.queue(this.i32[this.base + SlotWord.QUEUE]!));
  }

  /** How long this caller spins for a reply, learnt from its recent calls (wait-policy.ts). */
  private readonly spinBudget = new SpinBudget();

  /** Wait for the reply of `server`; a server thread's own call marks it waiting out meanwhile. */
  private awaitReply(server: ReceiveQueue): Status {
    const home = this.home;
    if (home === null) return this.awaitReplyFrom(server);
    home.setWaitingOut(1);
    try {
      return this.awaitReplyFrom(server);
    } finally {
      home.setWaitingOut(0);
    }
  }

  /**
   * Spin (within this caller's budget) then sleep until the call is answered. The spin stops
   * early, without counting as failed, while the server is itself waiting on a call it made or
   * once it has deferred this call.
   */
  private awaitReplyFrom(server: ReceiveQueue): Status {
    const i32 = this.i32;
    const stateIndex = this.base + SlotWord.STATE;
    let state = Atomics.load(i32, stateIndex);
    const spinNs = this.spinBudget.of(this.policy.callerSpinNs);
    let start = 0;
    let preempted = false;
    if (state < SlotState.REPLIED && spinNs > 0) {
      let now = this.clock();
      start = now;
      const deadline = now + spinNs;
      spin: for (;;) {
        for (let i = 0; i < CHECK_EVERY; i++) {
          state = Atomics.load(i32, stateIndex);
          if (state >= SlotState.REPLIED) break spin;
        }
        // The server is itself waiting on a call, or put this one aside for later (a pipe's
        // reader with nothing to read, a wait for a child): the answer will not come while we
        // spin, and not getting it is no reason to spin less next time.
        if (server.waitingOut() || Atomics.load(i32, this.base + SlotWord.DEFERRED) !== 0) {
          start = 0;
          break;
        }
        const then = now;
        now = this.clock();
        preempted = now - then > PREEMPTED_NS;
        if (now > deadline || preempted) break;
      }
      if (state >= SlotState.REPLIED) this.spinBudget.succeeded();
      else if (start !== 0) this.spinBudget.failed();
    }
    if (state < SlotState.REPLIED) {
      state = this.sleepForReply();
      if (start !== 0 && !preempted) this.spinBudget.covered(this.clock() - start, this.policy.callerSpinNs);
    }
    return this.result(state);
  }

  private sleepForReply(): number {
    const i32 = this.i32;
    const b = this.base;
    this.sleeps++;
    Atomics.store(i32, b + SlotWord.WAITING, 1);
    let state: number;
    for (let slice = 0; ; slice++) {
      state = Atomics.load(i32, b + SlotWord.STATE);
      if (state >= SlotState.REPLIED) break;
      if (!this.readyToSleep(state, slice)) continue;
      Atomics.wait(i32, b + SlotWord.STATE, state, this.policy.sleepSliceMs);
    }
    Atomics.store(i32, b + SlotWord.WAITING, 0);
    return state;
  }

  /** Post the call and resolve when answered, without blocking the thread (event-loop callers). */
  async callAsync(queue: number, handle: number, label: number): Promise<Status> {
    const i32 = this.i32;
    const b = this.base;
    const q = this.prepare(queue, handle, label);
    if (q === null) return Status.PEER_CLOSED;
    Atomics.store(i32, b + SlotWord.STATE, SlotState.CALLED);
    Atomics.store(i32, b + SlotWord.WAITING, 1);
    q.post(this.slot);
    let state: number;
    for (let slice = 0; ; slice++) {
      state = Atomics.load(i32, b + SlotWord.STATE);
      if (state >= SlotState.REPLIED) break;
      if (!this.readyToSleep(state, slice)) continue;
      const r = Atomics.waitAsync(i32, b + SlotWord.STATE, state, this.policy.sleepSliceMs);
      if (r.async) await r.value;
    }
    Atomics.store(i32, b + SlotWord.WAITING, 0);
    return this.result(state);
  }

  /**
   * Before sleeping on `state` (the `slice`th time): if the queue the call is posted to has no
   * server any more, mark the call DEAD and return false (look again); if the call is still
   * unclaimed after a whole slice, post it again — harmless if its bit is still set, and it
   * recovers a post lost to a forwarder that died between choosing the queue and posting.
   */
  private readyToSleep(state: number, slice: number): boolean {
    const i32 = this.i32;
    const b = this.base;
    const q = Atomics.load(i32, b + SlotWord.QUEUE);
    if (Atomics.load(i32, this.arena.queueWord(q) + QueueWord.ALIVE) !== 1) {
      Atomics.compareExchange(i32, b + SlotWord.STATE, state, SlotState.DEAD);
      return false;
    }
    if (state === SlotState.CALLED && slice > 0) this.queue(q).post(this.slot);
    return true;
  }

  /** Free the slot for the next call and turn the final state into a transport status. */
  private result(state: number): Status {
    Atomics.store(this.i32, this.base + SlotWord.STATE, SlotState.IDLE);
    if (state === SlotState.DEAD) return Status.PEER_CLOSED;
    return this.i32[this.base + TRANSPORT_WORD] as Status;
  }
}

/**
 * Kernel: the thread owning `slot` is ending. Its call, if one is open, becomes DEAD (and its
 * caller is woken: a retiring thread waits for exactly this) and the sequence number moves on,
 * so a deferred reply still held for it reports `pending` false and is dropped instead of landing
 * in a slot that will belong to someone else.
 */
export function retireSlot(arena: Arena, slot: number): void {
  const i32 = arena.i32;
  const b = arena.slotWord(slot);
  Atomics.add(i32, b + SlotWord.SEQ, 1);
  for (;;) {
    const state = Atomics.load(i32, b + SlotWord.STATE);
    if (state !== SlotState.CALLED && state !== SlotState.SERVING) return;
    if (Atomics.compareExchange(i32, b + SlotWord.STATE, state, SlotState.DEAD) === state) {
      Atomics.notify(i32, b + SlotWord.STATE);
      return;
    }
  }
}

/**
 * Kernel: the server thread of `queue` is gone. Every slot posted to it and not yet answered is
 * failed and its caller woken: a call the server had taken becomes DEAD (cut: the caller sees
 * PEER_CLOSED and cannot know what it did); one it never took is answered BAD_STATE, as a call to
 * an endpoint nobody serves is — it had no effect, so its caller may send it again to the
 * server's next instance (recovering-vfs.ts, recovering-proc.ts). Call after `ReceiveQueue.close()`. Slots from
 * `slotsEnd` on have never been given to a thread, so hold no call (the kernel's slot allocator
 * knows where that is; boot opens a queue per service, and scanning every slot for each cost a
 * `keel run` ~5 ms).
 */
export function failPendingCalls(arena: Arena, queue: number, slotsEnd = arena.config.maxThreads): number {
  const i32 = arena.i32;
  let failed = 0;
  const end = Math.min(slotsEnd, arena.config.maxThreads);
  for (let slot = 0; slot < end; slot++) {
    const b = arena.slotWord(slot);
    const state = Atomics.load(i32, b + SlotWord.STATE);
    if (state !== SlotState.CALLED && state !== SlotState.SERVING) continue;
    if (Atomics.load(i32, b + SlotWord.QUEUE) !== queue) continue;
    // The server is gone, so nothing but this can move a slot posted to it on.
    if (state === SlotState.CALLED) i32[b + TRANSPORT_WORD] = Status.BAD_STATE;
    const outcome = state === SlotState.CALLED ? SlotState.REPLIED : SlotState.DEAD;
    if (Atomics.compareExchange(i32, b + SlotWord.STATE, state, outcome) === state) {
      failed++;
      Atomics.notify(i32, b + SlotWord.STATE);
    }
  }
  return failed;
}

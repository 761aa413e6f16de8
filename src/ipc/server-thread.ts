/**
 * The server side of synchronous IPC for one thread.
 *
 * A server thread owns one receive queue and hosts any number of services, each on a port. The
 * thread may be the kernel thread (services of class `kernel`, served from the event loop), a
 * coalesced group's worker (several services, one thread) or an isolated service's worker.
 * Services do not know which: they see a CallContext either way.
 *
 * For each posted slot the thread: claims it (CALLED → SERVING), authorises it from the caller's
 * published handle table (route.ts), dispatches to the port's service, and — unless the service
 * deferred or forwarded it — marks it REPLIED and wakes the caller if it sleeps. A handler that
 * throws is a bug in that service: the caller gets INTERNAL and the thread keeps serving.
 *
 * Co-located calls (caller and server share this thread) skip the queue: `dispatchLocal` runs
 * the same authorisation and the same handler on the caller's own registers.
 */

import { type Arena, QueueWord, SlotState, SlotWord } from './arena.js';
import { CallSlot, TRANSPORT_WORD } from './call-slot.js';
import { DEFER, type CallContext, type DeferredReply, FORWARDED, type HandlerOutcome, type ServerApi, type Service } from './call-context.js';
import { ReceiveQueue } from './receive-queue.js';
import { Route, resolveRoute } from './route.js';
import { CHECK_EVERY, type Clock, DEFAULT_WAIT_POLICY, PREEMPTED_NS, SpinBudget, type WaitPolicy, defaultClock } from './wait-policy.js';
import { Status } from '../abi/status.js';

/**
 * One turn of the event loop (its timers, host I/O callbacks): setImmediate where the host has it
 * (Node), as setTimeout(0) there waits at least a millisecond — a millisecond every 2 ms a busy
 * kernel thread yields, in which every call posted to it waits (SQLite on a host directory, whose
 * calls keep the kernel thread busy: 4% of its run).
 */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => { if (immediate) immediate(resolve); else setTimeout(resolve, 0); });
}

/** The port of the kernel's own service on the kernel thread's queue (calls with handle 0). */
export const KERNEL_PORT = 0;

class SlotCall implements CallContext {
  label = 0;
  badge = 0;
  rights = 0;
  sender = 0;
  origin = 0;
  endpoint = 0;
  colocated = false;
  seq = 0;
  constructor(readonly slot: number, readonly regs: Float64Array, readonly bulk: Uint8Array) {}
}

export interface ServerStats {
  calls: number;
  refused: number;
  internalErrors: number;
  sleeps: number;
}

export class ServerThread implements ServerApi {
  readonly queue: ReceiveQueue;
  private readonly services = new Map<number, Service>();
  private readonly calls: (SlotCall | undefined)[] = [];
  private readonly route = new Route();
  private running = false;
  /** Set by the last `forward`: true if it posted the call to another thread's queue. */
  private forwardPosted = false;
  readonly stats: ServerStats = { calls: 0, refused: 0, internalErrors: 0, sleeps: 0 };
  /** Called when the kernel flagged events for this thread (peer closed, …). */
  onEvents: (() => void) | null = null;
  /** Called each time the thread is about to sleep for want of calls (diskfs commits late changes). */
  onIdle: (() => void) | null = null;
  /** Set on the kernel thread: the service that answers calls made with handle 0. */
  kernelService: Service | null = null;

  constructor(
    readonly arena: Arena,
    queueIndex: number,
    /** This thread's own call slot, used to forward and to call other servers. */
    readonly slot: CallSlot,
    public policy: WaitPolicy = DEFAULT_WAIT_POLICY,
    private readonly clock: Clock = defaultClock,
  ) {
    this.queue = new ReceiveQueue(arena, queueIndex);
    slot.home = this.queue;
    this.servedWord = arena.queueWord(queueIndex) + QueueWord.SERVED;
  }

  /** Arena word counting the calls this thread served (read by `top`). */
  private readonly servedWord: number;

  get pid(): number {
    return this.slot.pid;
  }

  register(port: number, service: Service): void {
    if (port <= KERNEL_PORT || port > 0xffff) throw new RangeError(`port ${port} out of range 1..65535`);
    if (this.services.has(port)) throw new Error(`port ${port} already serves ${this.services.get(port)!.name}`);
    this.services.set(port, service);
  }

  service(port: number): Service | undefined {
    return this.services.get(port);
  }

  /** Tell the services that own `endpoint` that its client is gone. */
  notifyPeerClosed(endpoint: number, port: number): void {
    this.services.get(port)?.peerClosed?.(endpoint);
  }

  private contextFor(slot: number): SlotCall {
    let c = this.calls[slot];
    if (!c) {
      c = new SlotCall(slot, this.arena.regsView(slot), this.arena.bulkView(slot));
      this.calls[slot] = c;
    }
    return c;
  }

  /** Authorise the call in `slot` and find its service; fills the context. */
  private authorise(slot: number, c: SlotCall): Service | Status {
    const i32 = this.arena.i32;
    const b = this.arena.slotWord(slot);
    const handle = i32[b + SlotWord.HANDLE]!;
    c.label = i32[b + SlotWord.LABEL]!;
    c.sender = i32[b + SlotWord.SENDER]!;
    c.origin = i32[b + SlotWord.ORIGIN]!;
    c.seq = Atomics.load(i32, b + SlotWord.SEQ);
    if (handle === 0) {
      if (!this.kernelService) return Status.BAD_HANDLE;
      c.badge = 0; c.rights = 0; c.endpoint = 0;
      return this.kernelService;
    }
    const r = this.route;
    if (resolveRoute(this.arena, c.sender, handle, r) !== Status.OK) return r.status;
    if (r.queue !== this.queue.index) return Status.BAD_STATE;
    const service = this.services.get(r.port);
    if (!service) return Status.PEER_CLOSED;
    c.badge = r.badge; c.rights = r.rights; c.endpoint = r.endpoint;
    return service;
  }

  /** Serve one posted slot. */
  private serveSlot(slot: number): void {
    const i32 = this.arena.i32;
    const b = this.arena.slotWord(slot);
    if (Atomics.compareExchange(i32, b + SlotWord.STATE, SlotState.CALLED, SlotState.SERVING) !== SlotState.CALLED) return;
    // A bit left by the slot's previous owner (killed after posting here) must not claim the new
    // owner's call, which is posted to another queue: give it back untouched.
    if (Atomics.load(i32, b + SlotWord.QUEUE) !== this.queue.index) {
      Atomics.store(i32, b + SlotWord.STATE, SlotState.CALLED);
      return;
    }
    this.stats.calls++;
    this.arena.i32[this.servedWord]!++;
    const c = this.contextFor(slot);
    c.colocated = false;
    const service = this.authorise(slot, c);
    if (typeof service === 'number') {
      this.stats.refused++;
      this.complete(slot, service, c.seq);
      return;
    }
    const outcome = this.invoke(service, c);
    this.handedOff = outcome === FORWARDED && this.forwardPosted;
    if (outcome === DEFER || outcome === FORWARDED) return;
    this.complete(slot, typeof outcome === 'number' ? outcome : Status.OK, c.seq);
  }

  /**
   * Set when the last call served here was passed on to another thread. The next call from that
   * caller cannot come before the other thread answers it, so spinning now would only take a core
   * from that thread (with more busy threads than cores, it may have none): sleep instead.
   */
  private handedOff = false;

  private invoke(service: Service, c: CallContext): HandlerOutcome | Status {
    try {
      return service.dispatch(c, this);
    } catch {
      this.stats.internalErrors++;
      return Status.INTERNAL;
    }
  }

  /**
   * Answer call `seq` in `slot`. Only that call, still being served, is answered: if its caller
   * died meanwhile (the kernel moved the sequence number on and marked the slot DEAD), the slot may
   * already carry someone else's call and is not ours to touch.
   */
  private complete(slot: number, transport: Status, seq: number): void {
    const i32 = this.arena.i32;
    const b = this.arena.slotWord(slot);
    if (Atomics.load(i32, b + SlotWord.SEQ) !== seq) return;
    i32[b + TRANSPORT_WORD] = transport;
    if (Atomics.compareExchange(i32, b + SlotWord.STATE, SlotState.SERVING, SlotState.REPLIED) !== SlotState.SERVING) return;
    if (Atomics.load(i32, b + SlotWord.WAITING) !== 0) {
      Atomics.notify(i32, b + SlotWord.STATE);
      this.wokeCaller = true;
    }
  }

  /** Set when the last reply had to wake a sleeping caller (see WaitPolicy.serverSpinAfterWakeNs). */
  private wokeCaller = false;

  /**
   * A co-located call: the caller's slot belongs to this thread. Runs authorisation and the
   * handler inline. Returns the transport status, or null if the handler forwarded the call to
   * another thread (the caller must then wait on its slot).
   */
  dispatchLocal(callerSlot: CallSlot, handle: number, label: number): Status | null {
    const i32 = this.arena.i32;
    const b = callerSlot.base;
    i32[b + SlotWord.HANDLE] = handle;
    i32[b + SlotWord.LABEL] = label;
    i32[b + SlotWord.SENDER] = callerSlot.pid;
    i32[b + SlotWord.ORIGIN] = callerSlot.pid;
    i32[b + SlotWord.QUEUE] = this.queue.index;
    i32[b + TRANSPORT_WORD] = Status.OK;
    Atomics.store(i32, b + SlotWord.STATE, SlotState.SERVING);
    const c = new SlotCall(callerSlot.slot, callerSlot.regs, callerSlot.bulk);
    c.colocated = true;
    this.stats.calls++;
    this.arena.i32[this.servedWord]!++;
    const service = this.authorise(callerSlot.slot, c);
    let status: Status;
    if (typeof service === 'number') {
      this.stats.refused++;
      status = service;
    } else {
      const outcome = this.invoke(service, c);
      if (outcome === FORWARDED) {
        // Posted to another thread: the caller waits on its slot. Served inline: the reply is here.
        if (this.forwardPosted) return null;
        status = i32[b + TRANSPORT_WORD] as Status;
      } else {
        status = typeof outcome === 'number' ? outcome : Status.OK;
      }
    }
    Atomics.store(i32, b + SlotWord.STATE, SlotState.IDLE);
    return status;
  }

  defer(call: CallContext): DeferredReply | null {
    if (call.colocated) return null;
    const c = call as SlotCall;
    const i32 = this.arena.i32;
    const b = this.arena.slotWord(c.slot);
    const seq = c.seq;
    const self = this;
    // Tell the caller not to spin for it (call-slot.ts awaitReplyFrom).
    Atomics.store(i32, b + SlotWord.DEFERRED, 1);
    return {
      regs: c.regs,
      bulk: c.bulk,
      get pending(): boolean {
        return Atomics.load(i32, b + SlotWord.SEQ) === seq && Atomics.load(i32, b + SlotWord.STATE) === SlotState.SERVING;
      },
      finish(): void {
        if (this.pending) self.complete(c.slot, Status.OK, seq);
      },
    };
  }

  forward(call: CallContext, handle: number, label: number): boolean {
    const r = this.route;
    this.forwardPosted = false;
    if (resolveRoute(this.arena, this.pid, handle, r) !== Status.OK) return false;
    const c = call as SlotCall;
    const i32 = this.arena.i32;
    const b = this.arena.slotWord(c.slot);
    i32[b + SlotWord.SENDER] = this.pid;
    i32[b + SlotWord.HANDLE] = handle;
    i32[b + SlotWord.LABEL] = label;
    i32[b + SlotWord.QUEUE] = r.queue;
    if (r.queue === this.queue.index) {
      // Forwarding within the thread: serve it right here, on the same registers.
      const c2 = c.colocated ? new SlotCall(c.slot, c.regs, c.bulk) : this.contextFor(c.slot);
      const service = this.authorise(c.slot, c2);
      c2.colocated = c.colocated;
      const outcome = typeof service === 'number' ? service : this.invoke(service, c2);
      if (outcome === DEFER || outcome === FORWARDED) return true;
      const transport = typeof outcome === 'number' ? outcome : Status.OK;
      if (c.colocated) i32[b + TRANSPORT_WORD] = transport; // dispatchLocal reads it
      else this.complete(c.slot, transport, c.seq);
      return true;
    }
    this.forwardPosted = true;
    Atomics.store(i32, b + SlotWord.STATE, SlotState.CALLED);
    this.slot.queue(r.queue).post(c.slot);
    return true;
  }

  /** Take and serve everything posted now; returns how many calls were served. */
  pump(): number {
    if (this.queue.takeEvents()) {
      try {
        this.onEvents?.();
      } catch {
        this.stats.internalErrors++;
      }
    }
    return this.queue.drain((slot) => this.serveSlot(slot));
  }

  /** Serve until `stop()`, sleeping in Atomics.wait when idle (worker threads). */
  runBlocking(): void {
    this.running = true;
    while (this.running) {
      const seen = this.queue.doorbell();
      if (this.pump() > 0) continue;
      if (!this.handedOff && this.spinForWork(seen)) continue;
      if (!this.running) break;
      this.idle();
      this.stats.sleeps++;
      this.queue.sleep(seen, this.policy.sleepSliceMs);
      this.spinEndedInSleep();
    }
  }

  /** Serve until `stop()`, yielding to the event loop when idle (kernel thread, evented services). */
  async runEvented(maxSpinNs = this.policy.serverSpinNs): Promise<void> {
    this.running = true;
    // A pending Atomics.waitAsync does not keep an event loop alive by itself (a worker whose loop
    // had nothing else would end): hold it open with an idle timer while serving.
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      await this.serveEvented(maxSpinNs);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async serveEvented(maxSpinNs: number): Promise<void> {
    let lastYield = this.clock();
    while (this.running) {
      const seen = this.queue.doorbell();
      if (this.pump() > 0) {
        // Between bursts let queued promise jobs run; at least every 2 ms let host I/O callbacks
        // (stdin, worker exits, timers) run too, which needs a macrotask.
        if (this.clock() - lastYield > 2_000_000) {
          await nextTurn();
          lastYield = this.clock();
        } else await Promise.resolve();
        continue;
      }
      lastYield = this.clock();
      if (this.spinForWork(seen, maxSpinNs, maxSpinNs)) continue;
      if (!this.running) break;
      this.idle();
      this.stats.sleeps++;
      await this.queue.sleepAsync(seen, this.policy.sleepSliceMs);
      this.spinEndedInSleep();
    }
  }

  private spinForWork(seen: number, spinNs = this.policy.serverSpinNs, afterWakeNs = this.policy.serverSpinAfterWakeNs): boolean {
    if (this.wokeCaller) {
      this.wokeCaller = false;
      spinNs = Math.max(spinNs, afterWakeNs);
    }
    this.spinCeilingNs = spinNs;
    spinNs = this.spinBudget.of(spinNs);
    this.spinStart = 0;
    if (spinNs <= 0) return false;
    let now = this.clock();
    const deadline = now + spinNs;
    const queue = this.queue;
    for (;;) {
      for (let i = 0; i < CHECK_EVERY; i++) {
        if (queue.doorbell() !== seen) {
          this.spinBudget.succeeded();
          return true;
        }
      }
      const then = now;
      now = this.clock();
      const preempted = now - then > PREEMPTED_NS;
      if (!this.running || now > deadline || preempted) {
        this.spinBudget.failed();
        if (!preempted) this.spinStart = deadline - spinNs;
        return false;
      }
    }
  }

  /** Start of the last spin that ran out undisturbed (0: none), and the ceiling it was cut from. */
  private spinStart = 0;
  private spinCeilingNs = 0;

  /** After a sleep that followed a spin: had the call come within the ceiling, spin that long. */
  private spinEndedInSleep(): void {
    if (this.spinStart !== 0) this.spinBudget.covered(this.clock() - this.spinStart, this.spinCeilingNs);
  }

  /** How long this server spins for its next call, learnt from its recent spins (wait-policy.ts). */
  private readonly spinBudget = new SpinBudget();

  private idle(): void {
    try {
      this.onIdle?.();
    } catch {
      this.stats.internalErrors++;
    }
  }

  stop(): void {
    this.running = false;
    this.queue.ring();
  }
}

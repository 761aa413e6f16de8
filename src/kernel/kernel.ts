/**
 * The core kernel: object registry, capability spaces and the kernel calls on them.
 *
 * It runs on the kernel thread and owns no file system, driver or path name. Every kernel call
 * has the same shape: resolve the handle in the caller's table → check the object type and the
 * rights → validate every argument → act. No state changes before validation is complete, and
 * no call throws: failures are Status values.
 *
 * Host effects (starting and stopping threads, handing a Memory buffer to a thread) go through
 * the KernelHost the platform supplies, so this file imports no host module.
 */

import { type Arena, QueueWord, SlotWord } from '../ipc/arena.js';
import { ReceiveQueue } from '../ipc/receive-queue.js';
import { failPendingCalls, retireSlot } from '../ipc/call-slot.js';
import type { StaticPolicy } from './static-policy.js';
import { type ProcessRow, publishProcess, readProcessTable } from '../ipc/process-table.js';
import { revokeTokens } from '../ipc/address-token.js';
import { Capability } from './capability.js';
import { Custody, adoptedProcess } from './custody.js';
import { CHANNEL_MAX_BYTES, CHANNEL_MAX_HANDLES, CHANNEL_MAX_MESSAGES, ChannelEndpoint, type ChannelHooks, type ChannelMessage } from './channel.js';
import { type Handle } from '../abi/handle.js';
import { IdAllocator } from './id-allocator.js';
import { type ObjectRoom, memoryBuffer, memoryCreate, memoryMap, notificationCreate, notificationPoll, notificationSignal } from './notifications-and-memory.js';
import { type KernelObject } from './object.js';
import { ObjectType, objectTypeName } from '../abi/object-type.js';
import { Process } from './process.js';
import { type ExitStatus, type ProcessLimits, type ResourceLimit, narrowLimits } from '../abi/exit-status.js';
import { Sessions } from './sessions.js';
import { takeUnreachableMessages } from './unreachable-messages.js';
import { MessageLog } from './message-log.js';
import { EventQueues } from './event-queues.js';
import { BadgeCounts } from './badge-counts.js';
import { MemoryLedger } from '../ipc/memory-ledger.js';
import { ALL_RIGHTS, Right, type Rights, has, isSubset } from '../abi/rights.js';
import { Status, type Result, fail, ok } from '../abi/status.js';
import {
  type AdoptedProcess, CHILD_RIGHTS, KERNEL_PID, MAX_EXIT_MESSAGE, SIGCONT, STOP_SIGNALS,
  type HandleInfo, type KernelEvent, type KernelHost, type ReadMessage, type SpawnRequest,
} from './kernel-interface.js';

export { MESSAGE_LOG_LINES } from './message-log.js';
export {
  type AdoptedProcess, CHILD_RIGHTS, KERNEL_PID, MAX_EVENTS_PER_TAKE, MAX_EXIT_MESSAGE, SIGCONT, STOP_SIGNALS,
  type HandleInfo, type KernelEvent, type KernelHost, type ReadMessage, type SpawnRequest,
} from './kernel-interface.js';

/** One line of the kernel's process table (the `processes` kernel call; ps and top). */
export type { ProcessRow };

export class Kernel {
  private readonly objects = new Map<number, KernelObject>();
  private readonly objectIds: IdAllocator;
  private readonly processes = new Map<number, Process>();
  private readonly pids: IdAllocator;
  private readonly slots: IdAllocator;
  private readonly queues: IdAllocator;
  private readonly events: EventQueues;
  private readonly queueOwners = new Map<number, Process>();
  private readonly channelHooks: ChannelHooks;
  private readonly readWaiters = new Map<number, (() => void)[]>();
  /** Capabilities inside channel messages right now (the cycle collector runs only when > 0). */
  private transitCaps = 0;
  /** Live capabilities per (channel endpoint, badge), for badge-closed events. */
  private readonly badgeCounts = new BadgeCounts();
  /** Called after an endpoint starts being served (boot waits for its services with it). */
  onServed: ((endpointId: number, pid: number) => void) | null = null;
  /** Processes that asked to hear of exits (the proc service). */
  readonly exitListeners = new Set<number>();
  /** The process handles a dead exit listener held, for its next instance (custody.ts, adopt). */
  private readonly custody = new Custody();
  /** Processes created so far (Process.born). */
  private processesBorn = 0;
  /** The manifest's channel graph, enforced when the system boots with `static: true`. */
  policy: StaticPolicy | null = null;

  /** Messages an endpoint queues unread before writes to it fail with NO_RESOURCES (the manifest's limits.channelMessages). */
  channelDepth = CHANNEL_MAX_MESSAGES;
  /** The process trees (sessions) and their live members. */
  readonly sessions = new Sessions();
  /** The programs' memory against the system's budget (the kernel opens and retires rows). */
  readonly ledger: MemoryLedger;
  private readonly log = new MessageLog();

  constructor(readonly arena: Arena, private readonly host: KernelHost) {
    this.objectIds = new IdAllocator(1, arena.config.maxObjects);
    this.pids = new IdAllocator(KERNEL_PID, arena.config.maxProcesses);
    this.slots = new IdAllocator(0, arena.config.maxThreads);
    this.queues = new IdAllocator(0, arena.config.maxQueues);
    this.ledger = new MemoryLedger(arena);
    this.events = new EventQueues(arena);
    this.room = this.makeRoom();
    this.channelHooks = {
      peerClosed: (endpoint) => this.onPeerClosed(endpoint),
      messageArrived: (endpoint) => this.wakeReaders(endpoint.id),
      dropCaps: (caps) => {
        this.transitCaps -= caps.length;
        for (const cap of caps) this.releaseCap(cap);
      },
    };
    const kernelProcess = this.newProcess('kernel', 0, null, {});
    if (!kernelProcess || kernelProcess.pid !== KERNEL_PID) throw new Error('kernel process must be pid 1');
    kernelProcess.state = 'running';
  }

  // ─── processes ──────────────────────────────────────────────────────────────

  process(pid: number): Process | undefined {
    return this.processes.get(pid);
  }

  allProcesses(): Process[] {
    return [...this.processes.values()];
  }

  /**
   * Every live process with its IPC statistics from the arena (for ps and top): calls made from
   * its slots, how many were timed and their total round trip, and calls its queue served.
   */
  processTable(): ProcessRow[] {
    return readProcessTable(this.arena, null) ?? [];
  }

  /** Publish `p`'s row of the process table (after every change to what the row shows). */
  private publish(p: Process): void {
    publishProcess(this.arena, { pid: p.pid, parent: p.parentPid, name: p.name, alive: p.alive && this.processes.get(p.pid) === p, slots: [p.slot, ...p.extraSlots], queue: p.queue, restarts: p.restarts });
  }

  /**
   * The process-table token for a local kernel (ps, top): the table's current generation, or
   * null while tokens are withheld. `revokeTableTokens` bumps the generation: every holder falls
   * back to the `processes` call, which grants a fresh token unless `withhold` is set.
   */
  tableToken(): number | null {
    return this.tableTokensWithheld ? null : Atomics.load(this.arena.i32, this.arena.procTableGenerationWord);
  }

  revokeTableTokens(withhold = false): void {
    this.tableTokensWithheld = withhold;
    revokeTokens(this.arena, this.arena.procTableGenerationWord);
  }

  private tableTokensWithheld = false;

  /** Add a line to the kernel's message log (dmesg). */
  logMessage(text: string): void {
    this.log.add(text);
  }

  /** Log lines with a sequence number of at least `from`, and the number to ask from next. */
  readMessages(from: number): { lines: string[]; next: number } {
    return this.log.read(from);
  }

  /** Record that `pid` runs a service the supervisor has restarted `count` times (top shows it). */
  setRestarts(pid: number, count: number): void {
    const p = this.processes.get(pid);
    if (!p) return;
    p.restarts = count;
    this.publish(p);
  }


  /**
   * A new process record: `lineage` is whom it is started for (null: the kernel process itself).
   * A process the kernel process starts begins a session; any other joins its lineage's.
   */
  private newProcess(name: string, parentPid: number, lineage: Process | null, limits: ProcessLimits): Process | null {
    const pid = this.pids.alloc();
    if (pid === null) return null;
    const id = this.objectIds.alloc();
    if (id === null) {
      this.pids.release(pid);
      return null;
    }
    const session = lineage === null ? 0 : lineage.pid === KERNEL_PID ? this.sessions.begin() : lineage.session;
    const process = new Process(id, pid, parentPid, name, this.arena, lineage?.pid ?? 0, session, limits);
    process.born = ++this.processesBorn;
    if (session !== 0) this.sessions.join(session);
    this.ledger.open(pid);
    this.objects.set(id, process);
    this.processes.set(pid, process);
    this.publish(process);
    return process;
  }

  /** Give `pid` a call slot for its thread (at most one). */
  attachSlot(process: Process): number | null {
    if (process.slot >= 0) return process.slot;
    const slot = this.newSlot();
    if (slot === null) return null;
    process.slot = slot;
    this.publish(process);
    return slot;
  }

  /**
   * A further call slot for `process`'s thread, for calls it makes without waiting (the kernel
   * thread's services). Released with the process's own slot.
   */
  attachExtraSlot(process: Process): number | null {
    const slot = this.newSlot();
    if (slot !== null) {
      process.extraSlots.push(slot);
      this.publish(process);
    }
    return slot;
  }

  private newSlot(): number | null {
    const slot = this.slots.alloc();
    if (slot === null) return null;
    const b = this.arena.slotWord(slot);
    this.arena.i32[b + SlotWord.CALLS] = 0;
    this.arena.i32[b + SlotWord.SAMPLES] = 0;
    this.arena.i32[b + SlotWord.STOPPED] = 0;
    this.arena.f64[(b + SlotWord.SAMPLED_NS) >> 1] = 0;
    return slot;
  }

  /** Give `process` a receive queue so it can serve channels. */
  openQueue(process: Process): number | null {
    if (process.queue >= 0) return process.queue;
    const q = this.queues.alloc();
    if (q === null) return null;
    // A caller may still have posted to this index's previous owner: fail it before reuse.
    failPendingCalls(this.arena, q, this.slots.end);
    new ReceiveQueue(this.arena, q).open(process.pid);
    this.arena.i32[this.arena.queueWord(q) + QueueWord.SERVED] = 0;
    process.queue = q;
    this.queueOwners.set(q, process);
    this.publish(process);
    this.events.opened(process);
    return q;
  }

  /**
   * Create a child of `parentPid`, moving `handles` from the parent into it, and start its
   * thread. Returns the parent's handle to the child and the child's pid.
   */
  spawn(parentPid: number, req: SpawnRequest): Result<{ handle: Handle; pid: number; childHandles: Handle[] }> {
    const parent = this.processes.get(parentPid);
    if (!parent || !parent.alive) return fail(Status.BAD_STATE);
    if (req.handles.length > CHANNEL_MAX_HANDLES) return fail(Status.INVALID_ARGS);
    const moved = this.collectTransfer(parent, req.handles, null);
    if (moved.status !== Status.OK) return fail(moved.status);
    if (parent.handles.size >= parent.handles.capacity) return fail(Status.NO_RESOURCES);
    const principal = parentPid === KERNEL_PID ? req.principal ?? null : null;
    if (this.policy && moved.value.some((cap) => !this.policy!.permits(principal, cap.object.id))) return fail(Status.ACCESS_DENIED);
    let lineage = parent;
    if (req.lineage !== undefined && req.lineage !== 0 && req.lineage !== parentPid) {
      const l = this.processes.get(req.lineage);
      if (parent.queue < 0) return fail(Status.ACCESS_DENIED);
      if (!l || !l.alive || req.lineage === KERNEL_PID) return fail(Status.BAD_STATE);
      lineage = l;
    }
    if (!validLimits(req.limits)) return fail(Status.INVALID_ARGS);
    const child = this.newProcess(req.name, parentPid, lineage, narrowLimits(lineage.limits, req.limits));
    if (!child) return fail(Status.NO_RESOURCES);
    child.group = req.group ?? 0;
    child.tag = req.tag ?? 0;
    const slot = this.attachSlot(child);
    if (slot === null) {
      this.discardProcess(child);
      return fail(Status.NO_RESOURCES);
    }
    // Validation done: act.
    this.policy?.assign(child.pid, principal);
    const childHandles: Handle[] = [];
    for (const cap of moved.value) {
      parent.handles.removeCap(cap);
      childHandles.push(child.handles.install(cap)!);
    }
    const handle = this.installNew(parent, child, CHILD_RIGHTS, 0)!;
    parent.children.add(child.pid);
    child.state = 'running';
    try {
      this.host.startThread(child, req.boot, childHandles);
    } catch (e) {
      // The host could not start it (boot data that cannot be cloned, no threads left): the child
      // ends at once, its handles are closed, and the parent's handle shows why.
      this.threadGone(child.pid, `could not start: ${e instanceof Error ? e.message : String(e)}`);
      this.close(parentPid, handle);
      return fail(Status.INVALID_ARGS);
    }
    return ok({ handle, pid: child.pid, childHandles });
  }

  /**
   * Create a process whose parent is the kernel process (boot: services and first programs),
   * moving `handles` out of the kernel process's table into it.
   */
  spawnRoot(req: { name: string; boot: unknown; handles?: readonly number[]; principal?: ReadonlySet<string> }): Result<Process> {
    const r = this.spawn(KERNEL_PID, { name: req.name, boot: req.boot, handles: req.handles ?? [], ...(req.principal ? { principal: req.principal } : {}) });
    return r.status === Status.OK ? ok(this.processes.get(r.value.pid)!) : fail(r.status);
  }

  private discardProcess(p: Process): void {
    this.policy?.forget(p.pid);
    this.ledger.retire(p.pid);
    if (p.session !== 0) this.sessions.leave(p.session);
    this.processes.delete(p.pid);
    this.publish(p);
    this.objects.delete(p.id);
    this.pids.release(p.pid);
    this.objectIds.release(p.id);
    if (p.slot >= 0) this.slots.release(p.slot);
    for (const extra of p.extraSlots.splice(0)) this.slots.release(extra);
  }

  /**
   * The process ended (it exited, trapped, was killed, or its thread died). Idempotent: the first
   * status sticks. Closes its handles, fails calls posted to its queue, stops its thread (or, if
   * the thread `retiring` asked for the end itself, lets the host take it back).
   */
  exitProcess(pid: number, status: ExitStatus, retiring = false): boolean {
    const p = this.processes.get(pid);
    if (status.kind === 'trapped' || status.kind === 'crashed') {
      if (status.message.length > MAX_EXIT_MESSAGE) status = { kind: status.kind, message: status.message.slice(0, MAX_EXIT_MESSAGE) + '…' };
    }
    if (!p || pid === KERNEL_PID || !p.markExited(status)) return false;
    this.publish(p);
    this.ledger.retire(pid);
    if (status.kind === 'killed' && status.limit === 'memory') this.logMessage(`pid ${pid} (${p.name}) killed: its memory took the programs over the memory budget`);
    if (p.queue >= 0) {
      // Endpoints this thread served are served by no one now: new calls fail at once. Calls
      // already posted are failed when the thread is really gone (threadGone): until then a
      // handler still running could write into a caller that had moved on.
      for (const o of this.objects.values()) {
        if (o instanceof ChannelEndpoint && o.route?.queue === p.queue) o.unserve();
      }
    }
    if (p.slot >= 0) retireSlot(this.arena, p.slot);
    // An exit listener's handles to processes go into custody for its next instance (adopt).
    const listener = this.exitListeners.has(pid);
    for (const cap of p.handles.all()) {
      p.handles.removeCap(cap);
      if (listener && cap.object instanceof Process && cap.object !== p) this.custody.keep(p.name, cap);
      else this.releaseCap(cap);
    }
    this.collectUnreachable();
    this.host.stopThread(p, retiring);
    for (const listener of this.exitListeners) this.postEvent(listener, { kind: 'process-exited', pid, status });
    this.reapIfUnreferenced(p);
    if (p.session !== 0) this.sessions.leave(p.session);
    return true;
  }

  /**
   * The host reports that a process's thread is gone (it exited, was terminated or crashed).
   * Only now is its call slot reused: a thread still running could otherwise touch a slot that
   * already belongs to someone else.
   */
  threadGone(pid: number, reason: string): void {
    const p = this.processes.get(pid);
    if (!p || p.threadEnded) return;
    this.exitProcess(pid, { kind: 'crashed', message: reason });
    if (p.queue >= 0) {
      new ReceiveQueue(this.arena, p.queue).close();
      failPendingCalls(this.arena, p.queue, this.slots.end);
      this.queueOwners.delete(p.queue);
      this.events.closed(p.queue);
      this.queues.release(p.queue);
      p.queue = -1;
    }
    this.exitListeners.delete(pid);
    if (p.slot >= 0) {
      this.slots.release(p.slot);
      p.slot = -1;
    }
    for (const extra of p.extraSlots.splice(0)) this.slots.release(extra);
    p.markThreadEnded();
    this.reapIfUnreferenced(p);
  }

  /**
   * Forget an exited process once no handle names it and its thread is gone. Until then its pid
   * stays taken, so a report about its thread can never reach a newer process with the same pid.
   */
  private reapIfUnreferenced(p: Process): void {
    if (this.processes.get(p.pid) !== p) return;
    if (p.alive || p.capCount > 0 || !p.threadEnded) return;
    this.processes.delete(p.pid);
    this.objects.delete(p.id);
    this.pids.release(p.pid);
    this.objectIds.release(p.id);
    this.processes.get(p.parentPid)?.children.delete(p.pid);
  }

  /** Kill the process named by `h` (SIGNAL right); `limit`: the resource limit it breached. */
  kill(callerPid: number, h: number, signal: number, limit?: ResourceLimit): Status {
    const r = this.resolve(callerPid, h, ObjectType.PROCESS, Right.SIGNAL);
    if (r.status !== Status.OK) return r.status;
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) return Status.INVALID_ARGS;
    const target = r.value.object as Process;
    if (!target.alive) return Status.BAD_STATE;
    this.deliver(target, signal, limit);
    return Status.OK;
  }

  /** Act on a signal the caller may send: stop, continue, or end the process. */
  private deliver(target: Process, signal: number, limit?: ResourceLimit): void {
    if (STOP_SIGNALS.has(signal) || signal === SIGCONT) this.setStopped(target, signal !== SIGCONT, signal);
    else this.exitProcess(target.pid, limit ? { kind: 'killed', signal, limit } : { kind: 'killed', signal });
  }

  /**
   * Signal every live process of `session` — a run's whole tree, orphans included (the host's
   * operation: it started the session's first process). How many were signalled.
   */
  signalSession(session: number, signal: number, limit?: ResourceLimit): number {
    if (session === 0 || !Number.isInteger(signal) || signal < 1 || signal > 64) return 0;
    let count = 0;
    for (const p of [...this.processes.values()]) {
      if (p.session !== session || !p.alive || p.pid === KERNEL_PID) continue;
      this.deliver(p, signal, limit);
      count++;
    }
    return count;
  }

  /**
   * The caller stops itself (proc_raise of a stop signal): as a job-control stop, it parks at
   * its next system call until SIGCONT, and the exit listeners hear of the stop.
   */
  raise(pid: number, signal: number): Status {
    const p = this.processes.get(pid);
    if (!p || !p.alive || pid === KERNEL_PID) return Status.BAD_STATE;
    if (!STOP_SIGNALS.has(signal)) return Status.INVALID_ARGS;
    this.setStopped(p, true, signal);
    return Status.OK;
  }

  /**
   * Stop or continue a process. Its thread cannot be paused from outside, so it parks at its next
   * system call (the STOPPED word of its call slot) until continued; the exit listeners hear of
   * the change (proc tells a parent that waits for stops).
   */
  private setStopped(p: Process, stopped: boolean, signal: number): void {
    if (p.stopped === stopped || p.slot < 0) return;
    p.stopped = stopped;
    p.stopSignal = stopped ? signal : 0;
    const word = this.arena.slotWord(p.slot) + SlotWord.STOPPED;
    Atomics.store(this.arena.i32, word, stopped ? 1 : 0);
    if (!stopped) Atomics.notify(this.arena.i32, word);
    for (const listener of this.exitListeners) this.postEvent(listener, { kind: 'process-stopped', pid: p.pid, stopped, signal });
  }

  /**
   * An exit listener takes the process handles its predecessor under the same name held (custody):
   * each is installed in its table. Only an exit listener may: the processes it takes are the ones
   * a process with its authority started. A handle that does not fit its table is released.
   */
  adopt(pid: number): Result<AdoptedProcess[]> {
    const p = this.processes.get(pid);
    if (!p || !this.exitListeners.has(pid)) return fail(Status.ACCESS_DENIED);
    const out: AdoptedProcess[] = [];
    for (const cap of this.custody.take(p.name)) {
      const child = cap.object as Process;
      const handle = p.handles.install(cap);
      if (handle === null) this.releaseCap(cap);
      else out.push(adoptedProcess(child, handle, this.processes.get(child.lineage)));
    }
    return ok(out);
  }

  /**
   * Nobody will adopt what was kept under `name` (its service is down for good): close those
   * handles, so the processes they named are reaped as usual once ended.
   */
  releaseCustody(name: string): void {
    for (const cap of this.custody.take(name)) this.releaseCap(cap);
  }

  /** Run `done` with the exit status of the process named by `h` once it exits (WAIT right). */
  waitProcess(callerPid: number, h: number, done: (status: ExitStatus) => void): Status {
    const r = this.resolve(callerPid, h, ObjectType.PROCESS, Right.WAIT);
    if (r.status !== Status.OK) return r.status;
    (r.value.object as Process).onExit(done);
    return Status.OK;
  }

  // ─── capabilities ───────────────────────────────────────────────────────────

  /** resolve → check type → check rights. `type` NONE accepts any type. */
  resolve(pid: number, h: number, type: ObjectType, needed: Rights): Result<Capability> {
    const p = this.processes.get(pid);
    if (!p || !p.alive) return fail(Status.BAD_STATE);
    const cap = p.handles.lookup(h);
    if (!cap || cap.object.destroyed) return fail(Status.BAD_HANDLE);
    if (type !== ObjectType.NONE && cap.object.type !== type) return fail(Status.WRONG_TYPE);
    if (!has(cap.rights, needed)) return fail(Status.ACCESS_DENIED);
    return ok(cap);
  }

  private installNew(holder: Process, object: KernelObject, rights: Rights, badge: number, parent: Capability | null = null): Handle | null {
    const cap = new Capability(object, rights, badge, parent);
    const h = holder.handles.install(cap);
    if (h === null) {
      cap.detach();
      return null;
    }
    object.capCount++;
    this.countBadge(object, badge, +1);
    return h;
  }

  private countBadge(object: KernelObject, badge: number, delta: number): void {
    if (badge === 0 || object.type !== ObjectType.CHANNEL || !this.badgeCounts.add(object.id, badge, delta)) return;
    const peer = (object as ChannelEndpoint).peer;
    const route = peer?.route;
    const owner = route ? this.queueOwners.get(route.queue) : undefined;
    if (peer && route && owner) this.postEvent(owner.pid, { kind: 'badge-closed', endpoint: peer.id, port: route.port, badge });
  }

  /** A capability is gone for good: unlink it and destroy its object if it was the last. */
  private releaseCap(cap: Capability): void {
    cap.detach();
    cap.location = { kind: 'gone' };
    const object = cap.object;
    object.capCount--;
    this.countBadge(object, cap.badge, -1);
    if (object.capCount === 0 && !object.destroyed) {
      if (object instanceof Process) {
        this.reapIfUnreferenced(object);
        return;
      }
      object.destroy();
      this.objects.delete(object.id);
      this.objectIds.release(object.id);
      // Readers still registered on it retry, see the handle gone, and are answered.
      if (object instanceof ChannelEndpoint) this.wakeReaders(object.id);
    }
  }

  close(pid: number, h: number): Status {
    const r = this.resolve(pid, h, ObjectType.NONE, Right.NONE);
    if (r.status !== Status.OK) return r.status;
    this.processes.get(pid)!.handles.removeCap(r.value);
    this.releaseCap(r.value);
    this.collectUnreachable();
    return Status.OK;
  }

  /** Release the capabilities of queued messages no one can ever read (unreachable-messages.ts); only while some are in flight. */
  private collectUnreachable(): void {
    if (this.transitCaps <= 0) return;
    const garbage = takeUnreachableMessages(this.processes.values(), this.objects.values());
    this.transitCaps -= garbage.length;
    for (const c of garbage) this.releaseCap(c);
  }

  /**
   * Derive a handle with `rights` ⊆ the source's rights (DUPLICATE right). A badge may be set only
   * on an unbadged source (seL4's mint): a badge, once set, cannot be changed by a holder.
   */
  duplicate(pid: number, h: number, rights: number, badge = 0): Result<Handle> {
    const r = this.resolve(pid, h, ObjectType.NONE, Right.DUPLICATE);
    if (r.status !== Status.OK) return fail(r.status);
    const src = r.value;
    if (!isSubset(rights, src.rights)) return fail(Status.INVALID_ARGS);
    if (!Number.isSafeInteger(badge) || badge < 0) return fail(Status.INVALID_ARGS);
    if (badge !== 0 && src.badge !== 0 && badge !== src.badge) return fail(Status.ACCESS_DENIED);
    const p = this.processes.get(pid)!;
    const out = this.installNew(p, src.object, rights, badge || src.badge, src);
    return out === null ? fail(Status.NO_RESOURCES) : ok(out);
  }

  /**
   * Destroy every capability derived from `h`, in every process and in flight; `h` stays.
   * Needs MANAGE: a holder given a handle without it cannot take back what others derived.
   */
  revoke(pid: number, h: number): Status {
    const r = this.resolve(pid, h, ObjectType.NONE, Right.MANAGE);
    if (r.status !== Status.OK) return r.status;
    for (const cap of r.value.descendants()) this.destroyCap(cap);
    this.collectUnreachable();
    return Status.OK;
  }

  private destroyCap(cap: Capability): void {
    const loc = cap.location;
    if (loc.kind === 'table') this.processes.get(loc.pid)?.handles.removeCap(cap);
    else if (loc.kind === 'custody') this.custody.drop(cap);
    else if (loc.kind === 'transit') {
      const i = loc.message.caps.indexOf(cap);
      if (i >= 0) {
        loc.message.caps[i] = null;
        this.transitCaps--;
      }
    }
    this.releaseCap(cap);
  }

  info(pid: number, h: number): Result<HandleInfo> {
    const r = this.resolve(pid, h, ObjectType.NONE, Right.NONE);
    if (r.status !== Status.OK) return fail(r.status);
    const c = r.value;
    return ok({ type: c.object.type, rights: c.rights, badge: c.badge, object: c.object.id });
  }

  /**
   * Check that `handles` can all be moved out of `from`: each valid, distinct, with TRANSFER, and
   * none is `except` (a channel endpoint cannot travel through itself).
   */
  private collectTransfer(from: Process, handles: readonly number[], except: Capability | null): Result<Capability[]> {
    const caps: Capability[] = [];
    for (const h of handles) {
      const cap = from.handles.lookup(h);
      if (!cap || cap.object.destroyed) return fail(Status.BAD_HANDLE);
      if (!has(cap.rights, Right.TRANSFER)) return fail(Status.ACCESS_DENIED);
      if (caps.includes(cap)) return fail(Status.INVALID_ARGS);
      if (cap === except) return fail(Status.NOT_SUPPORTED);
      caps.push(cap);
    }
    return ok(caps);
  }

  // ─── channels ───────────────────────────────────────────────────────────────

  channelCreate(pid: number): Result<[Handle, Handle]> {
    const p = this.processes.get(pid);
    if (!p || !p.alive) return fail(Status.BAD_STATE);
    if (this.policy?.sealed && pid !== KERNEL_PID) return fail(Status.ACCESS_DENIED);
    if (p.handles.capacity - p.handles.size < 2) return fail(Status.NO_RESOURCES);
    const id0 = this.objectIds.alloc();
    const id1 = this.objectIds.alloc();
    if (id0 === null || id1 === null) {
      if (id0 !== null) this.objectIds.release(id0);
      return fail(Status.NO_RESOURCES);
    }
    const [a, b] = ChannelEndpoint.pair(id0, id1, this.arena, this.channelHooks);
    this.objects.set(id0, a);
    this.objects.set(id1, b);
    const rights = ALL_RIGHTS & ~Right.MAP & ~Right.SIGNAL & ~Right.WAIT;
    return ok([this.installNew(p, a, rights as Rights, 0)!, this.installNew(p, b, rights as Rights, 0)!]);
  }

  /** Queue an asynchronous message on the peer of `h` (WRITE right), moving `handles` with it. */
  channelWrite(pid: number, h: number, bytes: Uint8Array, handles: readonly number[]): Status {
    const r = this.resolve(pid, h, ObjectType.CHANNEL, Right.WRITE);
    if (r.status !== Status.OK) return r.status;
    if (bytes.length > CHANNEL_MAX_BYTES || handles.length > CHANNEL_MAX_HANDLES) return Status.INVALID_ARGS;
    const endpoint = r.value.object as ChannelEndpoint;
    const peer = endpoint.peer;
    if (!peer) return Status.PEER_CLOSED;
    if (peer.queue.length >= this.channelDepth) return Status.NO_RESOURCES;
    const p = this.processes.get(pid)!;
    const moved = this.collectTransfer(p, handles, r.value);
    if (moved.status !== Status.OK) return moved.status;
    for (const cap of moved.value) p.handles.removeCap(cap);
    this.transitCaps += moved.value.length;
    peer.enqueue({ bytes: bytes.slice(), caps: moved.value });
    if (moved.value.length > 0) this.collectUnreachable();
    return Status.OK;
  }

  /** Take the oldest message queued on `h` (READ right); SHOULD_WAIT if none, PEER_CLOSED if none will come. */
  channelRead(pid: number, h: number): Result<ReadMessage> {
    const r = this.resolve(pid, h, ObjectType.CHANNEL, Right.READ);
    if (r.status !== Status.OK) return fail(r.status);
    const endpoint = r.value.object as ChannelEndpoint;
    const message = endpoint.queue[0];
    if (!message) return fail(endpoint.peer ? Status.SHOULD_WAIT : Status.PEER_CLOSED);
    const p = this.processes.get(pid)!;
    const live = message.caps.filter((c) => c !== null).length;
    if (this.policy && pid !== KERNEL_PID && message.caps.some((c) => c && !this.policy!.mayHold(pid, c.object.id))) {
      // A handle this process may not hold: the message is refused whole, its handles closed.
      endpoint.queue.shift();
      this.channelHooks.dropCaps(message.caps.filter((c): c is Capability => c !== null));
      return fail(Status.ACCESS_DENIED);
    }
    if (p.handles.capacity - p.handles.size < live) return fail(Status.NO_RESOURCES);
    endpoint.queue.shift();
    this.transitCaps -= live;
    const handles = message.caps.map((cap) => (cap ? p.handles.install(cap)! : (0 as Handle)));
    return ok({ bytes: message.bytes, handles });
  }

  /** Call `fn` once when `h` may have something to read (or its peer closed). */
  onReadable(pid: number, h: number, fn: () => void): Status {
    const r = this.resolve(pid, h, ObjectType.CHANNEL, Right.READ);
    if (r.status !== Status.OK) return r.status;
    const endpoint = r.value.object as ChannelEndpoint;
    if (endpoint.queue.length > 0 || !endpoint.peer) {
      fn();
      return Status.OK;
    }
    const list = this.readWaiters.get(endpoint.id) ?? [];
    list.push(fn);
    this.readWaiters.set(endpoint.id, list);
    return Status.OK;
  }

  private wakeReaders(endpointId: number): void {
    const list = this.readWaiters.get(endpointId);
    if (!list) return;
    this.readWaiters.delete(endpointId);
    for (const fn of list) fn();
  }

  /** Serve calls to `h` on the caller's thread at `port` (MANAGE right). */
  channelServe(pid: number, h: number, port: number): Status {
    const r = this.resolve(pid, h, ObjectType.CHANNEL, Right.MANAGE);
    if (r.status !== Status.OK) return r.status;
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) return Status.INVALID_ARGS;
    const p = this.processes.get(pid)!;
    const queue = this.openQueue(p);
    if (queue === null) return Status.NO_RESOURCES;
    (r.value.object as ChannelEndpoint).serve(queue, port);
    this.onServed?.(r.value.object.id, pid);
    return Status.OK;
  }

  private onPeerClosed(endpoint: ChannelEndpoint): void {
    this.wakeReaders(endpoint.id);
    const route = endpoint.route;
    if (route) {
      const owner = this.queueOwners.get(route.queue);
      if (owner) this.postEvent(owner.pid, { kind: 'peer-closed', endpoint: endpoint.id, port: route.port });
    }
  }

  private postEvent(pid: number, event: KernelEvent): void {
    const p = this.processes.get(pid);
    if (p) this.events.post(p, event);
  }

  /** A server thread takes the kernel events queued for it. */
  takeEvents(pid: number): KernelEvent[] {
    const p = this.processes.get(pid);
    return p ? this.events.take(p) : [];
  }

  /**
   * The session badges that some handle to the channel the caller serves at `port` still carries
   * (a restarted server learns which of its predecessor's sessions are left). BAD_HANDLE when the
   * caller serves nothing there.
   */
  liveBadges(pid: number, port: number): Result<number[]> {
    const p = this.processes.get(pid);
    if (!p || p.queue < 0) return fail(Status.BAD_HANDLE);
    for (const o of this.objects.values()) {
      if (!(o instanceof ChannelEndpoint) || o.route?.queue !== p.queue || o.route.port !== port || !o.peer) continue;
      return ok(this.badgeCounts.badges(o.peer.id));
    }
    return fail(Status.BAD_HANDLE);
  }

  // ─── notifications and memory (notifications-and-memory.ts) ─────────────────

  private readonly room: ObjectRoom;

  private makeRoom(): ObjectRoom {
    return {
      arena: this.arena,
      host: this.host,
      holder: (pid) => {
        const p = this.processes.get(pid);
        if (!p || !p.alive) return Status.BAD_STATE;
        return p.handles.size >= p.handles.capacity ? Status.NO_RESOURCES : p;
      },
      newId: () => this.objectIds.alloc(),
      releaseId: (id) => this.objectIds.release(id),
      install: (p, o, rights) => {
        this.objects.set(o.id, o);
        return this.installNew(p, o, rights, 0)!;
      },
      resolve: (pid, h, type, needed) => this.resolve(pid, h, type, needed),
      process: (pid) => this.processes.get(pid),
    };
  }

  notificationCreate(pid: number): Result<Handle> { return notificationCreate(this.room, pid); }
  notificationSignal(pid: number, h: number, bits: number): Status { return notificationSignal(this.room, pid, h, bits); }
  notificationPoll(pid: number, h: number, mask: number): Result<number> { return notificationPoll(this.room, pid, h, mask); }
  memoryCreate(pid: number, size: number): Result<Handle> { return memoryCreate(this.room, pid, size); }
  memoryMap(pid: number, h: number): Result<{ id: number; size: number }> { return memoryMap(this.room, pid, h); }
  memoryBuffer(pid: number, h: number): Result<SharedArrayBuffer> { return memoryBuffer(this.room, pid, h); }

  /** Objects alive now, by type (for `top` and leak tests). */
  objectCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const o of this.objects.values()) {
      const name = objectTypeName(o.type);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  }
}

export type { ChannelMessage };

/** Limits a spawn may ask for: positive whole numbers (or none). */
function validLimits(l: ProcessLimits | undefined): boolean {
  const ok = (v: number | undefined): boolean => v === undefined || (Number.isSafeInteger(v) && v > 0);
  return l === undefined || (ok(l.memoryBytes) && ok(l.openFiles));
}

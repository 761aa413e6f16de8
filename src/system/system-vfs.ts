/**
 * The host's own session with the VFS, from the kernel thread: how the embedding API feeds a
 * program's stdin, drains its stdout and stderr, and reads and writes files in Keel's namespace.
 *
 * The kernel thread never blocks, so every call here is asynchronous. A call slot carries one
 * call at a time, and a pipe read may wait for as long as the program takes to write, so calls
 * borrow a slot from a pool that grows on demand (up to MAX_SLOTS; beyond that a call waits for
 * a slot to come back). Replies are copied out before the slot is returned. At shutdown every
 * waiting call fails (`abort`), so nothing the host awaits is left pending.
 */

import { CallSlot } from '../ipc/call-slot.js';
import { Caller } from '../ipc/caller.js';
import { type CallResult, type OpsOf, ProtocolClient, type Rep, type Req } from '../ipc/protocol-client.js';
import { KERNEL_PID, type Kernel } from '../kernel/kernel.js';
import type { Handle } from '../abi/handle.js';
import { vfsProtocol, type VfsProtocol } from '../abi/protocols/vfs.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { Status } from '../abi/status.js';
import { Errno } from '../abi/errno.js';
import { repeatable } from '../runtime/recovering-vfs.js';
import { Route, resolveRoute } from '../ipc/route.js';
import { type Arena, ObjectWord } from '../ipc/arena.js';
import { type PipeMark, markPipe, movedByCut } from '../ipc/pipe-cut.js';
import { decodePipeFid } from '../ipc/pipe-fid.js';

const MAX_SLOTS = 64;
/** How long a host call waits for a VFS that is being restarted before it fails. */
const RESTART_WAIT_MS = 10_000;
/** How many times one call opens the root again when it finds the one it used stale or closed. */
const STALE_ROOT_ROUNDS = 8;

type Op = keyof OpsOf<VfsProtocol> & string;

/** What a call answers when the system shuts down, or the VFS's end cut it: no reply. */
function cutOff<R>(): CallResult<R> {
  return { transport: Status.PEER_CLOSED, status: -1, reply: null };
}

/** The fid of a read or write on a pipe end of an arena ring (ipc/pipe-fid.ts), else null. */
function pipeIoFid(op: Op, req: object): number | null {
  const fid = (req as { readonly fid?: unknown }).fid;
  return (op === 'read' || op === 'write') && typeof fid === 'number' && decodePipeFid(fid) !== null ? fid : null;
}

export class SystemVfs {
  private readonly idle: ProtocolClient<VfsProtocol>[] = [];
  private slots = 0;
  private readonly queued: ((c: ProtocolClient<VfsProtocol>) => void)[] = [];
  private root = 0;
  /** Roots opened before a restart of the root file system (calls still under way may name them). */
  private readonly formerRoots = new Set<number>();
  /** How to settle each call still waiting, when the system shuts down. */
  private readonly waiting = new Set<() => void>();
  private closed = false;

  constructor(private readonly kernel: Kernel, private readonly handle: Handle, private readonly platform: ThreadPlatform) {}

  private acquire(): ProtocolClient<VfsProtocol> | Promise<ProtocolClient<VfsProtocol>> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.slots < MAX_SLOTS) {
      const slot = this.kernel.attachExtraSlot(this.kernel.process(KERNEL_PID)!);
      if (slot !== null) {
        this.slots++;
        const caller = new Caller(this.kernel.arena, new CallSlot(this.kernel.arena, slot, KERNEL_PID, undefined, () => this.platform.now()));
        return new ProtocolClient(vfsProtocol, caller, this.handle);
      }
    }
    return new Promise((resolve) => this.queued.push(resolve));
  }

  private release(c: ProtocolClient<VfsProtocol>): void {
    const next = this.queued.shift();
    if (next) next(c);
    else this.idle.push(c);
  }

  /**
   * The system is shutting down: every call waiting now or made later fails at once with
   * PEER_CLOSED (a call to a service in the kernel thread would otherwise never be answered).
   */
  abort(): void {
    this.closed = true;
    for (const settle of this.waiting) settle();
    this.waiting.clear();
  }

  /** `p`, or `fallback` as soon as the system shuts down. */
  private unlessAborted<T>(p: Promise<T>, fallback: T): Promise<T> {
    if (this.closed) return Promise.resolve(fallback);
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => resolve(fallback);
      this.waiting.add(settle);
      p.then((v) => { this.waiting.delete(settle); resolve(v); }, (e: unknown) => { this.waiting.delete(settle); reject(e); });
    });
  }

  /**
   * One VFS call; byte fields of the reply are copies (the slot is reused at once). A call made
   * from this session's root that answers ESTALE (the root file system was restarted since the
   * root was opened) opens the root again and is made once more from it; one refused because the
   * VFS is being restarted waits for it (callOnce).
   */
  async call<K extends Op>(op: K, req: Req<VfsProtocol, K>): Promise<CallResult<Rep<VfsProtocol, K>>> {
    let request = req;
    let r = await this.callOnce(op, request);
    const fields = ['dir', 'fromDir', 'toDir'] as const;
    // Other calls of this session may close a root this one is using meanwhile (each that finds
    // it stale opens a new one): a few rounds.
    for (let round = 0; round < STALE_ROOT_ROUNDS; round++) {
      const x = request as Readonly<Record<string, unknown>>;
      // EBADF from a root this session has closed since (after ESTALE) is the same news; so is
      // EBADF for the root itself (never closed while it is the root): the VFS that opened it
      // was restarted, perhaps before this session heard (forgetOpenFiles).
      const closedRoot = r.status === Errno.BADF && fields.some((f) => x[f] !== 0 && (x[f] === this.root || this.formerRoots.has(x[f] as number)));
      if (r.status !== Errno.STALE && !closedRoot) return r;
      const stale = fields.filter((f) => x[f] !== 0 && (x[f] === this.root || this.formerRoots.has(x[f] as number)));
      if (stale.length === 0) break;
      if (stale.some((f) => x[f] === this.root)) {
        this.formerRoots.add(this.root);
        void this.callOnce('close', { fid: this.root });
        this.root = 0; // a call made since may have opened it again already
      }
      const fresh = await this.rootFid();
      if (typeof fresh !== 'number') return r;
      const again: Record<string, unknown> = { ...request };
      for (const f of stale) again[f] = fresh;
      request = again as Req<VfsProtocol, K>;
      r = await this.callOnce(op, request);
    }
    // Still ESTALE: a file system behind the VFS is being restarted. A call that changes nothing
    // when repeated is made again once it may be back (pauses growing to 50 ms, bounded).
    // Not syncAll: one file system down for good (past its restart limit) would hold up every
    // sync, and shutdown with it.
    if (op === 'syncAll' || !repeatable(op, request)) return r;
    return this.repeatWhile(r, (x) => x.status === Errno.STALE, () => this.callOnce(op, request));
  }

  /**
   * Try `again` while `failing` says the last answer failed, pausing 1, 2, 4 … 50 ms between
   * tries, for at most RESTART_WAIT_MS or until the system shuts down; `again` may give up (null).
   */
  private async repeatWhile<T>(r: T, failing: (r: T) => boolean, again: () => Promise<T | null>): Promise<T> {
    const deadline = this.platform.now() / 1e6 + RESTART_WAIT_MS;
    for (let pause = 1; failing(r) && !this.closed; pause = Math.min(pause * 2, 50)) {
      if (this.platform.now() / 1e6 + pause > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
      const next = await again();
      if (next === null) break;
      r = next;
    }
    return r;
  }

  private async callOnce<K extends Op>(op: K, req: Req<VfsProtocol, K>): Promise<CallResult<Rep<VfsProtocol, K>>> {
    const gone = cutOff<Rep<VfsProtocol, K>>();
    if (this.closed) return gone;
    const c = await this.unlessAborted(Promise.resolve(this.acquire()), null);
    if (c === null || this.closed) return gone;
    try {
      const pipeFid = pipeIoFid(op, req);
      const mark = pipeFid === null ? null : markPipe(this.kernel.arena, pipeFid);
      let r = await this.unlessAborted(c.callAsync(op, req), gone);
      // Refused before delivery because the VFS is being restarted: nothing happened; wait for
      // the new VFS (bounded) and make the call there.
      while (r.transport === Status.BAD_STATE && await this.vfsBack(c.caller)) r = await this.unlessAborted(c.callAsync(op, req), gone);
      // Cut by the VFS's end after delivery: a call that changes nothing when repeated is made
      // again once a VFS serves (a fid it names is then EBADF, and `call` opens the root again);
      // a pipe read or write may have moved bytes, and what it moved counts.
      if (pipeFid !== null) {
        if (r.transport !== Status.OK) r = await this.pipeCut(c, op, req, pipeFid, mark, r);
      } else if (repeatable(op, req)) {
        r = await this.repeatWhile(r, (x) => x.transport !== Status.OK,
          async () => ((await this.vfsBack(c.caller)) ? this.unlessAborted(c.callAsync(op, req), gone) : null));
      }
      if (r.reply) {
        for (const [k, v] of Object.entries(r.reply)) if (v instanceof Uint8Array) (r.reply as Record<string, unknown>)[k] = v.slice();
      }
      return r;
    } finally {
      this.release(c);
    }
  }

  /**
   * A read or write on a pipe end cut by the VFS's end (ipc/pipe-cut.ts): the bytes it moved are
   * its answer (a read's are in the slot's bulk buffer from 0); one that moved none is made again
   * once a VFS serves; one whose effect cannot be told answers EIO rather than lose or repeat bytes.
   */
  private async pipeCut<K extends Op>(c: ProtocolClient<VfsProtocol>, op: K, req: Req<VfsProtocol, K>, fid: number, mark: PipeMark | null, r: CallResult<Rep<VfsProtocol, K>>): Promise<CallResult<Rep<VfsProtocol, K>>> {
    const deadline = this.platform.now() / 1e6 + RESTART_WAIT_MS;
    while (r.transport !== Status.OK && !this.closed) {
      const moved = movedByCut(mark);
      if (moved === null) return { transport: Status.OK, status: Errno.IO, reply: null };
      if (moved > 0) {
        const reply = op === 'read' ? { data: c.caller.bulk.subarray(0, moved) } : { written: moved, end: 0 };
        return { transport: Status.OK, status: 0, reply: reply as unknown as Rep<VfsProtocol, K> };
      }
      if (this.platform.now() / 1e6 > deadline || !(await this.vfsBack(c.caller))) break;
      mark = markPipe(this.kernel.arena, fid);
      r = await this.unlessAborted(c.callAsync(op, req), cutOff<Rep<VfsProtocol, K>>());
    }
    return r;
  }

  /**
   * Wait, without blocking the kernel thread, until the VFS serves again (the kernel notifies its
   * serve counter); false after RESTART_WAIT_MS, or once the system shuts down.
   */
  private async vfsBack(caller: Caller): Promise<boolean> {
    const deadline = this.platform.now() / 1e6 + RESTART_WAIT_MS;
    const i32 = this.kernel.arena.i32;
    while (!this.closed) {
      if (caller.incarnation(this.handle) >= 0) return true;
      const left = deadline - this.platform.now() / 1e6;
      const word = caller.servesWord(this.handle);
      if (left <= 0 || word < 0) return false;
      const w = Atomics.waitAsync(i32, word, Atomics.load(i32, word), Math.min(left, 50));
      if (w.async) await w.value;
    }
    return false;
  }

  /** The VFS's incarnation now (-1 while nobody serves it): what the host keeps of a pipe's ring holds only within one. */
  incarnation(): number {
    const r = this.route;
    if (resolveRoute(this.kernel.arena, KERNEL_PID, this.handle, r) !== Status.OK) return -1;
    return Atomics.load(this.kernel.arena.i32, this.kernel.arena.objectWord(r.endpoint) + ObjectWord.SERVES);
  }

  private readonly route = new Route();

  /** The system is shutting down: nothing more is to be waited for. */
  get aborted(): boolean {
    return this.closed;
  }

  /** The arena (a pipe's ring, read and written in place: system/stdio-pipe.ts). */
  get arena(): Arena {
    return this.kernel.arena;
  }

  /** The VFS was restarted: the fids this session held name nothing now. */
  forgetOpenFiles(): void {
    if (this.root) this.formerRoots.add(this.root);
    this.root = 0;
  }

  /** A fid for `/` in this session (opened once). */
  async rootFid(): Promise<number | CallResult<unknown>> {
    if (this.root) return this.root;
    const r = await this.call('openRoot', { path: '/' });
    if (!r.reply) return r;
    this.root = r.reply.fid;
    return this.root;
  }
}

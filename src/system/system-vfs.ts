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

const MAX_SLOTS = 64;

type Op = keyof OpsOf<VfsProtocol> & string;

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
   * root was opened) opens the root again and is made once more from it.
   */
  async call<K extends Op>(op: K, req: Req<VfsProtocol, K>): Promise<CallResult<Rep<VfsProtocol, K>>> {
    const r = await this.callOnce(op, req);
    const fields = ['dir', 'fromDir', 'toDir'] as const;
    const x = req as Readonly<Record<string, unknown>>;
    const stale = fields.filter((f) => x[f] !== 0 && (x[f] === this.root || this.formerRoots.has(x[f] as number)));
    if (r.status !== Errno.STALE || stale.length === 0) return r;
    if (stale.some((f) => x[f] === this.root)) {
      this.formerRoots.add(this.root);
      this.root = 0; // a call made since may have opened it again already
    }
    const fresh = await this.rootFid();
    if (typeof fresh !== 'number') return r;
    const again: Record<string, unknown> = { ...req };
    for (const f of stale) again[f] = fresh;
    return this.callOnce(op, again as Req<VfsProtocol, K>);
  }

  private async callOnce<K extends Op>(op: K, req: Req<VfsProtocol, K>): Promise<CallResult<Rep<VfsProtocol, K>>> {
    const gone: CallResult<Rep<VfsProtocol, K>> = { transport: Status.PEER_CLOSED, status: -1, reply: null };
    if (this.closed) return gone;
    const c = await this.unlessAborted(Promise.resolve(this.acquire()), null);
    if (c === null || this.closed) return gone;
    try {
      const r = await this.unlessAborted(c.callAsync(op, req), gone);
      if (r.reply) {
        for (const [k, v] of Object.entries(r.reply)) if (v instanceof Uint8Array) (r.reply as Record<string, unknown>)[k] = v.slice();
      }
      return r;
    } finally {
      this.release(c);
    }
  }

  /** The VFS was restarted: the fids this session held name nothing now. */
  forgetOpenFiles(): void {
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

/**
 * The portable part of every thread Keel starts (process or service): attach to the arena, make
 * the thread's call slot and caller, and — for threads that serve — its server thread. Then run
 * what the boot spec says. The platform's thread entry builds a ThreadPlatform and calls
 * `runThread`; everything below is host-independent.
 */

import { Arena } from '../ipc/arena.js';
import { CallSlot } from '../ipc/call-slot.js';
import { Caller } from '../ipc/caller.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import { ServerThread } from '../ipc/server-thread.js';
import { kernelProtocol } from '../abi/protocols/kernel.js';
import { Status } from '../abi/status.js';
import type { ExitStatus } from '../abi/exit-status.js';
import { exitStatusToWire } from '../abi/exit-status.js';
import { MAX_EXIT_MESSAGE } from '../abi/exit-status.js';
import type { ThreadStart } from '../abi/boot-spec.js';
import type { ThreadPlatform } from '../host/thread-platform.js';

export class ThreadRuntime {
  readonly arena: Arena;
  readonly slot: CallSlot;
  readonly caller: Caller;
  readonly kernel: ProtocolClient<typeof kernelProtocol>;
  private server: ServerThread | null = null;

  constructor(readonly start: ThreadStart, readonly platform: ThreadPlatform) {
    this.arena = Arena.attach(start.arena);
    this.slot = new CallSlot(this.arena, start.slot, start.pid, undefined, () => platform.now());
    this.caller = new Caller(this.arena, this.slot);
    this.caller.kernelQueue = start.kernelQueue;
    this.kernel = new ProtocolClient(kernelProtocol, this.caller, 0);
  }

  get pid(): number {
    return this.start.pid;
  }

  get handles(): readonly number[] {
    return this.start.handles;
  }

  /** Serve `handle` (a server end) on `port` of this thread; makes the thread a server. */
  serve(handle: number, port: number): ServerThread | Status {
    const r = this.kernel.call('channelServe', { handle, port });
    if (r.transport !== Status.OK) return r.transport;
    if (r.status !== Status.OK) return r.status as Status;
    if (!this.server) {
      this.server = new ServerThread(this.arena, r.reply!.queue, this.slot, undefined, () => this.platform.now());
      this.caller.local = this.server;
    }
    return this.server;
  }

  /**
   * End this process but keep the thread: the kernel records `status` and retires the call slot;
   * after this returns the thread holds nothing of the process and may be given another
   * (the host hears it is free from the platform's thread entry).
   */
  retire(status: ExitStatus): void {
    const w = exitStatusToWire(status);
    this.kernel.call('retire', { kind: w.kind, code: w.code, message: w.message.slice(0, MAX_EXIT_MESSAGE) });
  }

  /** Tell the kernel this process is done. Does not return while the kernel is alive. */
  exit(status: ExitStatus): never {
    const w = exitStatusToWire(status);
    // However long the reason (a trap message, an import name), the exit call must get through.
    this.kernel.call('exit', { kind: w.kind, code: w.code, message: w.message.slice(0, MAX_EXIT_MESSAGE) });
    // The kernel stops this thread; if it is gone instead, there is no one left to tell.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
}

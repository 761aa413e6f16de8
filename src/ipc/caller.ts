/**
 * The client side of IPC for one thread: route a handle, then take the co-located path (the
 * server lives on this thread: a direct call) or the cross-thread path (post the slot and wait).
 * Service code and local kernels call through this; they never know which path was taken.
 */

import { type Arena, ObjectWord } from './arena.js';
import { CallSlot } from './call-slot.js';
import { Route, resolveRoute } from './route.js';
import type { ServerThread } from './server-thread.js';
import { Status } from '../abi/status.js';

export class Caller {
  private readonly route = new Route();
  /** Set when this thread also serves: calls to its own queue are co-located. */
  local: ServerThread | null = null;
  /** Queue of the kernel thread (kernel calls use handle 0). */
  kernelQueue = 0;

  constructor(readonly arena: Arena, readonly slot: CallSlot) {}

  get regs(): Float64Array {
    return this.slot.regs;
  }
  get bulk(): Uint8Array {
    return this.slot.bulk;
  }
  get pid(): number {
    return this.slot.pid;
  }

  /**
   * How many times the server behind `handle` has started serving (it changes when a supervisor
   * restarts the service), or -1 while nobody serves it. What a client caches from a server is
   * stale once this changes.
   */
  incarnation(handle: number): number {
    const r = this.route;
    if (resolveRoute(this.arena, this.slot.pid, handle, r) !== Status.OK) return -1;
    return Atomics.load(this.arena.i32, this.arena.objectWord(r.endpoint) + ObjectWord.SERVES);
  }

  /**
   * The incarnation of the endpoint behind `holder`'s `handle` (another process's table: a
   * grant's), or -1 if it names no channel now. What invokeAs checks before it posts.
   */
  incarnationAs(holder: number, handle: number): number {
    const r = this.route;
    if (resolveRoute(this.arena, holder, handle, r) !== Status.OK) return -1;
    return Atomics.load(this.arena.i32, this.arena.objectWord(r.endpoint) + ObjectWord.SERVES);
  }

  /**
   * The arena word counting the serves of the endpoint behind `handle` (the kernel notifies it
   * when a restarted server starts serving), or -1 if the handle names no channel now.
   */
  servesWord(handle: number): number {
    const r = this.route;
    const s = resolveRoute(this.arena, this.slot.pid, handle, r);
    return s === Status.OK || s === Status.BAD_STATE ? this.arena.objectWord(r.endpoint) + ObjectWord.SERVES : -1;
  }

  /**
   * Block until somebody serves the endpoint behind `handle` (a restarted server took it over: the
   * kernel notifies its serve counter), or until `deadline` on the clock `nowMs` (milliseconds):
   * false then, or at once when the server's end is closed for good. For a local kernel waiting
   * out a service's restart; it blocks its thread.
   */
  awaitServed(handle: number, deadline: number, nowMs: () => number): boolean {
    const i32 = this.arena.i32;
    for (;;) {
      const s = resolveRoute(this.arena, this.slot.pid, handle, this.route);
      if (s === Status.OK) return true;
      const left = deadline - nowMs();
      // The server end is gone for good (the supervisor gave the service up): nothing to wait for.
      if (left <= 0 || s === Status.PEER_CLOSED) return false;
      const word = s === Status.BAD_STATE ? this.arena.objectWord(this.route.endpoint) + ObjectWord.SERVES : -1;
      // Without a route to the endpoint now there is no word to wait on: look again soon.
      if (word >= 0) Atomics.wait(i32, word, Atomics.load(i32, word), Math.min(left, 50));
      else Atomics.wait(this.pause, 0, 0, Math.min(left, 5));
    }
  }

  private readonly pause = new Int32Array(new SharedArrayBuffer(4));

  /** Call through channel `handle` with the request already in registers/bulk. Transport status. */
  invoke(handle: number, label: number): Status {
    const r = this.route;
    if (resolveRoute(this.arena, this.slot.pid, handle, r) !== Status.OK) return r.status;
    const local = this.local;
    if (local !== null && r.queue === local.queue.index) {
      const status = local.dispatchLocal(this.slot, handle, label);
      if (status !== null) return status;
      return this.slot.awaitForwarded();
    }
    return this.slot.call(r.queue, handle, label);
  }

  /**
   * Post a call another process would have forwarded: through `handle` of `holder`'s table, to
   * the server behind it, while that server's incarnation is still `incarnation` (a restarted
   * server may give the request's names to other objects). The server authorises it from
   * `holder`'s table, as the holder's own forward; the reply comes to this thread's slot. Null,
   * with nothing posted, when the route is gone, the server has been restarted, or this thread
   * serves calls itself (the caller then asks the holder instead).
   */
  invokeAs(holder: number, handle: number, label: number, incarnation: number): Status | null {
    const r = this.route;
    if (this.local !== null || resolveRoute(this.arena, holder, handle, r) !== Status.OK) return null;
    if (Atomics.load(this.arena.i32, this.arena.objectWord(r.endpoint) + ObjectWord.SERVES) !== incarnation) return null;
    return this.slot.call(r.queue, handle, label, holder);
  }

  /** The same, without blocking the thread (kernel thread and other event-loop callers). */
  invokeAsync(handle: number, label: number): Promise<Status> {
    const r = this.route;
    if (resolveRoute(this.arena, this.slot.pid, handle, r) !== Status.OK) return Promise.resolve(r.status);
    return this.slot.callAsync(r.queue, handle, label);
  }

  /** A kernel call: handle 0 on the kernel thread's queue (a direct call on the kernel thread). */
  invokeKernel(label: number): Status {
    const local = this.local;
    if (local !== null && local.queue.index === this.kernelQueue && local.kernelService) {
      return local.dispatchLocal(this.slot, 0, label) ?? this.slot.awaitForwarded();
    }
    return this.slot.call(this.kernelQueue, 0, label);
  }
}

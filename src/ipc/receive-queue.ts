/**
 * A server thread's receive queue.
 *
 * Clients post a call by setting their slot's bit in the queue's bitmap (one Atomics.or, so a
 * client killed half-way can never leave the queue half-written) and bumping the doorbell. The
 * one server thread of the queue takes bits with Atomics.exchange, scanning from a rotating start
 * word so no client starves. A sleeping server is woken only when it said it sleeps (SLEEPING),
 * which keeps Atomics.notify off the hot path.
 *
 * Sleep protocol (Dekker with sequentially consistent atomics):
 *   client: or(bit); add(DOORBELL); if load(SLEEPING) notify(DOORBELL)
 *   server: store(SLEEPING, 1); if load(DOORBELL) == seen then wait(DOORBELL, seen); store(SLEEPING, 0)
 * Either the server sees the new doorbell value, or the client sees SLEEPING and notifies.
 */

import { type Arena, QueueWord } from './arena.js';

export class ReceiveQueue {
  readonly base: number;
  private readonly bitmapBase: number;
  private readonly bitmapWords: number;
  private readonly i32: Int32Array;
  private cursor = 0;

  constructor(readonly arena: Arena, readonly index: number) {
    this.i32 = arena.i32;
    this.base = arena.queueWord(index);
    this.bitmapBase = this.base + 8;
    this.bitmapWords = arena.queueWords - 8;
  }

  /** Kernel: reset the record for a new server thread. */
  open(ownerPid: number): void {
    this.i32.fill(0, this.base, this.base + this.arena.queueWords);
    this.i32[this.base + QueueWord.OWNER_PID] = ownerPid;
    Atomics.store(this.i32, this.base + QueueWord.ALIVE, 1);
  }

  get alive(): boolean {
    return Atomics.load(this.i32, this.base + QueueWord.ALIVE) === 1;
  }

  /** Kernel: the server thread is gone; later posts fail and sleepers must be woken by the caller. */
  close(): void {
    Atomics.store(this.i32, this.base + QueueWord.ALIVE, 0);
    Atomics.add(this.i32, this.base + QueueWord.DOORBELL, 1);
    Atomics.notify(this.i32, this.base + QueueWord.DOORBELL);
  }

  /** Client: announce that `slot` has a call waiting. */
  post(slot: number): void {
    const i32 = this.i32;
    Atomics.or(i32, this.bitmapBase + (slot >>> 5), 1 << (slot & 31));
    this.ring();
  }

  /** Wake the server without posting a slot (kernel events, shutdown). */
  ring(): void {
    const i32 = this.i32;
    Atomics.add(i32, this.base + QueueWord.DOORBELL, 1);
    if (Atomics.load(i32, this.base + QueueWord.SLEEPING) !== 0) Atomics.notify(i32, this.base + QueueWord.DOORBELL, 1);
  }

  /** Kernel: flag pending kernel events for this server and wake it. */
  raiseEvents(): void {
    Atomics.store(this.i32, this.base + QueueWord.EVENTS, 1);
    this.ring();
  }

  /** Server: take the pending-events flag. */
  takeEvents(): boolean {
    return Atomics.exchange(this.i32, this.base + QueueWord.EVENTS, 0) !== 0;
  }

  /** Server: take every posted slot, calling `each` for each; returns how many were taken. */
  drain(each: (slot: number) => void): number {
    const i32 = this.i32;
    const words = this.bitmapWords;
    let taken = 0;
    for (let n = 0; n < words; n++) {
      const w = (this.cursor + n) % words;
      if (Atomics.load(i32, this.bitmapBase + w) === 0) continue;
      let bits = Atomics.exchange(i32, this.bitmapBase + w, 0);
      while (bits !== 0) {
        const low = bits & -bits;
        const bit = 31 - Math.clz32(low);
        bits ^= low;
        taken++;
        each((w << 5) | bit);
      }
    }
    this.cursor = (this.cursor + 1) % words;
    return taken;
  }

  /**
   * Server: mark that this thread is waiting on a call of its own (1) or not (0). A caller
   * spinning for this server's reply stops spinning while it is set: the reply waits on a third
   * thread, and spinning would take the core that thread needs.
   */
  setWaitingOut(waiting: 0 | 1): void {
    Atomics.store(this.i32, this.base + QueueWord.WAITING_OUT, waiting);
  }

  /** Caller: is the server of this queue waiting on a call of its own? */
  waitingOut(): boolean {
    return Atomics.load(this.i32, this.base + QueueWord.WAITING_OUT) !== 0;
  }

  doorbell(): number {
    return Atomics.load(this.i32, this.base + QueueWord.DOORBELL);
  }

  /** Server: sleep until the doorbell moves from `seen` (or `timeoutMs` passes). */
  sleep(seen: number, timeoutMs: number): void {
    const i32 = this.i32;
    Atomics.store(i32, this.base + QueueWord.SLEEPING, 1);
    if (Atomics.load(i32, this.base + QueueWord.DOORBELL) === seen) {
      Atomics.wait(i32, this.base + QueueWord.DOORBELL, seen, timeoutMs);
    }
    Atomics.store(i32, this.base + QueueWord.SLEEPING, 0);
  }

  /** Server on an event loop: resolve when the doorbell moves from `seen` (or `timeoutMs` passes). */
  async sleepAsync(seen: number, timeoutMs: number): Promise<void> {
    const i32 = this.i32;
    Atomics.store(i32, this.base + QueueWord.SLEEPING, 1);
    if (Atomics.load(i32, this.base + QueueWord.DOORBELL) === seen) {
      const r = Atomics.waitAsync(i32, this.base + QueueWord.DOORBELL, seen, timeoutMs);
      if (r.async) await r.value;
    }
    Atomics.store(i32, this.base + QueueWord.SLEEPING, 0);
  }
}

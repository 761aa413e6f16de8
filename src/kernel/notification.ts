/**
 * Notifications: a word of signal bits (seL4 notifications, QNX pulses).
 *
 * `signal(bits)` ORs bits into the word and wakes waiters; `wait(mask)` returns and clears the
 * bits of `mask` that are set, or blocks until one is. The word lives in the notification's arena
 * record, so a holder's local kernel signals and waits with Atomics directly, after checking the
 * SIGNAL or WAIT right in its published handle table: no kernel call on the fast path.
 */

import { type Arena, ObjectWord } from '../ipc/arena.js';
import { signalWord, takeBits } from '../ipc/notification-ops.js';
import { KernelObject } from './object.js';
import { ObjectType } from '../abi/object-type.js';

export class Notification extends KernelObject {
  readonly type = ObjectType.NOTIFICATION;

  constructor(id: number, private readonly arena: Arena) {
    super(id);
    const w = arena.objectWord(id);
    arena.i32[w + ObjectWord.SIGNALS] = 0;
    arena.i32[w + ObjectWord.PEER] = 0;
    arena.i32[w + ObjectWord.ROUTE] = -1;
    Atomics.store(arena.i32, w + ObjectWord.TYPE, ObjectType.NOTIFICATION);
  }

  get wordIndex(): number {
    return this.arena.objectWord(this.id) + ObjectWord.SIGNALS;
  }

  signal(bits: number): void {
    signalWord(this.arena.i32, this.wordIndex, bits);
  }

  /** Take the bits of `mask` that are set (clearing them); 0 if none is set. Never blocks. */
  poll(mask: number): number {
    return takeBits(this.arena.i32, this.wordIndex, mask);
  }

  destroy(): void {
    this.destroyed = true;
    const w = this.arena.objectWord(this.id);
    // Wake anyone still waiting so they re-check their handle and see it is gone.
    Atomics.store(this.arena.i32, w + ObjectWord.TYPE, ObjectType.NONE);
    Atomics.notify(this.arena.i32, this.wordIndex);
  }
}

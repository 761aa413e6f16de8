/**
 * Notifications from any thread without a kernel call: resolve the handle in the caller's
 * published table (generation, type NOTIFICATION, the SIGNAL or WAIT right), then act on the
 * notification's signal word in the arena with Atomics. A handle closed or revoked while a waiter
 * sleeps is noticed when it wakes (destroying a notification wakes its waiters).
 */

import { type Arena, HandleWord, ObjectWord } from './arena.js';
import { MAX_GENERATION, handleIndex } from '../abi/handle.js';
import { ObjectType } from '../abi/object-type.js';
import { Right, type Rights } from '../abi/rights.js';
import { Status } from '../abi/status.js';

/**
 * The signal word `handle` names in `pid`'s table. Returns a failure Status (≥ 0), or the word's
 * arena index encoded as `-(index) - 1` (< 0), so the hot path allocates nothing.
 */
export function notificationWord(arena: Arena, pid: number, handle: number, needed: Rights): number | Status {
  const index = handleIndex(handle);
  if (handle <= 0 || index >= arena.config.maxHandles) return Status.BAD_HANDLE;
  const w = arena.handleWord(pid, index);
  const tag = Atomics.load(arena.i32, w + HandleWord.TAG);
  if ((tag & 1) === 0 || (tag >>> 1) !== ((handle >>> 12) & MAX_GENERATION)) return Status.BAD_HANDLE;
  if (arena.i32[w + HandleWord.TYPE] !== ObjectType.NOTIFICATION) return Status.WRONG_TYPE;
  if ((arena.i32[w + HandleWord.RIGHTS]! & needed) !== needed) return Status.ACCESS_DENIED;
  const o = arena.objectWord(arena.i32[w + HandleWord.OBJECT]!);
  if (Atomics.load(arena.i32, o + ObjectWord.TYPE) !== ObjectType.NOTIFICATION) return Status.BAD_HANDLE;
  return -(o + ObjectWord.SIGNALS) - 1;
}

/** Raise `bits` on the notification named by `handle` (SIGNAL right). */
export function signalNotification(arena: Arena, pid: number, handle: number, bits: number): Status {
  if (!Number.isInteger(bits) || bits === 0 || bits !== (bits | 0)) return Status.INVALID_ARGS;
  const r = notificationWord(arena, pid, handle, Right.SIGNAL);
  if (r >= 0) return r as Status;
  signalWord(arena.i32, -r - 1, bits);
  return Status.OK;
}

/**
 * Wait until a bit of `mask` is set on the notification named by `handle` (WAIT right), take the
 * set bits of `mask` and return them. TIMED_OUT after `timeoutMs`.
 */
export function waitNotification(arena: Arena, pid: number, handle: number, mask: number, timeoutMs: number, now: () => number): { status: Status; bits: number } {
  if (!Number.isInteger(mask) || mask === 0 || mask !== (mask | 0)) return { status: Status.INVALID_ARGS, bits: 0 };
  const deadline = now() + timeoutMs * 1e6;
  for (;;) {
    const r = notificationWord(arena, pid, handle, Right.WAIT);
    if (r >= 0) return { status: r as Status, bits: 0 };
    const word = -r - 1;
    // Sleep on the exact value we found empty: a signal landing after this load changes the word,
    // so the wait returns at once instead of missing it.
    const seen = Atomics.load(arena.i32, word);
    if ((seen & mask) !== 0) {
      const got = takeBits(arena.i32, word, mask);
      if (got !== 0) return { status: Status.OK, bits: got };
      continue;
    }
    const left = (deadline - now()) / 1e6;
    if (left <= 0) return { status: Status.TIMED_OUT, bits: 0 };
    Atomics.wait(arena.i32, word, seen, Math.min(left, 1000));
  }
}

/** OR `bits` into a signal word and wake its waiters. */
export function signalWord(i32: Int32Array, index: number, bits: number): void {
  Atomics.or(i32, index, bits);
  Atomics.notify(i32, index);
}

/** Atomically take (read and clear) the bits of `mask` from a signal word. */
export function takeBits(i32: Int32Array, index: number, mask: number): number {
  for (;;) {
    const cur = Atomics.load(i32, index);
    const got = cur & mask;
    if (got === 0) return 0;
    if (Atomics.compareExchange(i32, index, cur, cur & ~mask) === cur) return got;
  }
}

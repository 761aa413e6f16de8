/**
 * Address tokens (HongMeng's complement to capabilities): a grant to trusted code — a process's
 * local kernel, never the program — to read part of another party's state straight from shared
 * memory, without IPC.
 *
 * A token names one generation word in the arena and the value it had when granted. The granter
 * revokes every token on that word at once by bumping it; the holder checks the word before it
 * reads and again after, and on a mismatch discards what it read and falls back to IPC. The
 * second check is a compare-exchange (a full barrier), so the data reads cannot be reordered
 * past it: a read that overlapped a revocation is always detected.
 */

import type { Arena } from './arena.js';

export interface AddressToken {
  /** int32 index of the generation word. */
  readonly word: number;
  readonly generation: number;
}

/** Is `t` still valid (check before reading)? */
export function tokenValid(arena: Arena, t: AddressToken): boolean {
  return Atomics.load(arena.i32, t.word) === t.generation;
}

/** Was `t` still valid through everything read since the first check (check after reading)? */
export function tokenHeld(arena: Arena, t: AddressToken): boolean {
  return Atomics.compareExchange(arena.i32, t.word, t.generation, t.generation) === t.generation;
}

/** Revoke every token on `word` (granter only); returns the new generation. */
export function revokeTokens(arena: Arena, word: number): number {
  return (Atomics.add(arena.i32, word, 1) + 1) | 0;
}

/**
 * A token on several words at once (a walk's entries and the node it ended on): valid while
 * their sum keeps the value it had. Every word only grows, so a bump to any of them moves the sum
 * (until 2^32 bumps between two checks).
 */
export interface SumToken {
  /** int32 indices of the words. */
  readonly words: readonly number[];
  readonly sum: number;
}

/** Is `t` still valid (check before using what it covers)? */
export function sumValid(arena: Arena, t: SumToken): boolean {
  let sum = 0;
  for (const w of t.words) sum = (sum + Atomics.load(arena.i32, w)) | 0;
  return sum === t.sum;
}

/**
 * A file system's change word: one int32 in the arena (ipc/arena.ts, "change words") that the
 * file system bumps before every change it makes — data, size, times, names, links. What a local
 * kernel copied from the file system (a file's attributes, returned with its open) is an address
 * token on this word: usable exactly while the word still holds the value read before the copy.
 *
 * Only a file system that changes only through Keel has one (its kind's `changesOnlyThroughVfs`
 * trait): hostfs's files change under other host processes, which bump nothing.
 *
 * Invariants: the word is written only by the file system that owns it, and always by increment
 * (ipc/address-token.ts revokeTokens), bumped before the change it announces; a new instance
 * (a restart) bumps it when it starts, so nothing copied from its predecessor stays usable.
 */

import type { Arena } from '../../ipc/arena.js';
import { revokeTokens } from '../../ipc/address-token.js';

export class ChangeWord {
  constructor(private readonly arena: Arena, readonly word: number) {
    revokeTokens(arena, word);
  }

  /** Announce a change (call before making it). */
  changing(): void {
    revokeTokens(this.arena, this.word);
  }

  /** The word's value now (read before reading what a token on it will cover). */
  current(): number {
    return Atomics.load(this.arena.i32, this.word);
  }
}

/**
 * A file system's change word: one int32 in the arena (ipc/arena.ts, "change words") that the
 * file system bumps before every change it makes — data, size, times, names, links. What a local
 * kernel copied from the file system is an address token on change words: usable exactly while
 * they still hold the values read before the copy.
 *
 * Slots: one word is coarse — a lock directory made and removed beside a database revokes every
 * copy of everything on the file system. The first CHANGE_SLOT_OWNERS file systems also own
 * CHANGE_SLOTS finer words, each covering what hashes to it: a node (its attributes and data:
 * `nodeSlot`) or a directory entry (a name in a directory: `entrySlot`). A change bumps the whole
 * word first, then the slots of everything it touches: a write or truncate its node; a create,
 * unlink, rename or link the entries it adds or removes, the directories that hold them and the
 * nodes they name. A copy of a file's attributes holds under its node's slot; a walk's answer
 * under the slots of every entry it looked up and of the node it ended on (services/vfs). Two
 * things hashing to one slot only revoke each other's copies more often, never less.
 *
 * Only a file system that changes only through Keel has one (its kind's `changesOnlyThroughVfs`
 * trait): hostfs's files change under other host processes, which bump nothing.
 *
 * Invariants: the words are written only by the file system that owns them, and always by
 * increment (ipc/address-token.ts revokeTokens), bumped before the change they announce; a new
 * instance (a restart) bumps the word and every slot when it starts, so nothing copied from its
 * predecessor stays usable.
 */

import { type Arena, CHANGE_SLOTS } from '../../ipc/arena.js';
import { revokeTokens } from '../../ipc/address-token.js';

/** A 32-bit integer's bits mixed (the murmur3 finaliser), so nearby node numbers spread over the slots. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Node numbers are integers below 2^53: both halves count. */
function nodeHash(node: number): number {
  return mix((node >>> 0) ^ mix(Math.floor(node / 0x1_0000_0000) >>> 0));
}

/** The slot (0 ≤ slot < CHANGE_SLOTS) covering `node`'s attributes and data. */
export function nodeSlot(node: number): number {
  return nodeHash(node) & (CHANGE_SLOTS - 1);
}

/**
 * The slot covering the entry `name` in directory `dir`: FNV-1a over the name's UTF-16 code units
 * (no allocation; the VFS and the file system hash the same decoded string), mixed with the directory.
 */
export function entrySlot(dir: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return mix(h ^ nodeHash(dir)) & (CHANGE_SLOTS - 1);
}

export class ChangeWord {
  /**
   * `word`: the int32 index of the file system's change word; `slots`: of its first slot, or -1
   * when it has none.
   */
  constructor(private readonly arena: Arena, readonly word: number, readonly slots = -1) {
    revokeTokens(arena, word);
    if (slots >= 0) for (let i = 0; i < CHANGE_SLOTS; i++) revokeTokens(arena, slots + i);
  }

  /** Announce a change (call before making it, before the slots of what it touches). */
  changing(): void {
    revokeTokens(this.arena, this.word);
  }

  /** Announce a change to `node`'s attributes or data (after `changing`, before making it). */
  node(node: number): void {
    if (this.slots >= 0) revokeTokens(this.arena, this.slots + nodeSlot(node));
  }

  /** Announce a change to the entry `name` of directory `dir`, and so to `dir` itself. */
  entry(dir: number, name: string): void {
    if (this.slots < 0) return;
    revokeTokens(this.arena, this.slots + entrySlot(dir, name));
    revokeTokens(this.arena, this.slots + nodeSlot(dir));
  }

  /** The int32 index of the word a copy of `node`'s attributes holds under: its slot, or the whole word. */
  nodeWord(node: number): number {
    return this.slots >= 0 ? this.slots + nodeSlot(node) : this.word;
  }

  /** The value of int32 word `word` now (read before reading what a token on it will cover). */
  current(word = this.word): number {
    return Atomics.load(this.arena.i32, word);
  }
}

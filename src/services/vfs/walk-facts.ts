/**
 * What a walk depended on, for answers the local kernel may keep (runtime/answer-cache.ts), and
 * the token that covers them.
 *
 * A walk that stays on its start directory's file system, one with a change word, can be kept:
 * the word is read before the walk, so any change during it shows. Where the file systems it
 * walks have change slots (services/fs/change-word.ts) the token is finer, and may span mounts:
 * the slots of every entry the walk looked up (found or not) and of the node it ended on, so a
 * change elsewhere (a lock directory beside a database, an object file beside the headers) leaves
 * it standing. A walk that touches a file system without slots (hostfs: no change word at all)
 * keeps nothing, unless it stayed on one file system with a change word (that word's token).
 *
 * The slots are read after the walk, not before: they are good only if each file system's whole
 * change word, read before the walk first touched it, still has that value once they are read.
 * Every change bumps the word before anything else and the walk's data comes from the file
 * system's thread (or the VFS's own copy of entries, which only the VFS changes), so an unmoved
 * word means every slot read is the value it had when the walk read what it covers. If a word
 * moved, the answer gets no token (or, on one file system, its word's token, already stale).
 *
 * A token on several words is their sum (`change`), with the list: each word only ever grows,
 * so any bump to any of them moves the sum.
 */

import type { WalkFs } from './path-walk.js';
import { entrySlot, nodeSlot } from '../fs/change-word.js';

/** A mounted file system's change word and first slot (-1: none), as the VFS knows them. */
export interface MountWords {
  readonly word: number;
  readonly slots: number;
}

export interface WalkFacts {
  /** The start directory's mount. */
  home: number;
  /** Its change word (int32 index; -1: none) and the value read before the walk. */
  word: number;
  change: number;
  /** The home mount's first slot (-1: none). */
  slots: number;
  /** Every other mount the walk touched: its change word, the value read before the walk first touched it, its first slot (null: none yet). */
  others: Map<number, Touched> | null;
  /** The slots of the entries looked up, in order (absolute int32 indices). */
  readonly looked: number[];
  /** Whether every name looked up was on the home mount. */
  oneFs: boolean;
  /** Whether every mount touched has change slots. */
  slotted: boolean;
  /** The failure the namespace alone decided (0: none) — never one from a dead service, a limit or a file system's open. */
  decided: number;
}

interface Touched {
  readonly word: number;
  readonly change: number;
  readonly slots: number;
}

export function noWalkFacts(): WalkFacts {
  return { home: -1, word: -1, change: 0, slots: -1, others: null, looked: [], oneFs: true, slotted: true, decided: 0 };
}

/** The token a kept answer holds under: one word and its value, or several words and their sum. */
export interface WalkToken {
  readonly changeWord: number;
  readonly change: number;
  /** The words summed (int32 indices; empty: `changeWord` alone). */
  readonly words: number[];
}

export const NO_WALK_TOKEN: WalkToken = { changeWord: -1, change: 0, words: [] };

/** `words` as a walk records them, its change word read now. */
function read(i32: Int32Array, words: MountWords): Touched {
  return words.word >= 0 ? { word: words.word, change: Atomics.load(i32, words.word), slots: words.slots } : { word: -1, change: 0, slots: -1 };
}

/** Note that the walk touches `mount` (before it reads anything there): its change word is read now, the first time. */
export function touch(facts: WalkFacts, i32: Int32Array, mount: number, wordsOf: (mount: number) => MountWords): void {
  if (mount === facts.home || facts.others?.has(mount)) return;
  const t = read(i32, wordsOf(mount));
  (facts.others ??= new Map()).set(mount, t);
  if (t.slots < 0) facts.slotted = false;
}

/** Start recording a walk from `home`. */
export function startFacts(facts: WalkFacts, i32: Int32Array, home: number, words: MountWords): void {
  const t = read(i32, words);
  facts.home = home;
  facts.word = t.word;
  facts.change = t.change;
  facts.slots = t.slots;
  if (t.slots < 0) facts.slotted = false;
}

/** The first slot of a mount the walk touched (-1: none). */
function slotsOf(facts: WalkFacts, mount: number): number {
  return mount === facts.home ? facts.slots : facts.others?.get(mount)?.slots ?? -1;
}

/** `fs` noting in `facts` every name looked up, on which mount, with its change word read first. */
export function recordingWalks(fs: WalkFs, facts: WalkFacts, i32: Int32Array, wordsOf: (mount: number) => MountWords): WalkFs {
  const enter = (mount: number): void => {
    if (mount === facts.home) return;
    facts.oneFs = false;
    touch(facts, i32, mount, wordsOf);
  };
  const note = (mount: number, dir: number, name: string): void => {
    const slots = slotsOf(facts, mount);
    if (slots >= 0) facts.looked.push(slots + entrySlot(dir, name));
  };
  return {
    lookup: (mount, node, name) => {
      enter(mount);
      note(mount, node, name);
      return fs.lookup(mount, node, name);
    },
    walkMany: fs.walkMany && ((mount, node, names) => {
      enter(mount);
      const r = fs.walkMany!(mount, node, names);
      // The entries it looked up: each found one, and the one that failed after them.
      let dir = node;
      const looked = r.error !== 0 ? Math.min(r.found.length + 1, names.length) : r.found.length;
      for (let i = 0; i < looked; i++) {
        note(mount, dir, names[i]!);
        if (i < r.found.length) dir = r.found[i]!.node;
      }
      return r;
    }),
    readlink: (mount, node) => {
      enter(mount);
      return fs.readlink(mount, node);
    },
    mountAt: (p) => fs.mountAt(p),
  };
}

/**
 * The token of a walk recorded in `facts` that ended on node `end` of mount `endMount` (touched
 * before its attributes were read; end -1 for a walk that failed): none if it touched a file
 * system without slots and did not stay on one with a change word.
 */
export function walkToken(facts: WalkFacts, i32: Int32Array, endMount: number, end: number): WalkToken {
  const whole: WalkToken = facts.oneFs && (end < 0 || endMount === facts.home) && facts.word >= 0 ? { changeWord: facts.word, change: facts.change, words: [] } : NO_WALK_TOKEN;
  if (!facts.slotted) return whole;
  const words = end >= 0 ? [...facts.looked, slotsOf(facts, endMount) + nodeSlot(end)] : facts.looked;
  if (words.length === 0) return whole;
  let sum = 0;
  for (const w of words) sum = (sum + Atomics.load(i32, w)) | 0;
  if (Atomics.load(i32, facts.word) !== facts.change) return whole;
  for (const t of facts.others?.values() ?? []) if (Atomics.load(i32, t.word) !== t.change) return whole;
  return { changeWord: words[0]!, change: sum, words };
}

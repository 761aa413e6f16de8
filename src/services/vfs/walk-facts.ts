/**
 * What a walk depended on, for answers the local kernel may keep (runtime/answer-cache.ts), and
 * the token that covers them.
 *
 * A walk that stays on its start directory's file system, one with a change word, can be kept:
 * the word is read before the walk, so any change during it shows. Where that file system has
 * change slots (services/fs/change-word.ts) the token is finer: the slots of every entry the walk
 * looked up (found or not) and of the node it ended on, so a change elsewhere on the file system
 * (a lock directory beside a database, an object file beside the headers) leaves it standing.
 *
 * The slots are read after the walk, not before: they are good only if the whole change word
 * still has the value read before the walk once they are read. Every change bumps the word before
 * anything else and the walk's data comes from the file system's thread (or the VFS's own copy of
 * entries, which only the VFS changes), so an unmoved word means every slot read is the value it
 * had before the walk. If the word moved, the answer is given the word's token, already stale.
 *
 * A token on several words is their sum (`change`), with the list: each word only ever grows,
 * so any bump to any of them moves the sum.
 */

import type { WalkFs } from './path-walk.js';
import { entrySlot, nodeSlot } from '../fs/change-word.js';

export interface WalkFacts {
  /** The start directory's mount. */
  home: number;
  /** Its change word (int32 index; -1: none) and the value read before the walk. */
  word: number;
  change: number;
  /** Its first change slot (-1: none). */
  slots: number;
  /** The slots of the entries looked up on it, in order. */
  readonly looked: number[];
  /** Whether every name looked up was on it. */
  oneFs: boolean;
  /** The failure the namespace alone decided (0: none) — never one from a dead service, a limit or a file system's open. */
  decided: number;
}

export function noWalkFacts(): WalkFacts {
  return { home: -1, word: -1, change: 0, slots: -1, looked: [], oneFs: true, decided: 0 };
}

/** The token a kept answer holds under: one word and its value, or several words and their sum. */
export interface WalkToken {
  readonly changeWord: number;
  readonly change: number;
  /** The words summed (int32 indices; empty: `changeWord` alone). */
  readonly words: number[];
}

export const NO_WALK_TOKEN: WalkToken = { changeWord: -1, change: 0, words: [] };

/** Start recording a walk from `home`, whose file system has change word `word` and slots `slots` (-1: none). */
export function startFacts(facts: WalkFacts, i32: Int32Array, home: number, word: number, slots: number): void {
  facts.home = home;
  facts.word = word;
  facts.change = word >= 0 ? Atomics.load(i32, word) : 0;
  facts.slots = word >= 0 ? slots : -1;
}

/** `fs` noting in `facts` every name looked up and whether it was on the start's file system. */
export function recordingWalks(fs: WalkFs, facts: WalkFacts): WalkFs {
  const note = (mount: number, dir: number, name: string): void => {
    if (mount !== facts.home) facts.oneFs = false;
    else if (facts.slots >= 0) facts.looked.push(facts.slots + entrySlot(dir, name));
  };
  return {
    lookup: (mount, node, name) => {
      note(mount, node, name);
      return fs.lookup(mount, node, name);
    },
    walkMany: fs.walkMany && ((mount, node, names) => {
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
      if (mount !== facts.home) facts.oneFs = false;
      return fs.readlink(mount, node);
    },
    mountAt: (p) => fs.mountAt(p),
  };
}

/**
 * The token of a walk recorded in `facts` that ended on `end` (a node of the home file system;
 * -1 for a walk that failed): none if it left its file system or that has no change word.
 */
export function walkToken(facts: WalkFacts, i32: Int32Array, end: number): WalkToken {
  if (!facts.oneFs || facts.word < 0) return NO_WALK_TOKEN;
  const whole: WalkToken = { changeWord: facts.word, change: facts.change, words: [] };
  if (facts.slots < 0) return whole;
  const words = end >= 0 ? [...facts.looked, facts.slots + nodeSlot(end)] : facts.looked;
  if (words.length === 0) return whole;
  let sum = 0;
  for (const w of words) sum = (sum + Atomics.load(i32, w)) | 0;
  if (Atomics.load(i32, facts.word) !== facts.change) return whole;
  return { changeWord: words[0]!, change: sum, words };
}

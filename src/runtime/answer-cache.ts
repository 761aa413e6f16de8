/**
 * The local kernel's copy of answers the VFS said stay true while a change word holds: stat by
 * path (the attributes, or the errno of a walk that failed) and opens that failed on a walk.
 * A build probing its include directories, `test -f` in a loop, `ls -l` ask again and again; while
 * nothing on that file system has changed, the answer needs no call.
 *
 * The VFS gives a token only when every name the walk looked up was on one file system with a
 * change word (services/fs/change-word.ts), covering the whole answer: the entries walked, the
 * symlinks followed and the attributes — the file system's change word, or the sum of the change
 * slots of those entries and that node (services/vfs/walk-facts.ts); and only for failures the
 * namespace alone decided (ENOENT, ENOTDIR, ELOOP, …), never for a dead service or a limit. A hit
 * is checked against its token; a stale entry is dropped. Directory fids are never reused by the
 * VFS, so an entry under a closed directory can never be asked for again; the table is bounded
 * and starts over when full.
 */

import { type AddressToken, type SumToken, sumValid, tokenValid } from '../ipc/address-token.js';
import type { Arena } from '../ipc/arena.js';

const MAX_ENTRIES = 2048;

/** What an answer holds under: one word, or the sum of several. */
export type AnswerToken = AddressToken | SumToken;

/**
 * The token a VFS reply names: `words` (int32 indices, as the vfs protocol's `words`) summed to
 * `change`, or `changeWord` alone when there are none; null for no token or a word that is no
 * change word of `arena`.
 */
export function answerToken(arena: Arena, changeWord: number, change: number, words: readonly number[]): AnswerToken | null {
  if (words.length === 0) return changeWord >= 0 && arena.isChangeWord(changeWord) ? { word: changeWord, generation: change } : null;
  for (const w of words) if (!arena.isChangeWord(w)) return null;
  return { words, sum: change };
}

function holds(arena: Arena, t: AnswerToken): boolean {
  return 'words' in t ? sumValid(arena, t) : tokenValid(arena, t);
}

export class AnswerCache<T> {
  private readonly entries = new Map<string, { readonly answer: T; readonly token: AnswerToken }>();
  /** Statistics: answers given from here, and entries found stale. */
  readonly stats = { hits: 0, stale: 0 };

  constructor(private readonly arena: Arena) {}

  get(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (holds(this.arena, e.token)) {
      this.stats.hits++;
      return e.answer;
    }
    this.stats.stale++;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, answer: T, token: AnswerToken): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { answer, token });
  }
}

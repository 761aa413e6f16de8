/**
 * The local kernel's copy of `stat` answers by path: (directory fid, follow flag, path) → the
 * attributes the VFS returned, kept with the change-word token the VFS said they hold under.
 * A stat of a path asked again (a build probing its headers, `test -f` in a loop, `ls -l`)
 * needs no call while nothing on that file system has changed.
 *
 * The VFS gives a token only when every name the walk looked up was on one file system with a
 * change word (services/fs/change-word.ts), so one word covers the whole answer: the entries
 * walked, the symlinks followed and the attributes. A hit is checked against the word; a stale
 * entry is dropped. Only successes are kept. Directory fids are never reused by the VFS, so an
 * entry under a closed directory can never be asked for again; the table is bounded and starts
 * over when full.
 */

import { type AddressToken, tokenValid } from '../ipc/address-token.js';
import type { Arena } from '../ipc/arena.js';
import type { StatFields } from './fd-table.js';

const MAX_ENTRIES = 1024;

export class StatCache {
  private readonly entries = new Map<string, { readonly stat: StatFields; readonly token: AddressToken }>();
  /** Statistics: stats answered here, and entries found stale. */
  readonly stats = { hits: 0, stale: 0 };

  constructor(private readonly arena: Arena) {}

  private static key(dir: number, follow: number, path: string): string {
    return `${dir}\0${follow}\0${path}`;
  }

  get(dir: number, follow: number, path: string): StatFields | null {
    const key = StatCache.key(dir, follow, path);
    const e = this.entries.get(key);
    if (!e) return null;
    if (tokenValid(this.arena, e.token)) {
      this.stats.hits++;
      return e.stat;
    }
    this.stats.stale++;
    this.entries.delete(key);
    return null;
  }

  set(dir: number, follow: number, path: string, stat: StatFields, token: AddressToken): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(StatCache.key(dir, follow, path), { stat, token });
  }
}

/**
 * Compiled WebAssembly modules known by the file they were compiled from, under an address token:
 * the file system's change word (decision 012) and the value it held while the file was read.
 * A file system that changes only through Keel (tmpfs, diskfs) bumps its word before any change
 * begins, so while the word still holds that value the file's bytes are the ones compiled, and a
 * process loading the same file again — in any thread of the system — takes the module without
 * reading the file or compiling it. A compiler driver that starts its 75 MB compiler once per job
 * paid both every time (docs/decisions/020-modules-shared-by-file.md).
 *
 * Invariants:
 *   - an entry is put only by a loader that read the word before reading the file and found it
 *     unchanged after (`loaded`): its bytes are the file's at that value;
 *   - an entry is handed out only while the word still holds its value (`find`, `valid`); one
 *     whose word has moved is dropped, never revived (the value only moves on);
 *   - the key names the device, the inode, the word and the memory cap the module was rewritten
 *     for (program-loader.ts caps a module's memory before compiling it): nothing else is matched;
 *   - at most `max` entries, least recently used out first;
 *   - a word is one of the arena's change words, never another word of the arena.
 *
 * What it trusts: the thread that offers a module (a program's worker, whose local kernel is
 * trusted code, decision 018) to have compiled it from the file it names. A guest cannot offer
 * anything: it has no way to post to the host.
 */

import type { ShelvedModule } from '../abi/boot-spec.js';
import type { Arena } from './arena.js';
import { tokenValid } from './address-token.js';

/** The shelf's key for a module compiled from file (dev, ino) under change word `word`, memory capped at `memoryBytes`. */
export function shelfKey(dev: number, ino: number, word: number, memoryBytes: number | undefined): string {
  return `${dev}:${ino}:${word}:${memoryBytes ?? '-'}`;
}

export class ModuleShelf {
  private readonly entries = new Map<string, ShelvedModule>();

  constructor(private readonly arena: Arena, private readonly max = 16) {}

  /** The module kept under `key`, if its file is unchanged since; a stale entry is dropped. */
  find(key: string): WebAssembly.Module | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    if (!this.live(e)) return undefined;
    this.entries.set(key, e);
    return e.module;
  }

  /** Keep `e` (it replaces an entry of the same key); false if its word has moved already. */
  put(e: ShelvedModule): boolean {
    if (!this.live(e)) return false;
    this.entries.delete(e.key);
    this.entries.set(e.key, e);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return true;
  }

  /** Every entry still valid (the stale ones are dropped), most recently used last. */
  valid(): ShelvedModule[] {
    for (const [key, e] of this.entries) if (!this.live(e)) this.entries.delete(key);
    return [...this.entries.values()];
  }

  /** Whether this shelf is for the system of `arena` (a thread serves one system; tests boot many). */
  of(arena: Arena): boolean {
    return this.arena === arena || this.arena.buffer === arena.buffer;
  }

  get size(): number {
    return this.entries.size;
  }

  private live(e: ShelvedModule): boolean {
    return isChangeWord(this.arena, e.word) && tokenValid(this.arena, { word: e.word, generation: e.change });
  }
}

/** Whether int32 index `word` is one of the arena's change words (any other word is no file system's). */
export function isChangeWord(arena: Arena, word: number): boolean {
  return arena.isChangeWord(word);
}

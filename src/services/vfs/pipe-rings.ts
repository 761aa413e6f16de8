/**
 * The VFS's share of the arena's pipe rings (ipc/pipe-ring.ts): which are free, and giving one to
 * a new pipe or taking it back.
 *
 * Invariants: a ring's GEN moves on every time it is given and every time it is taken back, so a
 * grant names one pipe's use of it; a ring is reset only when no end's operation in place is
 * under way (both BUSY words down after GEN moved — an end that raised its word first sees the
 * new GEN and stops), else it waits for a later pipe. IN_USE is 1 exactly while a pipe has the
 * ring. A new VFS instance takes over the rings of its slice that are in use and whose holder
 * table is whole (`adopted`: the pipes the instance before it had, docs/restart.md); every other
 * ring's GEN moves on at once, so what the instance before granted on it names nothing here.
 */

import type { Arena } from '../../ipc/arena.js';
import { PipeRing, RingWord } from '../../ipc/pipe-ring.js';
import type { RingPlace } from './pipe.js';
import type { RingSlice } from './declaration.js';

export class PipeRings {
  private readonly free: number[] = [];
  /** The rings the instance before this one left in use, to be taken over. */
  readonly adopted: { readonly ring: PipeRing; readonly place: RingPlace }[] = [];

  constructor(private readonly arena: Arena | null, slice: RingSlice | undefined) {
    if (!arena || !slice) return;
    for (let i = slice.first + slice.count - 1; i >= slice.first; i--) {
      const ring = arena.pipeRing(i);
      if (ring.word(RingWord.IN_USE) === 1 && ring.word(RingWord.OVERFLOW) === 0) {
        this.adopted.push({ ring, place: { index: i, gen: ring.word(RingWord.GEN) } });
        continue;
      }
      ring.setWord(RingWord.IN_USE, 0);
      Atomics.add(ring.i32, ring.base + RingWord.GEN, 1);
      ring.changed();
      this.free.push(i);
    }
  }

  /** A ring for a new pipe of `capacity` bytes: one of the arena's (and its place) while one is free and large enough, else a private one. */
  take(capacity: number): { ring: PipeRing; place: RingPlace | null } {
    const arena = this.arena;
    if (arena) {
      for (let k = this.free.length - 1; k >= 0; k--) {
        const index = this.free[k]!;
        const ring = arena.pipeRing(index);
        if (ring.data.length < capacity) break;
        const gen = (Atomics.add(ring.i32, ring.base + RingWord.GEN, 1) + 1) | 0;
        if (ring.word(RingWord.RBUSY) !== 0 || ring.word(RingWord.WBUSY) !== 0) continue;
        this.free.splice(k, 1);
        ring.reset(capacity);
        ring.setWord(RingWord.IN_USE, 1);
        ring.changed();
        return { ring, place: { index, gen } };
      }
    }
    return { ring: PipeRing.private(capacity), place: null };
  }

  /** The pipe on `place` has no end left: its ring is free again. */
  give(place: RingPlace): void {
    const ring = this.arena!.pipeRing(place.index);
    ring.setWord(RingWord.IN_USE, 0);
    Atomics.add(ring.i32, ring.base + RingWord.GEN, 1);
    ring.changed();
    this.free.push(place.index);
  }
}

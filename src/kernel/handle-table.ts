/**
 * A process's handle table: its capability space.
 *
 * The kernel thread owns the table. It keeps the authoritative Capability for each entry in a JS
 * array, and publishes a projection of each entry into the process's region of the IPC arena
 * (tag, type, rights, object id, badge) so that the process's local kernel and the servers it
 * calls can check a handle without asking the kernel. Publication order keeps readers safe:
 * install writes the fields and then the tag (live); remove clears the tag first.
 *
 * Lookups check, in order: shape, index in range, entry live, generation matches. A value that
 * fails any of these is BAD_HANDLE, so a closed, revoked or foreign value never reaches an object.
 */

import { Arena, HandleWord } from '../ipc/arena.js';
import type { Capability } from './capability.js';
import { type Handle, MAX_GENERATION, handleGeneration, handleIndex, isHandleShaped, makeHandle } from '../abi/handle.js';

export class HandleTable {
  private readonly caps: (Capability | undefined)[] = [];
  private readonly generations: number[] = [];
  private readonly free: number[] = [];
  private nextFresh = 0;
  private live = 0;

  constructor(
    readonly pid: number,
    private readonly arena: Arena,
    readonly capacity: number = arena.config.maxHandles,
  ) {
    const base = arena.handleWord(pid, 0);
    arena.i32.fill(0, base, arena.handleWord(pid, capacity - 1) + 8);
  }

  get size(): number {
    return this.live;
  }

  /** Place a capability in a free entry; null when the table is full. */
  install(cap: Capability): Handle | null {
    let index = this.free.pop();
    if (index === undefined) {
      if (this.nextFresh >= this.capacity) return null;
      index = this.nextFresh++;
      this.generations[index] = 0;
    }
    let gen = (this.generations[index]! % MAX_GENERATION) + 1;
    this.generations[index] = gen;
    this.caps[index] = cap;
    cap.location = { kind: 'table', pid: this.pid, index };
    this.live++;

    const w = this.arena.handleWord(this.pid, index);
    const i32 = this.arena.i32;
    i32[w + HandleWord.TYPE] = cap.object.type;
    i32[w + HandleWord.RIGHTS] = cap.rights;
    i32[w + HandleWord.OBJECT] = cap.object.id;
    this.arena.f64[(w + HandleWord.BADGE) >> 1] = cap.badge;
    Atomics.store(i32, w + HandleWord.TAG, (gen << 1) | 1);
    return makeHandle(index, gen);
  }

  /** The capability a handle value names in this table, or undefined. */
  lookup(h: number): Capability | undefined {
    if (!isHandleShaped(h)) return undefined;
    const index = handleIndex(h);
    if (index >= this.nextFresh) return undefined;
    const cap = this.caps[index];
    if (cap === undefined || this.generations[index] !== handleGeneration(h)) return undefined;
    return cap;
  }

  /** Remove the entry holding `cap`; returns false if it is not here. */
  removeCap(cap: Capability): boolean {
    const loc = cap.location;
    if (loc.kind !== 'table' || loc.pid !== this.pid || this.caps[loc.index] !== cap) return false;
    const w = this.arena.handleWord(this.pid, loc.index);
    Atomics.store(this.arena.i32, w + HandleWord.TAG, this.generations[loc.index]! << 1);
    this.caps[loc.index] = undefined;
    this.free.push(loc.index);
    this.live--;
    cap.location = { kind: 'gone' };
    return true;
  }

  /** Every capability in the table (for process teardown). */
  all(): Capability[] {
    return this.caps.filter((c): c is Capability => c !== undefined);
  }

  /** The handle value currently naming `cap` here, if it is here. */
  handleOf(cap: Capability): Handle | undefined {
    const loc = cap.location;
    if (loc.kind !== 'table' || loc.pid !== this.pid || this.caps[loc.index] !== cap) return undefined;
    return makeHandle(loc.index, this.generations[loc.index]!);
  }
}

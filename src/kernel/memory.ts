/**
 * Memory objects: a SharedArrayBuffer region that several processes can map.
 *
 * The kernel makes the buffer; `memory_map` (MAP right) hands the same buffer to the caller's
 * thread, so writes by one mapper are seen by every other. A SharedArrayBuffer cannot be mapped
 * read-only, so MAP gives read and write access alike. Sizes are fixed at creation and bounded by
 * MEMORY_MAX_BYTES (per-process accounting comes with resource limits).
 */

import { KernelObject } from './object.js';
import { ObjectType } from '../abi/object-type.js';
import { type Arena, ObjectWord } from '../ipc/arena.js';

export const MEMORY_MAX_BYTES = 1 << 30;

export class Memory extends KernelObject {
  readonly type = ObjectType.MEMORY;
  buffer: SharedArrayBuffer | null;

  constructor(id: number, private readonly arena: Arena, readonly size: number) {
    super(id);
    this.buffer = new SharedArrayBuffer(size);
    Atomics.store(arena.i32, arena.objectWord(id) + ObjectWord.TYPE, ObjectType.MEMORY);
  }

  destroy(): void {
    this.destroyed = true;
    this.buffer = null; // mappers keep their reference; the kernel forgets it
    Atomics.store(this.arena.i32, this.arena.objectWord(this.id) + ObjectWord.TYPE, ObjectType.NONE);
  }
}

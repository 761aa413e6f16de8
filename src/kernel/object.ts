/**
 * The base of every kernel object.
 *
 * An object lives as long as at least one capability (a handle in some process, or a handle in
 * transit inside a channel message) names it. `capCount` counts those capabilities; when it drops
 * to zero the kernel calls `destroy`, which releases the object's record in the arena.
 * Object ids are small integers indexing the arena's object table; id 0 means "no object".
 */

import type { ObjectType } from '../abi/object-type.js';

export abstract class KernelObject {
  abstract readonly type: ObjectType;
  /** Capabilities naming this object, wherever they are. */
  capCount = 0;
  /** Set once `destroy` ran; a destroyed object is never reachable from a live handle. */
  destroyed = false;

  constructor(readonly id: number) {}

  /** Called by the kernel exactly once, when the last capability naming the object is gone. */
  abstract destroy(): void;
}

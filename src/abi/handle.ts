/**
 * Handle values.
 *
 * A handle is a positive int32: `(generation << 12) | index`. The index names an entry of the
 * holder's handle table; the generation changes every time that entry is reused, so a closed or
 * revoked handle value stops resolving even after its entry holds something new (until the 19-bit
 * generation wraps, after 524287 reuses of one entry). 0 is never a valid handle.
 */

export type Handle = number & { readonly __brand: 'Handle' };

export const INDEX_BITS = 12;
export const MAX_INDEX = (1 << INDEX_BITS) - 1;
export const MAX_GENERATION = (1 << 19) - 1;
export const NO_HANDLE = 0 as Handle;

export function makeHandle(index: number, generation: number): Handle {
  return ((generation << INDEX_BITS) | index) as Handle;
}

export function handleIndex(h: number): number {
  return h & MAX_INDEX;
}

export function handleGeneration(h: number): number {
  return (h >>> INDEX_BITS) & MAX_GENERATION;
}

/** Cheap syntactic check; whether the value names anything is the table's business. */
export function isHandleShaped(h: unknown): h is number {
  return typeof h === 'number' && Number.isInteger(h) && h > 0 && h <= 0x7fffffff;
}

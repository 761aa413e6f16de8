/**
 * Rights carried by a handle.
 *
 * A right is one bit; a handle's rights are a set of bits. Rights only ever narrow: every
 * operation that derives a handle takes a subset of its source's rights (`isSubset`), and the
 * kernel checks `has` before acting. The bit values are part of the IPC ABI.
 */

export type Rights = number & { readonly __brand: 'Rights' };

export const Right = {
  NONE: 0 as Rights,
  READ: 1 as Rights,       // read messages / memory / state
  WRITE: 2 as Rights,      // write messages, make calls on a channel, write memory
  TRANSFER: 4 as Rights,   // move the handle to another process inside a channel message
  DUPLICATE: 8 as Rights,  // derive another handle to the same object
  MAP: 16 as Rights,       // map a Memory object into the caller's address space
  SIGNAL: 32 as Rights,    // raise bits on a notification, signal/kill a process
  WAIT: 64 as Rights,      // wait for a notification or for a process to exit
  MANAGE: 128 as Rights,   // revoke derived handles, serve a channel endpoint, manage a process
} as const;

export const ALL_RIGHTS = 0xff as Rights;

export function rights(...bits: Rights[]): Rights {
  let r = 0;
  for (const b of bits) r |= b;
  return r as Rights;
}

/** True when every bit of `needed` is in `held`. */
export function has(held: Rights, needed: Rights): boolean {
  return (held & needed) === needed;
}

/** True when `candidate` asks for nothing outside `of` (and names no unknown bit). */
export function isSubset(candidate: number, of: Rights): candidate is Rights {
  return Number.isInteger(candidate) && (candidate & ~ALL_RIGHTS) === 0 && (candidate & ~of) === 0;
}

const rightNames: ReadonlyArray<[string, number]> = Object.entries(Right).filter(([, v]) => v !== 0);

/** `read|write|transfer` style rendering for logs and errors. */
export function formatRights(r: Rights): string {
  const parts = rightNames.filter(([, bit]) => (r & bit) !== 0).map(([name]) => name.toLowerCase());
  return parts.length ? parts.join('|') : 'none';
}

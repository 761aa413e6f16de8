/**
 * Where a service runs, parsed once from its manifest `class` (`kernel`, `isolated`,
 * `coalesced:<group>`) and used typed everywhere after: the boot sequence groups workers by it,
 * the capability graph and `keel check` read it, the manifest rules test it.
 *
 * Workers are identified by a key no two placements share: an isolated service's worker is
 * `isolated:NAME`, a coalesced group's `coalesced:GROUP`, so a service named `fs` placed alone
 * and a group named `fs` are two workers (their display names may be equal).
 */

export type Placement =
  /** In the kernel thread. */
  | { readonly in: 'kernel' }
  /** Alone in its own worker. */
  | { readonly in: 'isolated' }
  /** In one worker with every other member of `group`. */
  | { readonly in: 'coalesced'; readonly group: string };

/** The placement a manifest `class` names (the schema has already checked its form). */
export function parsePlacement(cls: string): Placement {
  if (cls === 'kernel') return { in: 'kernel' };
  if (cls === 'isolated') return { in: 'isolated' };
  if (cls.startsWith('coalesced:')) return { in: 'coalesced', group: cls.slice('coalesced:'.length) };
  throw new Error(`not an isolation class: ${cls}`);
}

/** The manifest `class` of a placement (for messages and `keel check`). */
export function placementClass(p: Placement): string {
  return p.in === 'coalesced' ? `coalesced:${p.group}` : p.in;
}

/** The worker a service placed by `p` runs in: a unique key, and the name ps and the supervisor show. Null in the kernel thread. */
export function workerOf(p: Placement, service: string): { readonly key: string; readonly name: string } | null {
  if (p.in === 'kernel') return null;
  return p.in === 'isolated' ? { key: `isolated:${service}`, name: service } : { key: `coalesced:${p.group}`, name: p.group };
}

/** True if `a` and `b` run in one thread (the kernel's, or one worker). */
export function samePlace(a: Placement, b: Placement, nameA: string, nameB: string): boolean {
  if (a.in === 'kernel' || b.in === 'kernel') return a.in === b.in;
  return workerOf(a, nameA)!.key === workerOf(b, nameB)!.key;
}

/**
 * The capability graph of a manifest, for `keel check`: who can reach whom, and through which
 * chain of capabilities.
 *
 * Principals are the services and `programs` (every untrusted program). An edge A → B means A can
 * make B act:
 *   - A holds a capability to B (`call`, `notify`, `mint`; a program's session);
 *   - proc starts and signals programs (it holds their process handles);
 *   - A and B are coalesced in one worker (no isolation between them: either can use the other's
 *     handles), or A runs in the kernel thread (whose handle table holds every service and program);
 *   - without `static`, the kernel lets handles travel in messages, so whoever A can call may be
 *     handed any capability A holds: A → X and A → B give B → X (take-grant, to a fixed point).
 *     With `static`, the kernel refuses such moves, and the graph is exactly the manifest's.
 * Reach is the transitive closure: A reaches C if A can make B act and B reaches C.
 */

import { parsePlacement, samePlace } from './placement.js';
import { type Manifest } from './manifest-schema.js';
import { PROGRAMS } from './principals.js';

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** How `from` gets at `to`: call, notify, mint, session, "same worker fs", "kernel thread", "passed on by X". */
  readonly how: string;
}

export interface CapabilityGraph {
  readonly principals: readonly string[];
  /** Edges by source principal, in a stable order (declared before derived). */
  readonly edges: ReadonlyMap<string, readonly Edge[]>;
}

export function capabilityGraph(m: Manifest): CapabilityGraph {
  const names = Object.keys(m.services);
  const principals = [PROGRAMS, ...names];
  const edges = new Map<string, Edge[]>(principals.map((p) => [p, []]));
  const add = (e: Edge): boolean => {
    const list = edges.get(e.from)!;
    if (e.from === e.to || list.some((x) => x.to === e.to)) return false;
    list.push(e);
    return true;
  };
  for (const to of m.programs.capabilities) add({ from: PROGRAMS, to, how: 'session' });
  for (const [from, s] of Object.entries(m.services)) {
    for (const kind of ['call', 'notify', 'mint'] as const) for (const to of s.capabilities?.[kind] ?? []) add({ from, to, how: kind });
  }
  if (m.services['proc']?.kind === 'proc') add({ from: 'proc', to: PROGRAMS, how: 'starts and signals' });
  for (const [from, s] of Object.entries(m.services)) {
    const p = parsePlacement(s.class);
    if (p.in === 'kernel') for (const to of principals) add({ from, to, how: 'kernel thread' });
    else if (p.in === 'coalesced') {
      for (const [to, t] of Object.entries(m.services)) if (samePlace(p, parsePlacement(t.class), from, to)) add({ from, to, how: `same worker ${p.group}` });
    }
  }
  if (m.static !== true) {
    // Take-grant: B, called by A, may be handed anything A holds. Iterate to a fixed point.
    for (let changed = true; changed;) {
      changed = false;
      for (const a of principals) {
        for (const toB of [...edges.get(a)!]) {
          for (const toX of [...edges.get(a)!]) {
            if (toX.to !== toB.to && add({ from: toB.to, to: toX.to, how: `passed on by ${a}` })) changed = true;
          }
        }
      }
    }
  }
  return { principals, edges };
}

/** Breadth-first from `from`: for each principal it reaches, the edge it is first reached by. */
function reachedBy(g: CapabilityGraph, from: string): Map<string, Edge> {
  const via = new Map<string, Edge>();
  const queue = [from];
  while (queue.length > 0) {
    for (const e of g.edges.get(queue.shift()!) ?? []) {
      if (e.to === from || via.has(e.to)) continue;
      via.set(e.to, e);
      queue.push(e.to);
    }
  }
  return via;
}

/** The shortest chain of edges from `from` to `to`, or null if `from` cannot reach `to`. */
export function reachChain(g: CapabilityGraph, from: string, to: string): Edge[] | null {
  const via = reachedBy(g, from);
  if (!via.has(to)) return null;
  const chain: Edge[] = [];
  for (let e = via.get(to); e; e = via.get(e.from)) chain.unshift(e);
  return chain;
}

/** Every principal `from` reaches, in graph order. */
export function reachable(g: CapabilityGraph, from: string): string[] {
  const via = reachedBy(g, from);
  return g.principals.filter((p) => via.has(p));
}

export function formatChain(chain: readonly Edge[]): string {
  return chain.map((e, i) => `${i === 0 ? e.from : ''} -[${e.how}]-> ${e.to}`).join('');
}

export interface AssertionResult {
  readonly from: string;
  readonly cannotReach: string;
  readonly because?: string;
  /** The offending chain when the assertion fails; null when it holds. */
  readonly chain: Edge[] | null;
}

export function checkAssertions(m: Manifest, g: CapabilityGraph = capabilityGraph(m)): AssertionResult[] {
  return (m.assert ?? []).map((a) => ({ ...a, chain: reachChain(g, a.from, a.cannotReach) }));
}

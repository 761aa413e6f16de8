/**
 * A capability: one node of the derivation tree.
 *
 * Each handle in a process's table is backed by exactly one Capability; a handle moved inside a
 * channel message keeps its Capability (so it keeps its place in the tree while in transit and
 * after it lands in another process). `duplicate` makes a child node with a subset of the rights;
 * `revoke` destroys every descendant, wherever each one is. Closing a node re-parents its children
 * to its parent, so a later revoke of an ancestor still reaches them.
 *
 * Invariant: a node's rights are a subset of its parent's rights at the time it was derived, and
 * rights of a node never change, so no sequence of operations widens rights.
 */

import type { KernelObject } from './object.js';
import type { Rights } from '../abi/rights.js';

/**
 * Where a capability is: in a process's handle table, in flight inside a channel message, or kept
 * for the next instance of a service whose worker ended (Kernel.adopt).
 */
export type CapLocation =
  | { readonly kind: 'table'; readonly pid: number; readonly index: number }
  | { readonly kind: 'transit'; readonly message: { caps: (Capability | null)[] } }
  | { readonly kind: 'custody'; readonly name: string }
  | { readonly kind: 'gone' };

export class Capability {
  parent: Capability | null;
  readonly children = new Set<Capability>();
  location: CapLocation = { kind: 'gone' };

  constructor(
    readonly object: KernelObject,
    readonly rights: Rights,
    readonly badge: number,
    parent: Capability | null,
  ) {
    this.parent = parent;
    parent?.children.add(this);
  }

  /** Every node strictly below this one, deepest first (safe to destroy in this order). */
  descendants(): Capability[] {
    const out: Capability[] = [];
    const visit = (node: Capability): void => {
      for (const child of node.children) {
        visit(child);
        out.push(child);
      }
    };
    visit(this);
    return out;
  }

  /** Unlink this node from the tree, handing its children to its parent. */
  detach(): void {
    const parent = this.parent;
    for (const child of this.children) {
      child.parent = parent;
      parent?.children.add(child);
    }
    this.children.clear();
    parent?.children.delete(this);
    this.parent = null;
  }
}

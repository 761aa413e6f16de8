/**
 * Live capabilities per (channel endpoint, badge): how the kernel knows when the last handle
 * carrying a badge is gone (the server hears `badge-closed`: a session ended) and which sessions
 * a server still has (`sessions`, for a restarted server taking over its predecessor's state).
 */

export class BadgeCounts {
  private readonly counts = new Map<number, Map<number, number>>();

  /** Count `delta` capabilities with `badge` on object `id`; true when that was the last of them. */
  add(id: number, badge: number, delta: number): boolean {
    let perBadge = this.counts.get(id);
    if (!perBadge) this.counts.set(id, (perBadge = new Map()));
    const n = (perBadge.get(badge) ?? 0) + delta;
    if (n > 0) {
      perBadge.set(badge, n);
      return false;
    }
    perBadge.delete(badge);
    if (perBadge.size === 0) this.counts.delete(id);
    return true;
  }

  /** The badges some capability on object `id` carries. */
  badges(id: number): number[] {
    return [...(this.counts.get(id)?.keys() ?? [])];
  }
}

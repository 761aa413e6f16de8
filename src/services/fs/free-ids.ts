/**
 * The free ids of a range [first, first + count) — a page cache's entries or pages. Ids given
 * back are taken again first; the rest are handed out in order and never listed until they come
 * back, so a range of tens of thousands costs nothing to set up (every file system's page cache
 * is made at boot, on the way to the first program).
 *
 * Invariant: an id is either held by the caller or free here, never both; `size` counts the free.
 */

export class FreeIds {
  private readonly returned: number[] = [];
  private next: number;
  private readonly end: number;

  constructor(first: number, count: number) {
    this.next = first;
    this.end = first + count;
  }

  /** How many ids are free. */
  get size(): number {
    return this.returned.length + (this.end - this.next);
  }

  /** `n` free ids (the caller checked `size`). */
  take(n: number): number[] {
    const ids = this.returned.splice(Math.max(0, this.returned.length - n));
    while (ids.length < n) ids.push(this.next++);
    return ids;
  }

  /** Give `ids` back. */
  give(ids: readonly number[]): void {
    for (const id of ids) this.returned.push(id);
  }
}

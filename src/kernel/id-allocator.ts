/**
 * Small-integer allocator for object ids, pids, slots and queues.
 *
 * Hands out the lowest never-used id first, then recycles freed ids oldest-first so a freed id
 * rests as long as possible before it names something new. Ids run from `first` to `limit - 1`.
 */

export class IdAllocator {
  private next: number;
  private readonly freed: number[] = [];
  private head = 0;

  constructor(private readonly first: number, readonly limit: number) {
    this.next = first;
  }

  alloc(): number | null {
    if (this.next < this.limit) return this.next++;
    if (this.head < this.freed.length) {
      const id = this.freed[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.freed.length) {
        this.freed.splice(0, this.head);
        this.head = 0;
      }
      return id;
    }
    return null;
  }

  release(id: number): void {
    if (id >= this.first && id < this.next) this.freed.push(id);
  }

  /** One past the highest id ever handed out: no id at or above it has named anything yet. */
  get end(): number {
    return this.next;
  }

  get inUse(): number {
    return this.next - this.first - (this.freed.length - this.head);
  }
}

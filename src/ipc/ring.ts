/**
 * Batched asynchronous rings (io_uring style): a single-producer, single-consumer ring of
 * fixed-size entries in shared memory. A submission ring carries requests one way and a
 * completion ring carries results back; a producer may push many entries and ring the consumer
 * once, so one wake-up is amortised over the whole batch.
 *
 * Layout (Int32 words, then entries as float64 words):
 *   [0] head   — next entry the consumer will read (written by the consumer)
 *   [1] tail   — next entry the producer will write (written by the producer)
 *   [2] sleeping consumer flag   [3] sleeping producer flag (ring full)
 *   entries    — `capacity` × `entryWords` float64 values, starting at byte 16
 * Indices grow without bound (mod 2^31) and are reduced modulo capacity, a power of two. An entry
 * is published by the store to `tail` after it is written, and released by the store to `head`.
 */

const HEAD = 0, TAIL = 1, CONSUMER_SLEEPING = 2, PRODUCER_SLEEPING = 3;
const HEADER_BYTES = 16;

export class Ring {
  readonly i32: Int32Array;
  readonly words: Float64Array;
  readonly mask: number;

  constructor(readonly buffer: SharedArrayBuffer, readonly capacity: number, readonly entryWords: number, byteOffset = 0) {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError('ring capacity must be a power of two ≥ 2');
    this.i32 = new Int32Array(buffer, byteOffset, 4);
    this.words = new Float64Array(buffer, byteOffset + HEADER_BYTES, capacity * entryWords);
    this.mask = capacity - 1;
  }

  static bytes(capacity: number, entryWords: number): number {
    return HEADER_BYTES + capacity * entryWords * 8;
  }

  static create(capacity: number, entryWords: number): Ring {
    return new Ring(new SharedArrayBuffer(Ring.bytes(capacity, entryWords)), capacity, entryWords);
  }

  /** Entries waiting to be consumed. */
  get size(): number {
    return (Atomics.load(this.i32, TAIL) - Atomics.load(this.i32, HEAD)) | 0;
  }

  /** Producer: reserve the next entry; returns its first word index, or -1 if the ring is full. */
  reserve(pending: number): number {
    const tail = (Atomics.load(this.i32, TAIL) + pending) | 0;
    if (((tail - Atomics.load(this.i32, HEAD)) | 0) >= this.capacity) return -1;
    return (tail & this.mask) * this.entryWords;
  }

  /** Producer: publish `count` reserved entries and wake the consumer if it sleeps. */
  publish(count: number): void {
    Atomics.add(this.i32, TAIL, count);
    if (Atomics.load(this.i32, CONSUMER_SLEEPING) !== 0) Atomics.notify(this.i32, TAIL);
  }

  /** Producer: write one entry from `values` and publish it; false if full. */
  push(values: ArrayLike<number>): boolean {
    const at = this.reserve(0);
    if (at < 0) return false;
    for (let i = 0; i < this.entryWords; i++) this.words[at + i] = values[i] ?? 0;
    this.publish(1);
    return true;
  }

  /** Consumer: call `each(wordIndex)` for every published entry, then release them all. */
  drain(each: (at: number) => void): number {
    const head = Atomics.load(this.i32, HEAD);
    const tail = Atomics.load(this.i32, TAIL);
    const n = (tail - head) | 0;
    for (let i = 0; i < n; i++) each((((head + i) | 0) & this.mask) * this.entryWords);
    if (n > 0) {
      Atomics.store(this.i32, HEAD, tail);
      if (Atomics.load(this.i32, PRODUCER_SLEEPING) !== 0) Atomics.notify(this.i32, HEAD);
    }
    return n;
  }

  /** Consumer: sleep until something is published (or `timeoutMs`). */
  waitForEntries(timeoutMs: number): void {
    const tail = Atomics.load(this.i32, TAIL);
    if (tail !== Atomics.load(this.i32, HEAD)) return;
    Atomics.store(this.i32, CONSUMER_SLEEPING, 1);
    if (Atomics.load(this.i32, TAIL) === tail) Atomics.wait(this.i32, TAIL, tail, timeoutMs);
    Atomics.store(this.i32, CONSUMER_SLEEPING, 0);
  }

  /** Producer: sleep until there is room (or `timeoutMs`). */
  waitForRoom(timeoutMs: number): void {
    const head = Atomics.load(this.i32, HEAD);
    if (((Atomics.load(this.i32, TAIL) - head) | 0) < this.capacity) return;
    Atomics.store(this.i32, PRODUCER_SLEEPING, 1);
    if (Atomics.load(this.i32, HEAD) === head) Atomics.wait(this.i32, HEAD, head, timeoutMs);
    Atomics.store(this.i32, PRODUCER_SLEEPING, 0);
  }
}

/**
 * Compiled WebAssembly modules kept for reuse, keyed by the module's bytes: a program started
 * again in the same thread (a worker the pool hands out again, or the kernel thread compiling for
 * the library's `spawn`) skips compilation. For a small program compilation is a few
 * milliseconds; for a large one (a compiler, a database) it is most of its start-up.
 *
 * Invariants:
 *   - a hit is exact: the key (length and a hash of samples spread over the bytes) only finds a
 *     candidate, and the candidate's bytes are compared in full before its module is returned;
 *     a module is never returned for bytes that differ in any position;
 *   - the cache holds its own copy of the bytes, so a caller that reuses its buffer cannot change
 *     what a key means;
 *   - the bytes held stay within `maxBytes` (least recently used out first); a module larger than
 *     that is not kept.
 */

const SAMPLES = 64;
const SAMPLE_BYTES = 256;

export class ModuleCache<T> {
  private readonly entries = new Map<string, { readonly bytes: Uint8Array; readonly value: T }[]>();
  private order: { key: string; bytes: Uint8Array }[] = [];
  private held = 0;

  constructor(private readonly maxBytes: number) {}

  /** What was stored for exactly these bytes, if anything. */
  get(bytes: Uint8Array): T | undefined {
    const key = keyOf(bytes);
    const found = this.entries.get(key)?.find((e) => sameBytes(e.bytes, bytes));
    if (found === undefined) return undefined;
    const i = this.order.findIndex((o) => o.bytes === found.bytes);
    if (i >= 0) this.order.push(...this.order.splice(i, 1));
    return found.value;
  }

  /** Keep `value` for these bytes (a copy of them is held). */
  put(bytes: Uint8Array, value: T): void {
    if (bytes.length > this.maxBytes || this.get(bytes) !== undefined) return;
    const key = keyOf(bytes);
    const copy = bytes.slice();
    const list = this.entries.get(key) ?? [];
    list.push({ bytes: copy, value });
    this.entries.set(key, list);
    this.order.push({ key, bytes: copy });
    this.held += copy.length;
    while (this.held > this.maxBytes) this.evictOldest();
  }

  /** How many modules and how many bytes of them are held. */
  get size(): { readonly modules: number; readonly bytes: number } {
    return { modules: this.order.length, bytes: this.held };
  }

  private evictOldest(): void {
    const oldest = this.order.shift();
    if (oldest === undefined) return;
    const list = this.entries.get(oldest.key)!.filter((e) => e.bytes !== oldest.bytes);
    if (list.length === 0) this.entries.delete(oldest.key);
    else this.entries.set(oldest.key, list);
    this.held -= oldest.bytes.length;
  }
}

/** Length, then FNV-1a over SAMPLES runs of SAMPLE_BYTES spread evenly (the whole of a small module). */
function keyOf(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  const step = Math.max(SAMPLE_BYTES, Math.floor(bytes.length / SAMPLES));
  for (let start = 0; start < bytes.length; start += step) {
    const end = Math.min(bytes.length, start + SAMPLE_BYTES);
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  }
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

/** Whole comparison, four bytes at a time where the buffers allow it. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words * 4;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

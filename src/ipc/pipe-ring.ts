/**
 * A pipe's bytes in shared memory: a ring that the VFS and the local kernels of the two ends
 * read and write in place (docs/decisions/019-pipe-rings.md).
 *
 * The ring is a single-producer, single-consumer queue: `put` belongs to whoever is writing for
 * the pipe's write side, `take` to whoever reads for its read side, and the two run at once on
 * different threads without a lock. The VFS decides who that is and publishes it in the header:
 *   - MODE 0 (through the VFS): every read and write is a call to the VFS, whose one thread
 *     plays both roles — any number of ends, any number of sessions;
 *   - MODE 1 (direct): at most one read fid and one write fid exist; each end's local kernel may
 *     play its own role in place, while the VFS may still play a role for an end that calls it.
 * A role is never played twice at once. An end's process does one operation at a time, and an
 * end working in place raises its BUSY word first and then checks MODE, GEN and VFS_WAITING;
 * the VFS changes those words first and then reads BUSY (both sequentially consistent), so one of
 * the two always sees the other, and the VFS does not play a role while its BUSY word is raised.
 *
 * Counters are uint32 totals of bytes put and taken (kept as int32; `>>> 0` when compared), so
 * the buffered count is WRITTEN − READ and never needs a lock. The data area's length is a power
 * of two (the index is the counter masked); CAP ≤ that length bounds what may be buffered.
 * EVENT is bumped after every change anyone waits on (bytes in or out, an end opened or closed,
 * the mode) and is the one word waiters sleep on.
 *
 * The header also keeps what a restarted VFS needs to take the pipe over (IN_USE, the holder
 * table — which sessions hold which ends — and the share tokens of its ends not yet taken:
 * services/vfs/pipe-holders.ts). Only the VFS writes them.
 */

/** Word indices of a ring's header (int32). */
export const RingWord = {
  GEN: 0,          // bumped by the VFS each time the ring is given to a pipe or freed: grants name one value
  MODE: 1,         // 0 through the VFS, 1 direct
  READ: 2,         // bytes taken (uint32 total)
  WRITTEN: 3,      // bytes put (uint32 total)
  READERS: 4,      // open read ends (fids and share tokens), written by the VFS
  WRITERS: 5,      // open write ends
  EVENT: 6,        // bumped after every change; waiters sleep on it
  VFS_WAITING: 7,  // 1 while the VFS holds callers waiting on this pipe: ends call the VFS instead of working in place
  RBUSY: 8,        // 1 while a local kernel takes in place
  WBUSY: 9,        // 1 while a local kernel puts in place
  CAP: 10,         // bytes the pipe may buffer (≤ the data area)
  IN_USE: 11,      // 1 while the ring is a pipe's (a restarted VFS takes such rings over)
  OVERFLOW: 12,    // 1 once more sessions held the pipe than the holder table has rows: not taken over
  HOLDERS: 16,     // the holder table: HOLDER_ROWS rows of HOLDER_WORDS (services/vfs/pipe-holders.ts)
  TOKENS: 64,      // the share tokens not yet taken: TOKEN_ROWS rows of TOKEN_WORDS
} as const;

/** The holder table: per session holding the pipe, its badge (float64 over words 0..1) and its read and write fids. */
export const HOLDER_ROWS = 12;
export const HOLDER_WORDS = 4;
export const HolderWord = { BADGE: 0, READS: 2, WRITES: 3 } as const;

/** The token table: per share token of an end, the token and its sharer's badge (float64s) and the end (1: write); token 0 = free row. */
export const TOKEN_ROWS = 8;
export const TOKEN_WORDS = 8;
export const TokenWord = { TOKEN: 0, SHARER: 2, WRITE: 4 } as const;

/** Bytes of a ring's header in the arena. */
export const RING_HEADER_BYTES = 512;

/** Mode values. */
export const RING_THROUGH_VFS = 0;
export const RING_DIRECT = 1;

export class PipeRing {
  /** Data length − 1 (a power of two less one). */
  private readonly mask: number;

  constructor(
    readonly i32: Int32Array,
    /** int32 index of the header's word 0. */
    readonly base: number,
    readonly data: Uint8Array,
  ) {
    if (data.length === 0 || (data.length & (data.length - 1)) !== 0) throw new RangeError('pipe ring: the data area must be a power of two');
    this.mask = data.length - 1;
  }

  /** A ring in private (unshared) memory, for a pipe no local kernel will work on in place. */
  static private(capacity: number): PipeRing {
    let size = 1;
    while (size < capacity) size *= 2;
    const r = new PipeRing(new Int32Array(new SharedArrayBuffer(RING_HEADER_BYTES)), 0, new Uint8Array(size));
    r.reset(capacity);
    return r;
  }

  word(w: number): number {
    return Atomics.load(this.i32, this.base + w);
  }

  setWord(w: number, v: number): void {
    Atomics.store(this.i32, this.base + w, v);
  }

  /** Zero the counters and set the capacity (the VFS, for a ring no one else is using). */
  reset(capacity: number): void {
    for (const w of [RingWord.MODE, RingWord.READ, RingWord.WRITTEN, RingWord.READERS, RingWord.WRITERS, RingWord.VFS_WAITING, RingWord.IN_USE, RingWord.OVERFLOW]) this.setWord(w, 0);
    this.i32.fill(0, this.base + RingWord.HOLDERS, this.base + RingWord.TOKENS + TOKEN_ROWS * TOKEN_WORDS);
    this.setWord(RingWord.CAP, Math.min(capacity, this.data.length));
  }

  get capacity(): number {
    return this.word(RingWord.CAP);
  }

  get buffered(): number {
    return (this.word(RingWord.WRITTEN) - this.word(RingWord.READ)) >>> 0;
  }

  get space(): number {
    return this.capacity - this.buffered;
  }

  get readers(): number {
    return this.word(RingWord.READERS);
  }

  get writers(): number {
    return this.word(RingWord.WRITERS);
  }

  /** Something a waiter may be waiting for changed: move EVENT on and wake every sleeper. */
  changed(): void {
    Atomics.add(this.i32, this.base + RingWord.EVENT, 1);
    Atomics.notify(this.i32, this.base + RingWord.EVENT);
  }

  /** The producer: copy what fits of `src` in and publish it. Bytes put. */
  put(src: Uint8Array): number {
    const written = this.word(RingWord.WRITTEN);
    const n = Math.min(src.length, this.capacity - ((written - this.word(RingWord.READ)) >>> 0));
    if (n <= 0) return 0;
    const at = written & this.mask;
    const first = Math.min(n, this.data.length - at);
    this.data.set(first === src.length ? src : src.subarray(0, first), at);
    if (first < n) this.data.set(src.subarray(first, n), 0);
    this.setWord(RingWord.WRITTEN, (written + n) | 0);
    this.changed();
    return n;
  }

  /** The consumer: copy up to `max` buffered bytes to `dest` from `offset`, and free them. Bytes taken. */
  takeInto(dest: Uint8Array, offset: number, max: number): number {
    const read = this.word(RingWord.READ);
    const n = Math.min(max, dest.length - offset, (this.word(RingWord.WRITTEN) - read) >>> 0);
    if (n <= 0) return 0;
    const at = read & this.mask;
    const first = Math.min(n, this.data.length - at);
    dest.set(this.data.subarray(at, at + first), offset);
    if (first < n) dest.set(this.data.subarray(0, n - first), offset + first);
    this.setWord(RingWord.READ, (read + n) | 0);
    this.changed();
    return n;
  }
}

/**
 * One read in place by the holder of the read end's grant (generation `gen`): the bytes taken
 * into `into` (in order across its buffers), 0 at end of input, -1 when nothing can be taken yet,
 * or null when the ring may not be worked on in place now (call the VFS). The BUSY handshake of
 * the header comment is done here.
 */
export function takeInPlace(ring: PipeRing, gen: number, into: readonly Uint8Array[]): number | null {
  if (!beginRole(ring, gen, RingWord.RBUSY)) return null;
  let n = 0;
  for (const dst of into) {
    const got = ring.takeInto(dst, 0, dst.length);
    n += got;
    if (got < dst.length) break;
  }
  const ended = n === 0 && ring.writers === 0 && ring.buffered === 0;
  ring.setWord(RingWord.RBUSY, 0);
  return n > 0 || ended ? n : -1;
}

/**
 * One write in place by the holder of the write end's grant: the bytes put from `parts` after the
 * first `skip` (what fits), -1 when nothing fits yet, -2 when no read end is left (EPIPE), or null
 * when the ring may not be worked on in place now.
 */
export function putInPlace(ring: PipeRing, gen: number, parts: readonly Uint8Array[], skip: number): number | null {
  if (!beginRole(ring, gen, RingWord.WBUSY)) return null;
  if (ring.readers === 0) {
    ring.setWord(RingWord.WBUSY, 0);
    return -2;
  }
  let n = 0;
  for (const p of parts) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    const piece = skip > 0 ? p.subarray(skip) : p;
    skip = 0;
    const put = ring.put(piece);
    n += put;
    if (put < piece.length) break;
  }
  ring.setWord(RingWord.WBUSY, 0);
  return n > 0 || parts.every((p) => p.length === 0) ? n : -1;
}

/** Raise `busy`, then check the ring is still this grant's, direct, and without callers the VFS holds; false (lowered) if not. */
function beginRole(ring: PipeRing, gen: number, busy: number): boolean {
  ring.setWord(busy, 1);
  if (ring.word(RingWord.MODE) === RING_DIRECT && ring.word(RingWord.GEN) === gen && ring.word(RingWord.VFS_WAITING) === 0) return true;
  ring.setWord(busy, 0);
  return false;
}

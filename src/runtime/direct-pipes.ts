/**
 * The local kernel's pipe ends worked in place: reads and writes straight on the pipe's ring in
 * the arena, without a call to the VFS, while the VFS keeps the pipe in direct mode
 * (docs/decisions/019-pipe-rings.md; the ring's rules are in ipc/pipe-ring.ts).
 *
 * A pipe fid is asked about (`grant`) once it has been read or written through the VFS ASK_AFTER
 * times; the answer — the ring and its generation, or none — is kept for the fid. An operation in
 * place raises the end's BUSY word, then checks that the ring is still this pipe's (GEN), in
 * direct mode (MODE) and that the VFS holds no waiting caller (VFS_WAITING); otherwise it lowers
 * the word and the call goes to the VFS, which answers as it always has. A wait sleeps on the
 * ring's EVENT word in slices, and between them looks again at the VFS's incarnation (a restarted
 * VFS ends every grant: its pipes are gone) and parks while the process is stopped.
 */

import type { Caller } from '../ipc/caller.js';
import { Errno } from '../abi/errno.js';
import { DIRECT_PIPE, DIRECT_WRITE } from '../abi/protocols/vfs.js';
import { type PipeRing, RING_DIRECT, RingWord } from '../ipc/pipe-ring.js';
import { CHECK_EVERY, DEFAULT_WAIT_POLICY, PREEMPTED_NS, SpinBudget } from '../ipc/wait-policy.js';
import type { DirectGrant } from './direct-files.js';

/** Reads and writes through the VFS on a pipe fid before the local kernel asks for its ring. */
const ASK_AFTER = 2;
/** Longest sleep before looking again at the VFS and at a stop (ms). */
const SLEEP_SLICE_MS = 50;

interface PipeEnd {
  readonly ring: PipeRing;
  readonly gen: number;
  readonly write: boolean;
  /** The VFS's incarnation when the ring was granted. */
  readonly vfsFrom: number;
}

/** What a read or write in place did: [errno, bytes], or null when it must go to the VFS (nothing done). */
export type InPlace = [number, number] | null;

export class DirectPipes {
  private readonly byFid = new Map<number, PipeEnd | null>();
  private readonly misses = new Map<number, number>();
  private readonly budget = new SpinBudget();
  /** Operations done in place, and waits that slept (statistics for tests and the bench). */
  readonly stats = { inPlace: 0, sleeps: 0 };

  constructor(
    private readonly caller: Caller,
    private readonly vfsHandle: number,
    private readonly ask: (fid: number) => Omit<DirectGrant, 'fid'> | null,
  ) {}

  /** A read or write on pipe `fid` is about to be made: ask for its ring once it has been used through the VFS often enough. */
  note(fid: number): void {
    if (this.byFid.has(fid)) return;
    const n = (this.misses.get(fid) ?? 0) + 1;
    if (n <= ASK_AFTER) {
      this.misses.set(fid, n);
      return;
    }
    this.misses.delete(fid);
    const g = this.ask(fid);
    const vfsFrom = this.caller.incarnation(this.vfsHandle);
    if (g === null || (g.direct & DIRECT_PIPE) === 0 || vfsFrom < 0 || g.node >= (this.caller.arena.config.pipeRings ?? 0)) {
      this.byFid.set(fid, null);
      return;
    }
    this.byFid.set(fid, { ring: this.caller.arena.pipeRing(g.node), gen: g.from, write: (g.direct & DIRECT_WRITE) !== 0, vfsFrom });
  }

  /** The fid was closed: forget it. */
  forget(fid: number): void {
    this.byFid.delete(fid);
    this.misses.delete(fid);
  }

  /** `fid`'s end, while its ring may still be this pipe's (else dropped). */
  private end(fid: number, write: boolean): PipeEnd | null {
    const e = this.byFid.get(fid);
    if (!e || e.write !== write) return null;
    if (e.ring.word(RingWord.GEN) !== e.gen || this.caller.incarnation(this.vfsHandle) !== e.vfsFrom) {
      // Asked again after the next calls through the VFS: a restarted VFS that took the pipe
      // over grants it anew.
      this.forget(fid);
      return null;
    }
    return e;
  }

  /** Raise `busy` and check the ring may be worked on in place now; false (word lowered) if not. */
  private begin(e: PipeEnd, busy: number): boolean {
    const r = e.ring;
    r.setWord(busy, 1);
    if (r.word(RingWord.MODE) === RING_DIRECT && r.word(RingWord.GEN) === e.gen && r.word(RingWord.VFS_WAITING) === 0) return true;
    r.setWord(busy, 0);
    return false;
  }

  /** Read into `into` (scattered): waits for data unless `nonblock`; 0 bytes is end of input. */
  read(fid: number, into: readonly Uint8Array[], nonblock: boolean): InPlace {
    const e = this.end(fid, false);
    if (!e) return null;
    const r = e.ring;
    for (;;) {
      const seen = r.word(RingWord.EVENT);
      if (!this.begin(e, RingWord.RBUSY)) return null;
      let n = 0;
      for (const dst of into) {
        const got = r.takeInto(dst, 0, dst.length);
        n += got;
        if (got < dst.length) break;
      }
      const ended = n === 0 && r.writers === 0 && r.buffered === 0;
      r.setWord(RingWord.RBUSY, 0);
      if (n > 0 || ended) {
        this.stats.inPlace++;
        return [Errno.SUCCESS, n];
      }
      if (nonblock) return [Errno.AGAIN, 0];
      if (!this.waitFor(e, seen)) return null;
    }
  }

  /**
   * Write `parts`: waits for room unless `nonblock`. [errno, bytes]; or [errno, bytes] with
   * fewer bytes than asked and `rest` set when the pipe left direct mode part-way (the caller
   * writes the rest through the VFS); null when nothing was written in place.
   */
  write(fid: number, parts: readonly Uint8Array[], nonblock: boolean): { result: InPlace; rest: boolean } {
    const e = this.end(fid, true);
    if (!e) return { result: null, rest: false };
    const r = e.ring;
    const total = parts.reduce((a, p) => a + p.length, 0);
    let done = 0;
    for (;;) {
      const seen = r.word(RingWord.EVENT);
      if (!this.begin(e, RingWord.WBUSY)) return done > 0 ? { result: [Errno.SUCCESS, done], rest: true } : { result: null, rest: false };
      if (r.readers === 0) {
        r.setWord(RingWord.WBUSY, 0);
        return { result: done > 0 ? [Errno.SUCCESS, done] : [Errno.PIPE, 0], rest: false };
      }
      let skip = done;
      for (const p of parts) {
        if (skip >= p.length) { skip -= p.length; continue; }
        const piece = skip > 0 ? p.subarray(skip) : p;
        skip = 0;
        const put = r.put(piece);
        done += put;
        if (put < piece.length) break;
      }
      r.setWord(RingWord.WBUSY, 0);
      if (done === total) {
        this.stats.inPlace++;
        return { result: [Errno.SUCCESS, done], rest: false };
      }
      if (nonblock) return { result: done > 0 ? [Errno.SUCCESS, done] : [Errno.AGAIN, 0], rest: false };
      if (!this.waitFor(e, seen)) return done > 0 ? { result: [Errno.SUCCESS, done], rest: true } : { result: null, rest: false };
    }
  }

  /** A pipe end's state for poll, from its ring (null: ask the VFS). */
  ready(fid: number): { bytes: number; space: number; hangup: number } | null {
    const e = this.byFid.get(fid);
    if (!e || e.ring.word(RingWord.GEN) !== e.gen || this.caller.incarnation(this.vfsHandle) !== e.vfsFrom) return null;
    const r = e.ring;
    return { bytes: r.buffered, space: r.space, hangup: (e.write ? r.readers === 0 : r.writers === 0) ? 1 : 0 };
  }

  /**
   * Wait until the ring's EVENT word leaves `seen`: spin a while (learnt, as a caller's is), then
   * sleep in slices. False when the grant no longer holds (the VFS restarted, the ring was taken back).
   */
  private waitFor(e: PipeEnd, seen: number): boolean {
    const i32 = e.ring.i32;
    const word = e.ring.base + RingWord.EVENT;
    const spinNs = this.budget.of(DEFAULT_WAIT_POLICY.callerSpinNs);
    let now = performance.now() * 1e6;
    const deadline = now + spinNs;
    for (;;) {
      for (let i = 0; i < CHECK_EVERY; i++) {
        if (Atomics.load(i32, word) !== seen) {
          this.budget.succeeded();
          return true;
        }
      }
      const then = now;
      now = performance.now() * 1e6;
      if (now > deadline || now - then > PREEMPTED_NS) break;
    }
    this.budget.failed();
    for (;;) {
      this.stats.sleeps++;
      if (Atomics.wait(i32, word, seen, SLEEP_SLICE_MS) !== 'timed-out') return true;
      this.caller.slot.parkWhileStopped();
      if (e.ring.word(RingWord.GEN) !== e.gen || this.caller.incarnation(this.vfsHandle) !== e.vfsFrom) return false;
    }
  }
}

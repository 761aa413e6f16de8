/**
 * The local kernel's pipe ends worked in place: reads and writes straight on the pipe's ring in
 * the arena, without a call to the VFS, while the VFS keeps the pipe in direct mode
 * (docs/decisions/019-pipe-rings.md; the ring's rules are in ipc/pipe-ring.ts).
 *
 * A pipe fid is asked about (`grant`) once it has been read or written through the VFS ASK_AFTER
 * times; the answer — the ring and its generation, or none — is kept for the fid. An operation in
 * place (takeInPlace, putInPlace) raises the end's BUSY word, then checks that the ring is still
 * this pipe's (GEN), in direct mode (MODE) and that the VFS holds no waiting caller
 * (VFS_WAITING); otherwise it lowers the word and the call goes to the VFS, which answers as it
 * always has. A wait sleeps on the ring's EVENT word in slices, and between them parks while the
 * process is stopped. A grant is used only while the VFS that made it serves: after a restart the
 * end is asked for again from the new VFS, which took the pipe over.
 */

import type { Caller } from '../ipc/caller.js';
import { Errno } from '../abi/errno.js';
import { DIRECT_PIPE, DIRECT_WRITE } from '../abi/protocols/vfs.js';
import { type PipeRing, RingWord, putInPlace, takeInPlace } from '../ipc/pipe-ring.js';
import type { Arena } from '../ipc/arena.js';
import { RECOVERY_MS } from './session-recovery.js';
import { CHECK_EVERY, DEFAULT_WAIT_POLICY, PREEMPTED_NS, SpinBudget } from '../ipc/wait-policy.js';
import type { DirectGrant } from './direct-files.js';

/** Reads and writes through the VFS on a pipe fid before the local kernel asks for its ring. */
const ASK_AFTER = 2;
/** Times a restarted VFS is asked for an end before the call goes through it instead. */
const MAX_ASKS = 16;
/** Longest sleep before looking again at the VFS and at a stop (ms). */
const SLEEP_SLICE_MS = 50;

interface PipeEnd {
  readonly ring: PipeRing;
  readonly gen: number;
  readonly write: boolean;
  /** The VFS's incarnation when the ring was granted. */
  readonly vfsFrom: number;
}

/** The ring a vfs `grant` answer names for a pipe end (local kernels and the host, system/host-pipe-end.ts) (DIRECT_PIPE, and a ring of the arena in `node`), or null. */
export function grantedRing(arena: Arena, grant: { readonly direct: number; readonly node: number }): PipeRing | null {
  if ((grant.direct & DIRECT_PIPE) === 0 || grant.node >= (arena.config.pipeRings ?? 0)) return null;
  return arena.pipeRing(grant.node);
}

/** The VFS did not come back within RECOVERY_MS: the call fails (EIO) without waiting again through the VFS. */
const GONE = 'gone';

/** What a read or write in place did: [errno, bytes], or null when it must go to the VFS (nothing done). */
export type InPlace = [number, number] | null;

export class DirectPipes {
  private readonly byFid = new Map<number, PipeEnd | null>();
  private readonly misses = new Map<number, number>();
  private readonly budget = new SpinBudget();

  constructor(
    private readonly caller: Caller,
    private readonly vfsHandle: number,
    /** The VFS's grant for a fid: null when it has none, undefined when the call did not get through. */
    private readonly ask: (fid: number) => Omit<DirectGrant, 'fid'> | null | undefined,
  ) {}

  /** A read or write on pipe `fid` is about to be made: ask for its ring once it has been used through the VFS often enough. */
  private note(fid: number): void {
    if (this.byFid.has(fid)) return;
    const n = (this.misses.get(fid) ?? 0) + 1;
    if (n <= ASK_AFTER) {
      this.misses.set(fid, n);
      return;
    }
    this.askNow(fid);
  }

  /** Ask the VFS for `fid`'s ring and keep the answer, unless the call did not get through. */
  private askNow(fid: number): void {
    this.misses.delete(fid);
    // The incarnation before the call: a grant answered just before a restart is re-asked of the
    // next VFS at the first use (end), not taken for a refusal.
    const vfsFrom = this.caller.incarnation(this.vfsHandle);
    const g = vfsFrom < 0 ? undefined : this.ask(fid);
    if (g === undefined) return; // no VFS serving, or the call did not get through: asked again after the next calls
    const ring = g === null ? null : grantedRing(this.caller.arena, g);
    this.byFid.set(fid, g === null || ring === null ? null : { ring, gen: g.from, write: (g.direct & DIRECT_WRITE) !== 0, vfsFrom });
  }

  /** The fid was closed: forget it. */
  forget(fid: number): void {
    this.byFid.delete(fid);
    this.misses.delete(fid);
  }

  /**
   * `fid`'s end, while its ring may still be this pipe's (else dropped). After a restart of the
   * VFS the end is asked for again at once (waiting for the new VFS to serve): the new one took
   * the pipe over (services/vfs/pipe-table.ts), and no byte of the stream need pass through it.
   */
  private end(fid: number, write: boolean): PipeEnd | null | typeof GONE {
    const e = this.byFid.get(fid);
    if (!e || e.write !== write) return null;
    if (e.ring.word(RingWord.GEN) !== e.gen) {
      this.forget(fid);
      return null;
    }
    if (this.caller.incarnation(this.vfsHandle) === e.vfsFrom) return e;
    this.forget(fid);
    // Ask until a VFS answers (it may be killed again meanwhile), so that no byte goes through one.
    const deadline = performance.now() + RECOVERY_MS;
    for (let tries = 0; !this.byFid.has(fid); tries++) {
      if (tries === MAX_ASKS) return null;
      if (!this.caller.awaitServed(this.vfsHandle, deadline, () => performance.now())) return GONE;
      this.askNow(fid);
    }
    const again = this.byFid.get(fid);
    return again && again.write === write && again.gen === e.gen ? again : null;
  }

  /** Read into `into` (scattered): waits for data unless `nonblock`; 0 bytes is end of input; null: read through the VFS. */
  read(fid: number, into: readonly Uint8Array[], nonblock: boolean): InPlace {
    this.note(fid);
    for (;;) {
      const e = this.end(fid, false);
      if (e === GONE) return [Errno.IO, 0];
      if (!e) return null;
      const seen = e.ring.word(RingWord.EVENT);
      const n = takeInPlace(e.ring, e.gen, into);
      if (n === null) return null;
      if (n >= 0) return [Errno.SUCCESS, n];
      if (nonblock) return [Errno.AGAIN, 0];
      this.waitFor(e, seen);
    }
  }

  /**
   * Write `parts`: waits for room unless `nonblock`. The result, and `rest` when the pipe left
   * direct mode part-way (the caller writes the rest through the VFS); null when nothing was
   * written in place.
   */
  write(fid: number, parts: readonly Uint8Array[], nonblock: boolean): { result: InPlace; rest: boolean } {
    this.note(fid);
    const total = parts.reduce((a, p) => a + p.length, 0);
    let done = 0;
    for (;;) {
      const found = this.end(fid, true);
      if (found === GONE) return { result: done > 0 ? [Errno.SUCCESS, done] : [Errno.IO, 0], rest: false };
      const e = found;
      const seen = e?.ring.word(RingWord.EVENT) ?? 0;
      const n = e ? putInPlace(e.ring, e.gen, parts, done) : null;
      if (n === null) return done > 0 ? { result: [Errno.SUCCESS, done], rest: true } : { result: null, rest: false };
      if (n === -2) return { result: done > 0 ? [Errno.SUCCESS, done] : [Errno.PIPE, 0], rest: false };
      if (n >= 0) done += n;
      if (done === total) return { result: [Errno.SUCCESS, done], rest: false };
      if (nonblock) return { result: done > 0 ? [Errno.SUCCESS, done] : [Errno.AGAIN, 0], rest: false };
      if (n < 0) this.waitFor(e!, seen);
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
   * sleep in slices, between which the process parks while stopped and the grant is looked at
   * again (the caller's next `end` asks for it anew after a restart of the VFS).
   */
  private waitFor(e: PipeEnd, seen: number): void {
    const i32 = e.ring.i32;
    const word = e.ring.base + RingWord.EVENT;
    const spinNs = this.budget.of(DEFAULT_WAIT_POLICY.callerSpinNs);
    let now = performance.now() * 1e6;
    const deadline = now + spinNs;
    for (;;) {
      for (let i = 0; i < CHECK_EVERY; i++) {
        if (Atomics.load(i32, word) !== seen) {
          this.budget.succeeded();
          return;
        }
      }
      const then = now;
      now = performance.now() * 1e6;
      if (now > deadline || now - then > PREEMPTED_NS) break;
    }
    this.budget.failed();
    for (;;) {
      if (Atomics.wait(i32, word, seen, SLEEP_SLICE_MS) !== 'timed-out') return;
      this.caller.slot.parkWhileStopped();
      if (e.ring.word(RingWord.GEN) !== e.gen || this.caller.incarnation(this.vfsHandle) !== e.vfsFrom) return;
    }
  }
}

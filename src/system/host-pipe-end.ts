/**
 * The host's end of a stdio pipe, read or written in place on the pipe's ring (ipc/pipe-ring.ts;
 * docs/decisions/019-pipe-rings.md) while the VFS keeps the pipe in direct mode — the host is
 * trusted code with the arena, like a local kernel — so a program's output reaches the host
 * without a VFS call per chunk, and a restart of the VFS loses nothing of it: the bytes never
 * pass through the VFS. The kernel thread never blocks: waits are Atomics.waitAsync on the ring's
 * EVENT word, in slices.
 *
 * The grant is asked for at the end's first use, and again after a restart of the VFS (the new one
 * took the pipe over and knows the fid: services/vfs/pipe-table.ts). `take` and `put` answer null
 * whenever the ring may not be used in place now: the caller then makes the call through the VFS.
 */

import { type PipeRing, RingWord, putInPlace, takeInPlace } from '../ipc/pipe-ring.js';
import { grantedRing } from '../runtime/direct-pipes.js';
import type { SystemVfs } from './system-vfs.js';

/** Longest single wait before looking again at the VFS and at shutdown (ms). */
const WAIT_SLICE_MS = 50;

export class HostPipeEnd {
  private ring: PipeRing | null = null;
  /** Whether a VFS has answered the last `grant` (else it is asked at the next use). */
  private asked = false;
  private gen = 0;
  private vfsFrom = -1;

  constructor(private readonly vfs: SystemVfs, private readonly fid: number) {}

  /** Ask the VFS for the ring (none: every call goes through the VFS). */
  async grant(): Promise<void> {
    this.ring = null;
    const r = await this.vfs.call('grant', { fid: this.fid });
    // The call did not get through (the VFS was killed again): asked again at the next use.
    this.asked = r.transport === 0;
    if (!r.reply) return;
    // A VFS restarted since the grant took the pipe over with the same generation (pipe-table.ts):
    // the grant is as good under it.
    this.ring = grantedRing(this.vfs.arena, r.reply);
    this.gen = r.reply.from;
    this.vfsFrom = this.vfs.incarnation();
  }

  /** Up to `buf.length` bytes read in place: how many (0 at end of input), or null to read through the VFS. */
  async take(buf: Uint8Array): Promise<number | null> {
    for (;;) {
      const ring = await this.usable();
      if (!ring) return null;
      const seen = ring.word(RingWord.EVENT);
      const n = takeInPlace(ring, this.gen, [buf]);
      if (n === null || n >= 0) return n;
      await this.waitChange(ring, seen);
    }
  }

  /** `data` (from `skip`) written in place, waiting for room: bytes written, -2 when no reader is left (EPIPE), or null to write the rest through the VFS. */
  async put(data: Uint8Array, skip: number): Promise<number | null> {
    let done = skip;
    for (;;) {
      const ring = await this.usable();
      if (!ring) return done > skip ? done - skip : null;
      const seen = ring.word(RingWord.EVENT);
      const n = putInPlace(ring, this.gen, [data], done);
      if (n === null) return done > skip ? done - skip : null;
      if (n === -2) return done > skip ? done - skip : -2;
      if (n > 0) done += n;
      if (done >= data.length) return done - skip;
      if (n < 0) await this.waitChange(ring, seen);
    }
  }

  /** The ring while the grant holds (asked for at the first use); after a restart of the VFS the grant is asked for again. */
  private async usable(): Promise<PipeRing | null> {
    if (!this.asked) await this.grant();
    if (!this.ring || this.vfs.aborted) return null;
    if (this.ring.word(RingWord.GEN) !== this.gen) {
      this.ring = null;
      return null;
    }
    if (this.vfs.incarnation() !== this.vfsFrom) await this.grant();
    return this.ring;
  }

  private async waitChange(ring: PipeRing, seen: number): Promise<void> {
    const w = Atomics.waitAsync(ring.i32, ring.base + RingWord.EVENT, seen, WAIT_SLICE_MS);
    if (w.async) await w.value;
  }
}

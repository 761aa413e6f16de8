/**
 * The VFS's pipes: making them, numbering their fids, and taking over the pipes of the VFS
 * instance before this one (docs/restart.md, "Pipes").
 *
 * A pipe on one of the arena's rings outlives the VFS that made it: its bytes, its end counts and
 * its holder table (which sessions hold fids of which end: pipe-holders.ts) are in the ring's
 * header. Its fids are numbered from the ring (ipc/pipe-fid.ts), so a fid means the same end of
 * the same pipe in every instance. A new instance takes over every ring in use
 * (PipeRings.adopted): the holdings in its table become *orphans*, still counted as open ends,
 * and a session that names one of its fids is given it back (`claim`) without any call of its
 * own to re-make it; a share token of an end not yet taken is honoured again (`takeOverTokens`).
 * An orphan is dropped when its session ends — told by the kernel, or found gone when the VFS
 * asks which sessions are left (`liveSessions`) — which is what a dead holder's close would have
 * done.
 */

import { DIRECT_PIPE, DIRECT_READ, DIRECT_WRITE } from '../../abi/protocols/vfs.js';
import { Pipe, type ReadDone, type RingPlace, type WriteDone } from './pipe.js';
import type { PipeRing } from '../../ipc/pipe-ring.js';
import type { PipeRings } from './pipe-rings.js';
import { type SharedEnd, addToken, hold, holders, removeToken, tokens } from './pipe-holders.js';
import { PIPE_FID_INDEX_BITS, decodePipeFid, encodePipeFid, pipeFidGen } from '../../ipc/pipe-fid.js';

interface Orphan { reads: number; writes: number }

export class PipeTable {
  /** Every pipe with an end open (the idle round looks at them). */
  private readonly live = new Set<Pipe>();
  /** Pipes taken over from the instance before, by ring. */
  private readonly adoptedByRing = new Map<number, Pipe>();
  /** Holdings taken over and not yet claimed, by session badge. */
  private readonly orphans = new Map<number, Map<Pipe, Orphan>>();
  /** Share tokens taken over, for the VFS to honour (`takeOverTokens`). */
  private adoptedTokens: (SharedEnd & { readonly pipe: Pipe })[] = [];
  /** Whether this instance took any pipe over (then it asks the kernel once which sessions are left). */
  readonly tookOver: boolean;

  constructor(
    private readonly rings: PipeRings,
    private readonly capacity: number,
    private readonly done: { read: ReadDone; write: WriteDone },
  ) {
    for (const { ring, place } of rings.adopted) this.adopt(ring, place);
    this.tookOver = rings.adopted.length > 0;
  }

  /** The share tokens of pipe ends the instance before made and no one took yet (once). */
  takeOverTokens(): (SharedEnd & { readonly pipe: Pipe })[] {
    const t = this.adoptedTokens;
    this.adoptedTokens = [];
    return t;
  }

  /** Token `token` for an end (`write`) of `p` was made by session `sharer`, or (`sharer` null) taken or released. */
  shared(p: Pipe, token: number, sharer: number | null, write: boolean): void {
    if (!p.place) return;
    if (sharer === null) removeToken(p.ring, token);
    else addToken(p.ring, token, sharer, write);
  }

  /**
   * A pipe end's ring, for its local kernel to work on in place while the pipe is in direct mode
   * (docs/decisions/019-pipe-rings.md; vfs `grant`): the ring in `node`, its generation in `from`.
   * Null for a pipe whose ring is the VFS's own.
   */
  static grant(p: Pipe, write: boolean): { direct: number; holder: number; via: number; node: number; from: number; dev: number } | null {
    if (!p.place) return null;
    return { direct: DIRECT_PIPE | (write ? DIRECT_WRITE : DIRECT_READ), holder: 0, via: 0, node: p.place.index, from: p.place.gen, dev: 0 };
  }

  /** A new pipe with no end yet. */
  make(): Pipe {
    const { ring, place } = this.rings.take(this.capacity);
    const p = new Pipe(ring, place, this.done.read, this.done.write);
    this.live.add(p);
    return p;
  }

  /** The pipe `p` lost its last end: its ring goes back. */
  ended(p: Pipe): void {
    this.live.delete(p);
    if (p.place) {
      this.adoptedByRing.delete(p.place.index);
      this.rings.give(p.place);
    }
  }

  /**
   * The fid number for a new fid of `p`'s write (`write`) or read end in a session whose fids
   * `taken` tells: stable across VFS restarts; null for a pipe without an arena ring, or past
   * the per-session index (the caller numbers it as any fid).
   */
  fidFor(p: Pipe, write: boolean, taken: (fid: number) => boolean): number | null {
    if (!p.place) return null;
    for (let index = 0; index < 1 << PIPE_FID_INDEX_BITS; index++) {
      const fid = encodePipeFid({ ring: p.place.index, gen: p.place.gen, write, index });
      if (!taken(fid)) return fid;
    }
    return null;
  }

  /** Session `badge` gained (`delta` 1) or closed (−1) a fid of an end of `p`: the holder table follows. */
  held(p: Pipe, badge: number, write: boolean, delta: number): void {
    if (p.place) hold(p.ring, badge, write, delta);
  }

  /**
   * Session `badge` names `fid`, unknown to this instance: if it is a fid of a pipe taken over
   * that the session held an end of, the end it names (the holding is the fid's from now on).
   */
  claim(badge: number, fid: number): { pipe: Pipe; write: boolean } | null {
    const f = decodePipeFid(fid);
    if (!f) return null;
    const pipe = this.adoptedByRing.get(f.ring);
    if (!pipe || pipeFidGen(pipe.place!.gen) !== f.gen) return null;
    const o = this.orphans.get(badge)?.get(pipe);
    if (!o || (f.write ? o.writes : o.reads) === 0) return null;
    if (f.write) o.writes--;
    else o.reads--;
    if (o.reads + o.writes === 0) this.forgetOrphan(badge, pipe);
    return { pipe, write: f.write };
  }

  /** Sessions holding ends taken over and not claimed: the VFS asks the kernel which are still alive. */
  orphanSessions(): number[] {
    return [...this.orphans.keys()];
  }

  /** Session `badge` ended: what it held of the pipes taken over is closed, as its fids would have been. */
  sessionEnded(badge: number): void {
    const held = this.orphans.get(badge);
    if (!held) return;
    this.orphans.delete(badge);
    for (const [pipe, o] of held) {
      for (let i = 0; i < o.reads; i++) this.held(pipe, badge, false, -1);
      for (let i = 0; i < o.writes; i++) this.held(pipe, badge, true, -1);
      if (o.reads > 0) pipe.addEnd(false, -o.reads);
      if (o.writes > 0) pipe.addEnd(true, -o.writes);
      if (pipe.ended) this.ended(pipe);
    }
  }

  /** Of the sessions holding orphans, those not in `alive` have ended. */
  liveSessions(alive: ReadonlySet<number>): void {
    for (const badge of this.orphanSessions()) if (!alive.has(badge)) this.sessionEnded(badge);
  }

  /** The idle round: answer callers waiting on pipes whose ends worked in place since (pipe.ts). */
  recheck(): void {
    for (const p of this.live) p.recheck();
  }

  private forgetOrphan(badge: number, pipe: Pipe): void {
    const held = this.orphans.get(badge);
    held?.delete(pipe);
    if (held?.size === 0) this.orphans.delete(badge);
  }

  /** Take over the pipe the instance before left on `ring`: its holders' fids become orphans. */
  private adopt(ring: PipeRing, place: RingPlace): void {
    const pipe = new Pipe(ring, place, this.done.read, this.done.write);
    const rows = holders(ring);
    let reads = 0, writes = 0;
    for (const h of rows) {
      reads += h.reads;
      writes += h.writes;
      let held = this.orphans.get(h.badge);
      if (!held) this.orphans.set(h.badge, (held = new Map()));
      held.set(pipe, { reads: h.reads, writes: h.writes });
    }
    // The ends are the sessions' fids and the tokens not taken yet (a token the table had no
    // room for died with the instance before).
    for (const t of tokens(ring)) {
      this.adoptedTokens.push({ ...t, pipe });
      if (t.write) writes++;
      else reads++;
    }
    pipe.takenOver(reads, writes);
    this.live.add(pipe);
    this.adoptedByRing.set(place.index, pipe);
    if (pipe.ended) this.ended(pipe);
  }
}

/**
 * What a pipe read or write through the VFS did when the VFS's end cut it (docs/restart.md,
 * "Pipes"): the VFS may have moved the bytes — taken them into the caller's bulk buffer, or put
 * them in the ring — and been killed before it answered. Making the call again would then take
 * the next bytes (losing these) or put them twice. The ring's counters tell instead: the caller
 * marks the counter its end moves (READ for a read end, WRITTEN for a write end) before the
 * call, and after a cut reads how far it moved.
 *
 * That is the cut call's doing only if no other end of the same side can have moved it: the
 * side has one end (fids and tokens, as the VFS counts them) before the call and after. A cut is
 * reported to the caller only once the VFS's thread is gone (kernel.threadGone), so nothing of
 * the old instance moves the counter after it is read; a new instance moves it only for a call.
 * When another end may have moved it, what the call did is unknown (null): the caller answers
 * EIO for that call rather than lose or repeat bytes.
 */

import type { Arena } from './arena.js';
import { type PipeRing, RingWord } from './pipe-ring.js';
import { decodePipeFid, pipeFidGen } from './pipe-fid.js';

/** The counter of one end of a pipe, as it was before a call. */
export interface PipeMark {
  readonly ring: PipeRing;
  readonly gen: number;
  /** READ or WRITTEN. */
  readonly counter: number;
  readonly at: number;
  /** Whether this end was its side's only one when marked. */
  readonly alone: boolean;
}

/** Mark pipe fid `fid`'s counter before a call through the VFS (null: not a fid of an arena ring, or the ring is another pipe's now). */
export function markPipe(arena: Arena, fid: number): PipeMark | null {
  const f = decodePipeFid(fid);
  if (!f || f.ring >= (arena.config.pipeRings ?? 0)) return null;
  const ring = arena.pipeRing(f.ring);
  const gen = ring.word(RingWord.GEN);
  if (pipeFidGen(gen) !== f.gen) return null;
  const counter = f.write ? RingWord.WRITTEN : RingWord.READ;
  return { ring, gen, counter, at: ring.word(counter), alone: sideEnds(ring, counter) === 1 };
}

/**
 * After the call marked by `m` was cut: the bytes it moved (0: none; the call may be made again),
 * or null when that cannot be told.
 */
export function movedByCut(m: PipeMark | null): number | null {
  if (!m) return 0; // a pipe of the VFS's own memory died with it: nothing to lose or repeat
  if (m.ring.word(RingWord.GEN) !== m.gen) return null;
  const moved = (m.ring.word(m.counter) - m.at) >>> 0;
  if (moved === 0) return 0;
  return m.alone && sideEnds(m.ring, m.counter) === 1 ? moved : null;
}

function sideEnds(ring: PipeRing, counter: number): number {
  return counter === RingWord.WRITTEN ? ring.writers : ring.readers;
}

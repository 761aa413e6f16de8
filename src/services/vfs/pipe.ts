/**
 * Pipes: bounded byte streams between processes, with back-pressure.
 *
 * A pipe's bytes are in a ring (ipc/pipe-ring.ts): one of the arena's pipe rings when the VFS has
 * one free — then the local kernels of its ends may read and write it in place (direct mode:
 * docs/decisions/019-pipe-rings.md) — else a ring in the VFS's own memory. Either way the VFS
 * counts the open read and write ends (each open fid on either end, in any session, and each
 * share token) and publishes the counts in the ring's header. A read takes what is buffered, or
 * waits while writers remain, or sees end of input (0 bytes) once none do. A write puts in what
 * fits and reports how much; when nothing fits it waits for room, and with no reader left it
 * fails with EPIPE. Waiting is a deferred reply: the caller stays blocked in its call while the
 * server goes on serving others, and the caller's registers and bulk buffer (which hold a
 * waiting writer's data) stay valid until the reply is finished.
 *
 * While the VFS holds waiting callers it raises VFS_WAITING, so ends working in place call the
 * VFS instead (whose every call on the pipe then answers what it can); it plays a role only
 * while that role's BUSY word is down (pipe-ring.ts).
 */

import type { DeferredReply } from '../../ipc/call-context.js';
import { Errno } from '../../abi/errno.js';
import { type PipeRing, RING_DIRECT, RING_THROUGH_VFS, RingWord } from '../../ipc/pipe-ring.js';

export const PIPE_CAPACITY = 64 * 1024;

/** Finishes a waiting read: `n` bytes are in the deferred call's bulk buffer from 0 (0 = end of input). */
export type ReadDone = (deferred: DeferredReply, n: number) => void;
/** Finishes a waiting write with a byte count or an errno. */
export type WriteDone = (deferred: DeferredReply, result: number, isError: boolean) => void;

interface WaitingReader { readonly deferred: DeferredReply; readonly max: number }
interface WaitingWriter { readonly deferred: DeferredReply; readonly offset: number; readonly length: number }

/** How long the VFS waits for an end's operation in place to finish before leaving it for later (ms). */
const BUSY_WAIT_MS = 0.2;

/** Where a pipe's ring is: one of the arena's (`index`, given to the pipe at generation `gen`), or none (private). */
export interface RingPlace { readonly index: number; readonly gen: number }

export class Pipe {
  private readonly waitingReaders: WaitingReader[] = [];
  private readonly waitingWriters: WaitingWriter[] = [];

  constructor(
    readonly ring: PipeRing,
    /** The arena ring it uses, or null: its ring is the VFS's own and no end works in place. */
    readonly place: RingPlace | null,
    private readonly readDone: ReadDone,
    private readonly writeDone: WriteDone,
  ) {}

  get readers(): number {
    return this.ring.readers;
  }

  get writers(): number {
    return this.ring.writers;
  }

  get buffered(): number {
    return this.ring.buffered;
  }

  get space(): number {
    return this.ring.space;
  }

  /** Both ends are gone: the ring may be given to another pipe. */
  get ended(): boolean {
    return this.ring.readers === 0 && this.ring.writers === 0;
  }

  /** Count an end opened (`delta` 1) or closed (−1), publish it, and answer whoever that lets go on. */
  addEnd(write: boolean, delta: number): void {
    const word = write ? RingWord.WRITERS : RingWord.READERS;
    const n = this.ring.word(word) + delta;
    // One read end and one write end at most may work in place; more go through the VFS. The
    // mode changes before the count that allows it rises, after the one that allows it falls.
    const readers = write ? this.readers : n, writers = write ? n : this.writers;
    const direct = this.place !== null && readers <= 1 && writers <= 1;
    if (!direct) this.ring.setWord(RingWord.MODE, RING_THROUGH_VFS);
    this.ring.setWord(word, n);
    if (n === 0) this.ring.setWord(write ? RingWord.WBUSY : RingWord.RBUSY, 0); // the last of that end is gone: nothing of its can be under way
    if (direct) this.ring.setWord(RingWord.MODE, RING_DIRECT);
    this.ring.changed();
    this.wake();
  }

  /**
   * The pipe was taken over from the VFS instance before (pipe-table.ts): its open ends are the
   * fids its holder table lists. What waited on the instance before was cut with it.
   */
  takenOver(readers: number, writers: number): void {
    // Ends may be working in place right now: a direct pipe stays direct throughout (no moment
    // in which they would turn to the VFS).
    const direct = readers <= 1 && writers <= 1;
    if (!direct) this.ring.setWord(RingWord.MODE, RING_THROUGH_VFS);
    this.ring.setWord(RingWord.READERS, readers);
    this.ring.setWord(RingWord.WRITERS, writers);
    this.ring.setWord(RingWord.VFS_WAITING, 0);
    if (readers === 0) this.ring.setWord(RingWord.RBUSY, 0);
    if (writers === 0) this.ring.setWord(RingWord.WBUSY, 0);
    if (direct) this.ring.setWord(RingWord.MODE, RING_DIRECT);
    this.ring.changed();
  }

  /**
   * Move up to `max` bytes into `dest` from its start: bytes moved, 0 at end of input, or -1 when
   * nothing can be taken now but a writer may still write.
   */
  readInto(dest: Uint8Array, max: number): number {
    if (!this.idle(RingWord.RBUSY)) return -1;
    if (this.ring.buffered === 0) return this.writers > 0 ? -1 : 0;
    const n = this.ring.takeInto(dest, 0, max);
    this.wake();
    return n;
  }

  /** Put in what fits of `data`; returns bytes taken (0 = none now), or -EPIPE when no one reads. */
  write(data: Uint8Array): number {
    if (this.readers === 0) return -Errno.PIPE;
    if (!this.idle(RingWord.WBUSY)) return 0;
    const n = this.ring.put(data);
    if (n > 0) this.wake();
    return n;
  }

  waitToRead(deferred: DeferredReply, max: number): void {
    this.waitingReaders.push({ deferred, max });
    this.holdEnds();
  }

  waitToWrite(deferred: DeferredReply, offset: number, length: number): void {
    this.waitingWriters.push({ deferred, offset, length });
    this.holdEnds();
  }

  /** Answer whatever waiting callers can be answered now (the VFS's idle round: ends working in place tell it nothing). */
  recheck(): void {
    if (this.waitingReaders.length > 0 || this.waitingWriters.length > 0) this.wake();
  }

  /**
   * The VFS holds a waiting caller: ends working in place must call it from now on. An end's
   * operation in place that was under way may have changed the ring after the caller was found
   * unable to go on, so wait for it to finish and look again.
   */
  private holdEnds(): void {
    this.ring.setWord(RingWord.VFS_WAITING, 1);
    this.idle(RingWord.RBUSY);
    this.idle(RingWord.WBUSY);
    this.wake();
  }

  /** Is the role whose BUSY word is `busy` free for the VFS to play (waiting briefly for an end's operation to finish)? */
  private idle(busy: number): boolean {
    if (this.ring.word(busy) === 0) return true;
    const until = performance.now() + BUSY_WAIT_MS;
    while (performance.now() < until) if (this.ring.word(busy) === 0) return true;
    return false;
  }

  /** Answer every waiting caller that can be answered now. */
  private wake(): void {
    for (let progress = true; progress;) {
      progress = false;
      while (this.waitingReaders.length > 0 && (this.buffered > 0 || this.writers === 0) && this.ring.word(RingWord.RBUSY) === 0) {
        const r = this.waitingReaders.shift()!;
        if (!r.deferred.pending) continue;
        this.readDone(r.deferred, this.ring.takeInto(r.deferred.bulk, 0, r.max));
        progress = true;
      }
      while (this.waitingWriters.length > 0 && (this.space > 0 || this.readers === 0) && this.ring.word(RingWord.WBUSY) === 0) {
        const w = this.waitingWriters.shift()!;
        if (!w.deferred.pending) continue;
        if (this.readers === 0) {
          this.writeDone(w.deferred, Errno.PIPE, true);
          continue;
        }
        const n = this.ring.put(w.deferred.bulk.subarray(w.offset, w.offset + w.length));
        this.writeDone(w.deferred, n, false);
        progress = true;
      }
    }
    if (this.waitingReaders.length === 0 && this.waitingWriters.length === 0) this.ring.setWord(RingWord.VFS_WAITING, 0);
  }
}

/**
 * Pipes: bounded byte streams between processes, with back-pressure.
 *
 * A pipe has a ring buffer (PIPE_CAPACITY, 64 KiB, unless the manifest sets the VFS's
 * `pipeBytes`) and counts of open read and write ends (each open fid on either end, in any
 * session). A read takes what is buffered, or waits while writers remain, or sees end
 * of input (0 bytes) once none do. A write puts in what fits and reports how much; when nothing
 * fits it waits for room, and with no reader left it fails with EPIPE. Waiting is a deferred
 * reply: the caller stays blocked in its call while the server goes on serving others, and the
 * caller's registers and bulk buffer (which hold a waiting writer's data) stay valid until the
 * reply is finished.
 */

import type { DeferredReply } from '../../ipc/call-context.js';
import { Errno } from '../../abi/errno.js';

export const PIPE_CAPACITY = 64 * 1024;

/** Finishes a waiting read: `n` bytes are in the deferred call's bulk buffer from 0 (0 = end of input). */
export type ReadDone = (deferred: DeferredReply, n: number) => void;
/** Finishes a waiting write with a byte count or an errno. */
export type WriteDone = (deferred: DeferredReply, result: number, isError: boolean) => void;

interface WaitingReader { readonly deferred: DeferredReply; readonly max: number }
interface WaitingWriter { readonly deferred: DeferredReply; readonly offset: number; readonly length: number }

export class Pipe {
  readers = 0;
  writers = 0;
  private readonly ring: Uint8Array;
  private head = 0;
  private size = 0;
  private readonly waitingReaders: WaitingReader[] = [];
  private readonly waitingWriters: WaitingWriter[] = [];

  constructor(private readonly readDone: ReadDone, private readonly writeDone: WriteDone, private readonly capacity = PIPE_CAPACITY) {
    this.ring = new Uint8Array(capacity);
  }

  get buffered(): number {
    return this.size;
  }

  get space(): number {
    return this.capacity - this.size;
  }

  /**
   * Move up to `max` bytes into `dest` from its start, straight from the ring (no copy between):
   * bytes moved, 0 at end of input, or -1 when nothing is buffered but a writer may still write.
   */
  readInto(dest: Uint8Array, max: number): number {
    if (this.size === 0) return this.writers > 0 ? -1 : 0;
    const n = this.takeInto(dest, max);
    this.wake();
    return n;
  }

  /** Put in what fits of `data`; returns bytes taken (0 = full), or -EPIPE when no one reads. */
  write(data: Uint8Array): number {
    if (this.readers === 0) return -Errno.PIPE;
    const n = this.put(data);
    if (n > 0) this.wake();
    return n;
  }

  private takeInto(dest: Uint8Array, max: number): number {
    const n = Math.min(max, this.size, dest.length);
    const first = Math.min(n, this.capacity - this.head);
    dest.set(this.ring.subarray(this.head, this.head + first));
    if (first < n) dest.set(this.ring.subarray(0, n - first), first);
    this.head = (this.head + n) % this.capacity;
    this.size -= n;
    return n;
  }

  private put(data: Uint8Array): number {
    const n = Math.min(data.length, this.capacity - this.size);
    const tail = (this.head + this.size) % this.capacity;
    const first = Math.min(n, this.capacity - tail);
    this.ring.set(data.subarray(0, first), tail);
    if (first < n) this.ring.set(data.subarray(first, n), 0);
    this.size += n;
    return n;
  }

  waitToRead(deferred: DeferredReply, max: number): void {
    this.waitingReaders.push({ deferred, max });
  }

  waitToWrite(deferred: DeferredReply, offset: number, length: number): void {
    this.waitingWriters.push({ deferred, offset, length });
  }

  /** An end was closed or opened: waiting callers may now be answerable. */
  changed(): void {
    this.wake();
  }

  /** Answer every waiting caller that can be answered now. */
  private wake(): void {
    for (let progress = true; progress;) {
      progress = false;
      while (this.waitingReaders.length > 0 && (this.size > 0 || this.writers === 0)) {
        const r = this.waitingReaders.shift()!;
        if (!r.deferred.pending) continue;
        this.readDone(r.deferred, this.takeInto(r.deferred.bulk, r.max));
        progress = true;
      }
      while (this.waitingWriters.length > 0 && (this.size < this.capacity || this.readers === 0)) {
        const w = this.waitingWriters.shift()!;
        if (!w.deferred.pending) continue;
        if (this.readers === 0) {
          this.writeDone(w.deferred, Errno.PIPE, true);
          continue;
        }
        const n = this.put(w.deferred.bulk.subarray(w.offset, w.offset + w.length));
        this.writeDone(w.deferred, n, false);
        progress = true;
      }
    }
  }
}

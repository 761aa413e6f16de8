/**
 * HostFiles on Node.js (host/host-files.ts): a local kernel's own descriptors of host files
 * hostfs opened, had by opening /proc/self/fd/N (Linux only: elsewhere there are none and every
 * call goes to hostfs).
 *
 * The ledger: a killed program's worker runs no code, so it cannot close what its local kernel
 * held. Every descriptor reopened in a worker is written into a shared ledger that the worker
 * gave its host once (a HostFilesOffer); when the worker ends, the host closes what is still in
 * it (closeLeftHostFiles). A descriptor leaves the ledger before it is closed, so the host never
 * closes a number the host process has since given to another file; a worker killed between the
 * two leaks that one descriptor, never closes another's. Only Keel's own workers keep a ledger
 * (worker-loop.ts calls keepHostFileLedger); the main thread (the node:wasi drop-in's caller)
 * ends only with its host process and needs none; any other thread (a drop-in in an embedder's
 * worker, whose end Keel does not see) gets no descriptors.
 */

import * as fs from 'node:fs';
import { isMainThread, parentPort } from 'node:worker_threads';
import type { HostFiles } from '../../host/host-files.js';
import type { HostFilesOffer } from './pool-messages.js';
import { hasProcFd, toStat, wrap } from './node-host-fs.js';

/** Host descriptors one worker's local kernels may hold at once; past it a reopen gives none. */
const LEDGER_SLOTS = 1024;
/** Buffers one writev/readv takes (Linux's IOV_MAX). */
const IOV_MAX = 1024;

/** Set in Keel's workers: descriptors are kept in a ledger their host sees. */
let ledgered = false;

/** A Keel worker's loop: its host reads the ledger when the worker ends (node-host.ts). */
export function keepHostFileLedger(): void {
  ledgered = true;
}

/** This worker's ledger: slot → descriptor + 1 (0: free). */
let ledger: Int32Array | null = null;
const slotOf = new Map<number, number>();
const freeSlots: number[] = [];

function enter(fd: number): boolean {
  if (isMainThread) return true;
  if (!ledgered || parentPort === null) return false;
  if (ledger === null) {
    const sab = new SharedArrayBuffer(LEDGER_SLOTS * 4);
    ledger = new Int32Array(sab);
    for (let i = LEDGER_SLOTS - 1; i >= 0; i--) freeSlots.push(i);
    parentPort.postMessage({ hostFiles: sab } satisfies HostFilesOffer);
  }
  const slot = freeSlots.pop();
  if (slot === undefined) return false;
  Atomics.store(ledger, slot, fd + 1);
  slotOf.set(fd, slot);
  return true;
}

function leave(fd: number): void {
  const slot = slotOf.get(fd);
  if (slot === undefined || ledger === null) return;
  slotOf.delete(fd);
  Atomics.store(ledger, slot, 0);
  freeSlots.push(slot);
}

function inParts<T>(parts: readonly T[], each: (chunk: T[]) => number, full: (chunk: T[], n: number) => boolean): number {
  let total = 0;
  for (let i = 0; i < parts.length; i += IOV_MAX) {
    const chunk = parts.slice(i, i + IOV_MAX);
    const n = each(chunk);
    total += n;
    if (!full(chunk, n)) break;
  }
  return total;
}

const bytesIn = (chunk: readonly Uint8Array[]): number => chunk.reduce((a, b) => a + b.length, 0);

export const nodeHostFiles: HostFiles | null = hasProcFd() ? {
  reopen(fd, read, write, append = false) {
    if (!isMainThread && !ledgered) return null;
    let mine: number;
    try {
      mine = fs.openSync(`/proc/self/fd/${fd}`, (read && write ? fs.constants.O_RDWR : write ? fs.constants.O_WRONLY : fs.constants.O_RDONLY) | (append ? fs.constants.O_APPEND : 0));
    } catch {
      return null;
    }
    if (enter(mine)) return mine;
    fs.closeSync(mine);
    return null;
  },
  fstat: (fd) => wrap(() => toStat(fs.fstatSync(fd, { bigint: true }))),
  read: (fd, into, position) => wrap(() => into.length === 1
    ? fs.readSync(fd, into[0]!, 0, into[0]!.length, position)
    : inParts(into, (chunk) => fs.readvSync(fd, chunk, position), (chunk, n) => (position += n, n === bytesIn(chunk)))),
  write: (fd, parts, position) => wrap(() => parts.length === 1
    ? fs.writeSync(fd, parts[0]!, 0, parts[0]!.length, position)
    : inParts(parts, (chunk) => fs.writevSync(fd, chunk, position ?? undefined), (chunk, n) => (position = position === null ? null : position + n, n === bytesIn(chunk)))),
  fsync: (fd) => wrap(() => fs.fsyncSync(fd)),
  fdatasync: (fd) => wrap(() => fs.fdatasyncSync(fd)),
  close: (fd) => {
    leave(fd);
    wrap(() => fs.closeSync(fd));
  },
} : null;

/** Host side: close the descriptors a worker's ledger still holds (the worker has ended). */
export function closeLeftHostFiles(sab: SharedArrayBuffer): number {
  const table = new Int32Array(sab);
  let closed = 0;
  for (let i = 0; i < table.length; i++) {
    const fd = Atomics.exchange(table, i, 0) - 1;
    if (fd < 0) continue;
    try {
      fs.closeSync(fd);
      closed++;
    } catch {
      // Already closed: nothing to free.
    }
  }
  return closed;
}

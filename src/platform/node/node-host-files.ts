/**
 * HostFiles on Node.js (host/host-files.ts): a local kernel's own descriptors of host files
 * hostfs opened, had by opening /proc/self/fd/N (Linux only: elsewhere there are none and every
 * call goes to hostfs).
 *
 * Lifetimes: a descriptor is opened and closed by one thread, the program's. A killed program's
 * worker runs no code, but Node closes what a worker opened with fs.open and did not close when
 * the worker ends (`trackUnmanagedFds`, on by default; NodeHost asks for it explicitly), before its
 * host sees it gone — so nothing else may close them, or it would close a number since given to
 * another file or to libuv (docs/decisions/024-direct-host-files.md). Only Keel's own workers
 * (worker-loop.ts calls keelThread) and the main thread (the node:wasi drop-in's caller, which ends
 * only with the host process) take descriptors; a drop-in in an embedder's worker gets none.
 * Each thread holds at most MAX_HELD at once (past it, every call goes to hostfs, which counts its
 * own against the host's limit): a program that opens one file many times cannot take the
 * process's descriptors from Keel's workers.
 */

import * as fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import type { HostFiles } from '../../host/host-files.js';
import { hasProcFd, toStat, wrap } from './node-host-fs.js';
import { HostFsError } from '../../host/host-fs.js';
import { FileType } from '../../abi/protocols/fs.js';

/** Host descriptors one thread's local kernels may hold at once. */
const MAX_HELD = 64;
/** Buffers one writev/readv takes (Linux's IOV_MAX). */
const IOV_MAX = 1024;
/** A reopen never blocks (a FIFO swapped in) nor takes a terminal as the process's own. */
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_NOCTTY = fs.constants.O_NOCTTY ?? 0;
/** Linux's O_PATH on the architectures Node ships for (x86, arm): a handle for lookups only. */
const O_PATH = 0o10000000;

/** Set in Keel's workers: their descriptors end with them (trackUnmanagedFds). */
let keel = isMainThread;
let held = 0;

/** A Keel worker's loop: this thread may take descriptors (node-host.ts starts it with trackUnmanagedFds). */
export function keelThread(): void {
  keel = true;
}

/**
 * Read or write `parts` IOV_MAX at a time, from `position` on (null: the descriptor's own): the
 * bytes moved, stopping at a short one; an error after some bytes moved ends it with that count.
 */
function inParts(parts: readonly Uint8Array[], position: number | null, move: (chunk: Uint8Array[], at: number | null) => number): number {
  let total = 0;
  for (let i = 0; i < parts.length; i += IOV_MAX) {
    const chunk = parts.slice(i, i + IOV_MAX);
    let n: number;
    try {
      n = move(chunk, position === null ? null : position + total);
    } catch (e) {
      if (total > 0) return total;
      throw e;
    }
    total += n;
    if (n < chunk.reduce((a, b) => a + b.length, 0)) break;
  }
  return total;
}

export const nodeHostFiles: HostFiles | null = hasProcFd() ? {
  reopen(fd, read, write, append = false) {
    if (!keel || held >= MAX_HELD) return null;
    const access = read && write ? fs.constants.O_RDWR : write ? fs.constants.O_WRONLY : fs.constants.O_RDONLY;
    try {
      const mine = fs.openSync(`/proc/self/fd/${fd}`, access | (append ? fs.constants.O_APPEND : 0) | O_NONBLOCK | O_NOCTTY);
      held++;
      return mine;
    } catch {
      return null;
    }
  },
  openAt(dir, name, how) {
    if (!keel || held >= MAX_HELD) return null;
    const c = fs.constants;
    const at = `/proc/self/fd/${dir}/${name}`;
    const access = (how.write ? c.O_RDWR : c.O_RDONLY) | O_NONBLOCK | O_NOCTTY;
    if (how.create) {
      // A file made by this open is a regular file: nothing else was there to open.
      try {
        const made = fs.openSync(at, access | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW);
        held++;
        return { fd: made, stat: null };
      } catch (e) {
        if (how.exclusive || (e as { code?: unknown }).code !== 'EEXIST') return wrap(() => { throw e; });
      }
    }
    // Something is there: look at it with a handle that opens nothing (O_PATH), and open that
    // very object through it only if it is a regular file.
    const handle = wrap(() => fs.openSync(at, O_PATH | c.O_NOFOLLOW));
    try {
      const stat = toStat(fs.fstatSync(handle, { bigint: true }));
      if (stat.type !== FileType.REGULAR_FILE) throw new HostFsError('EFTYPE', `${name} is not a regular file`);
      const mine = wrap(() => fs.openSync(`/proc/self/fd/${handle}`, access | (how.truncate ? c.O_TRUNC : 0)));
      held++;
      return { fd: mine, stat };
    } finally {
      fs.closeSync(handle);
    }
  },
  openDirAt(dir, name) {
    if (!keel || held >= MAX_HELD) return null;
    const c = fs.constants;
    const mine = wrap(() => fs.openSync(`/proc/self/fd/${dir}/${name}`, c.O_RDONLY | c.O_DIRECTORY | c.O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    held++;
    return mine;
  },
  fstat: (fd) => wrap(() => toStat(fs.fstatSync(fd, { bigint: true }))),
  ftruncate: (fd, size) => wrap(() => fs.ftruncateSync(fd, size)),
  read: (fd, into, position) => wrap(() => into.length === 1
    ? fs.readSync(fd, into[0]!, 0, into[0]!.length, position)
    : inParts(into, position, (chunk, at) => fs.readvSync(fd, chunk, at ?? undefined))),
  write: (fd, parts, position) => wrap(() => parts.length === 1
    ? fs.writeSync(fd, parts[0]!, 0, parts[0]!.length, position)
    : inParts(parts, position, (chunk, at) => fs.writevSync(fd, chunk, at ?? undefined))),
  fsync: (fd) => wrap(() => fs.fsyncSync(fd)),
  fdatasync: (fd) => wrap(() => fs.fdatasyncSync(fd)),
  close: (fd) => {
    held--;
    wrap(() => fs.closeSync(fd));
  },
} : null;

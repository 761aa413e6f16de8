/**
 * The `keel` command's early workers (early-start.ts): `keel run` and `keel boot` (bin/keel.js)
 * call startEarlyWorkers() first thing, so the program's worker (and for `boot` with the default
 * manifest, the services' worker) comes up on the other core while this thread loads Keel and
 * boots the system. The host's first worker of each kind is then the early one (takeEarlyWorker);
 * once the system has booted, one nothing took is ended (endEarlyWorkers).
 */

import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { WorkerKind } from '../common/thread-driver.js';
import { endEarly, startEarly, takeEarly } from './early-start.js';
import { heapLimits } from './worker-heap.js';

/**
 * Set by the bundler to the bundle's directory (scripts/bundle.mjs): the worker entry is the
 * bundled one beside this code, named by path (a URL would cost the first worker's start the load
 * of node:url).
 */
declare const KEEL_BUNDLE_DIR: string | undefined;

const KINDS: readonly WorkerKind[] = ['program', 'service'];

/** The entry module of a worker of `kind` (program-entry or service-entry, bundled or not). */
export function workerEntry(kind: WorkerKind): URL | string {
  return typeof KEEL_BUNDLE_DIR === 'undefined' ? new URL(`./${kind}-entry.js`, import.meta.url) : join(KEEL_BUNDLE_DIR, `${kind}-entry.cjs`);
}

/**
 * Start a worker of each kind in `kinds` (one that has one waiting already is left alone). The
 * program worker loads the TypeScript programs named in `programs` while it waits (program-entry.ts):
 * `keel boot`'s first process is always the shell.
 */
export function startEarlyWorkers(kinds: readonly WorkerKind[], programs: readonly string[] = []): void {
  for (const kind of kinds) {
    const preload = kind === 'program' && programs.length > 0 ? { workerData: { preloadPrograms: programs } } : {};
    startEarly(kind, workerEntry(kind), { name: `keel:early-${kind}`, stdin: false, resourceLimits: heapLimits(kind), trackUnmanagedFds: true, ...preload });
  }
}

/** The early worker of `kind`, once, if there is one and it is alive. */
export function takeEarlyWorker(kind: WorkerKind): Worker | null {
  return takeEarly(kind);
}

/** End the early workers nothing took. */
export function endEarlyWorkers(): void {
  endEarly(KINDS);
}

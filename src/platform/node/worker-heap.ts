/**
 * The JS heap limits of Keel's workers (`resourceLimits`), by kind: a worker that reaches its
 * limit is ended alone (ERR_WORKER_OUT_OF_MEMORY, its process's crash) instead of V8 aborting the
 * whole host process. Program workers get PROGRAM_HEAP_MB (a wasm program's linear memory is
 * outside the JS heap: the memory budget bounds that), or the host's own limit if smaller; service
 * workers the host's own limit.
 */

import type { WorkerKind } from '../common/thread-driver.js';
import { lazyBuiltin } from './lazy-builtin.js';

const v8 = lazyBuiltin<typeof import('node:v8')>('node:v8');

/** The host's own JS heap limit, in MiB: what a service worker may use. */
function hostHeapMb(): number {
  return Math.max(64, Math.floor(v8().getHeapStatistics().heap_size_limit / 2 ** 20));
}

/** A program worker's JS heap (the shim, a TypeScript program's objects), in MiB. */
export const PROGRAM_HEAP_MB = 512;

let limits: Record<WorkerKind, { maxOldGenerationSizeMb: number }> | undefined;

/**
 * The heap limit of a worker of `kind`: a program's is PROGRAM_HEAP_MB or the host's own if
 * that is smaller. Worked out when the first worker starts, not when this module loads (node:v8
 * costs a thread ~1 ms to load, and the drop-in's kernel worker never starts one).
 */
export function heapLimits(kind: WorkerKind): { maxOldGenerationSizeMb: number } {
  limits ??= (() => {
    const host = hostHeapMb();
    return { program: { maxOldGenerationSizeMb: Math.min(PROGRAM_HEAP_MB, host) }, service: { maxOldGenerationSizeMb: host } };
  })();
  return limits[kind];
}

/**
 * The JS heap limits of Keel's workers (`resourceLimits`), by kind: a worker that reaches its
 * limit is ended alone (ERR_WORKER_OUT_OF_MEMORY, its process's crash) instead of V8 aborting the
 * whole host process. Program workers get PROGRAM_HEAP_MB (a wasm program's linear memory is
 * outside the JS heap: the memory budget bounds that); service workers the host's own limit.
 */

import { getHeapStatistics } from 'node:v8';
import type { WorkerKind } from '../common/thread-driver.js';

/** The host's own JS heap limit, in MiB: what a service worker may use. */
const HOST_HEAP_MB = Math.max(64, Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20));
/** A program worker's JS heap (the shim, a TypeScript program's objects), in MiB. */
export const PROGRAM_HEAP_MB = Math.min(512, HOST_HEAP_MB);

export const HEAP_LIMITS: Record<WorkerKind, { maxOldGenerationSizeMb: number }> = {
  program: { maxOldGenerationSizeMb: PROGRAM_HEAP_MB },
  service: { maxOldGenerationSizeMb: HOST_HEAP_MB },
};

/**
 * The node:wasi drop-in's kernel worker, started early (early-start.ts) when `keel/wasi` is
 * loaded — the bundle's loader calls startEarlyWasiKernel before it reads the rest — so that
 * Node's start of the worker and the worker's loading of Keel run on the other core while the
 * caller's thread loads the drop-in, compiles and instantiates its module. The first WASI object
 * takes it (takeEarlyWasiKernel) and sends it the system's shape as its first message
 * (wasi-kernel.ts).
 */

import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startEarly, takeEarly } from './early-start.js';

/** Set by the bundler to the bundle's directory: the kernel worker's entry is the bundled one (scripts/bundle.mjs). */
declare const KEEL_BUNDLE_DIR: string | undefined;

const NAME = 'wasi-kernel';

/** The drop-in's kernel worker entry (bundled or not). */
export function wasiKernelEntry(): URL | string {
  return typeof KEEL_BUNDLE_DIR === 'undefined' ? new URL('./wasi-kernel.js', import.meta.url) : join(KEEL_BUNDLE_DIR, 'wasi-kernel.cjs');
}

export function startEarlyWasiKernel(): void {
  startEarly(NAME, wasiKernelEntry(), { name: 'keel:wasi-kernel' });
}

/** The early kernel worker, once, if there is one and it is alive; it waits for its shape. */
export function takeEarlyWasiKernel(): Worker | null {
  return takeEarly(NAME);
}

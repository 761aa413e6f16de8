/**
 * Helpers shared by the tests that use the library API (test/api, some of test/system): bounded
 * waits, the host resources that keep the event loop alive, and a boot-run-shutdown wrapper that
 * checks no worker is left.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootKeel, type Keel } from '../../src/platform/node/index.js';

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));

/** The built C test program `name`. */
export const prog = (name: string): string => join(build, `${name}.wasm`);

/** `p`, or a rejection naming `what` if it has not settled within `ms` (the timer is cleared). */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `cond()` holds, checking on each turn of the event loop; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Counts of the host resources keeping the event loop alive (CloseReq is Node's own, transient). */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (r !== 'CloseReq') counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** Boot, run `body`, and always shut down; afterwards no worker may be left. */
export async function withKeel(body: (keel: Keel) => Promise<void>, options: Parameters<typeof bootKeel>[0] = {}): Promise<void> {
  const keel = await bootKeel(options);
  try {
    await body(keel);
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.equal(keel.liveThreads(), 0, 'no worker left after shutdown');
}

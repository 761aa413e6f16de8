/**
 * A Keel booted with a fresh host directory at /host (removed afterwards), and what this host
 * process holds on a file in it — for the tests of a program's own host descriptors (direct host
 * files, local opens: docs/decisions/024-direct-host-files.md, 025-local-opens.md).
 */

import { mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keel } from '../../src/platform/node/index.js';
import { withKeel } from './api-helpers.js';

/** How many descriptors this host process holds on the host file `path` (Linux: /proc/self/fd). */
export function descriptorsOf(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // Closed meanwhile (readdir's own descriptor).
    }
  }
  return n;
}

/** Run `body` on Keel booted under `manifest` with a new host directory (its real path) at /host. */
export async function withHostDir(manifest: string, body: (keel: Keel, host: string) => Promise<void>): Promise<void> {
  const host = realpathSync(mkdtempSync(join(tmpdir(), 'keel-host-dir-')));
  try {
    await withKeel((keel) => body(keel, host), { manifest, dirs: { '/host': host } });
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
}

/**
 * One booted system with each kind of file system mounted, for tests that must hold on all of
 * them: the root tmpfs (a directory made in it), a diskfs image at /disk and a host directory at
 * /host (hostfs). The body runs once per file system, in that order, on the same system; the image
 * and the host directory are removed afterwards.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keel } from '../../src/platform/node/index.js';
import { withKeel } from './api-helpers.js';

/** Where each file system is, its kind, and the service bootKeel names for it. */
const FILE_SYSTEMS = [['/tmp/every-fs', 'tmpfs', 'tmpfs'], ['/disk', 'diskfs', 'disk0'], ['/host', 'hostfs', 'hostfs0']] as const;

export async function withEveryFileSystem(manifest: string, body: (keel: Keel, dir: string, kind: string, service: string) => Promise<void>): Promise<void> {
  const host = mkdtempSync(join(tmpdir(), 'keel-every-fs-host-'));
  const images = mkdtempSync(join(tmpdir(), 'keel-every-fs-disk-'));
  try {
    await withKeel(async (keel) => {
      await keel.mkdir('/tmp/every-fs');
      for (const [dir, kind, service] of FILE_SYSTEMS) await body(keel, dir, kind, service);
    }, { manifest, dirs: { '/host': host }, disks: { '/disk': { image: join(images, 'disk.img'), size: 8 << 20 } } });
  } finally {
    rmSync(host, { recursive: true, force: true });
    rmSync(images, { recursive: true, force: true });
  }
}

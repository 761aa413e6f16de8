/**
 * Two bugs the re-layout fixed, each booted for real:
 *   1. a manifest that mounts a diskfs in the VFS (a `disk` service of kind diskfs, mounted at
 *      /data) was refused ("is a diskfs, not a file system"), though docs/diskfs.md says a
 *      manifest can mount one: now it boots, and a file written there is on the image;
 *   2. a service named `fs` placed `isolated` beside a coalesced group named `fs` lost one
 *      worker from the supervisor (neither listed nor restarted): now both are listed, and the
 *      isolated one is restarted when it is killed.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, withKeel } from '../support/api-helpers.js';
import { readManifest, MANIFESTS } from '../support/manifest.js';
import { validateManifest } from '../../src/manifest/manifest.js';
import type { Manifest } from '../../src/manifest/manifest-schema.js';

test('a manifest can mount a diskfs in the VFS, and what is written there reaches the image', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-disk-mount-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const image = join(dir, 'data.img');
  const base = readManifest(`${MANIFESTS}default.yaml`);
  const vfs = base.services['vfs']!;
  assert.ok(vfs.kind === 'vfs');
  const manifest = validateManifest({
    ...base,
    services: {
      ...base.services,
      vfs: { ...vfs, config: { ...vfs.config!, mounts: [...vfs.config!.mounts, { path: '/data', fs: 'disk' }] }, capabilities: { ...vfs.capabilities, call: [...(vfs.capabilities?.call ?? []), 'disk'] } },
      disk: { kind: 'diskfs', class: 'coalesced:fs', config: { image, size: 4 << 20 } },
    },
  }, 'disk manifest') as Manifest;
  await withKeel(async (keel) => {
    await keel.writeFile('/data/kept.txt', 'on the disk\n');
    await keel.sync();
    assert.equal(new TextDecoder().decode(await keel.readFile('/data/kept.txt')), 'on the disk\n');
  }, { manifest });
  assert.ok(statSync(image).size >= 4 << 20, 'the image was made');
  await withKeel(async (keel) => {
    assert.equal(new TextDecoder().decode(await keel.readFile('/data/kept.txt')), 'on the disk\n', 'the file is on the image after a reboot');
  }, { manifest });
});

test('a service named like a coalesced group gets a worker of its own, listed and restarted', async () => {
  const base = readManifest(`${MANIFESTS}default.yaml`);
  const vfs = base.services['vfs']!;
  assert.ok(vfs.kind === 'vfs');
  // `fs`: a tmpfs alone in its worker, mounted at /scratch, beside the group coalesced:fs.
  const manifest = validateManifest({
    ...base,
    services: {
      ...base.services,
      vfs: { ...vfs, config: { ...vfs.config!, mounts: [...vfs.config!.mounts, { path: '/scratch', fs: 'fs' }] }, capabilities: { ...vfs.capabilities, call: [...(vfs.capabilities?.call ?? []), 'fs'] } },
      fs: { kind: 'tmpfs', class: 'isolated' },
    },
  }, 'fs manifest') as Manifest;
  await withKeel(async (keel) => {
    const workers = keel.services().filter((s) => s.name === 'fs');
    assert.equal(workers.length, 2, `two workers named fs: ${JSON.stringify(keel.services())}`);
    const alone = workers.find((w) => w.services.length === 1 && w.services[0] === 'fs')!;
    const group = workers.find((w) => w.services.includes('vfs'))!;
    assert.ok(alone && group && alone.pid !== group.pid);
    await keel.writeFile('/scratch/x', 'x');
    assert.equal(keel.killService('fs'), alone.pid, 'the worker that runs the service fs');
    await waitFor(() => keel.services().some((s) => s.services.join() === 'fs' && s.state === 'running' && s.restarts === 1), 10_000, 'the isolated fs restarted');
    await keel.writeFile('/scratch/y', 'y');
    assert.equal(keel.services().filter((s) => s.name === 'fs').length, 2, 'both still listed');
  }, { manifest });
});

/**
 * Host descriptors of killed services do not pile up: worker threads share the Node process's
 * descriptor table, and a diskfs worker killed by the supervisor must not leave its image open
 * (Node closes what a terminated worker opened; this holds it to that). Counted through
 * /proc/self/fd (Linux): the descriptors that name the disk image.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prog, waitFor, within, withKeel } from '../support/api-helpers.js';
import { readManifest } from '../support/manifest.js';

const isolatedPath = fileURLToPath(new URL('../../../manifests/isolated.yaml', import.meta.url));
/** Descriptors of this process open on `file`. */
function openOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

test('a diskfs worker killed five times leaves no host descriptors behind', { skip: !existsSync('/proc/self/fd') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-fds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const image = join(dir, 'disk.img');
  await withKeel(async (keel) => {
    const w = await within(keel.run(prog('fault_writer'), { args: ['fault_writer', '/disk/log', '1', '0', '5'] }), 30_000, 'writer');
    assert.equal(w.exitCode, 0, w.stderr);
    assert.equal(openOn(image), 1, 'the diskfs worker holds its image open');
    for (let i = 1; i <= 5; i++) {
      keel.killService('disk0');
      await waitFor(() => keel.services().some((s) => s.name === 'disk0' && s.state === 'running' && s.restarts === i), 10_000, `restart ${i}`);
    }
    const data = await keel.readFile('/disk/log');
    assert.equal(data.length, 5 * 64, 'the disk still serves its file');
    // Each restart opened the image again; the killed workers' descriptors are gone.
    await waitFor(() => openOn(image) === 1, 10_000, 'one descriptor on the image');
  }, { manifest: readManifest(isolatedPath), disks: { '/disk': image } });
});

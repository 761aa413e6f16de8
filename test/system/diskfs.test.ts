/**
 * diskfs in a running system: /home on a disk image survives a reboot of `keel boot`, `keel fsck`
 * checks the image, an image that is not a diskfs fails the boot with the reason (and is left as
 * it was), a diskfs worker killed and restarted by the supervisor remounts its image with every
 * fsynced byte, and a Keel process SIGKILLed while it writes leaves an image that passes fsck and
 * holds every acknowledged record (the quick form of `npm run crashes`).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keelBoot, runChild } from '../support/keel-child.js';
import { prog, waitFor, within, withKeel } from '../support/api-helpers.js';
import { readManifest } from '../support/manifest.js';
import { bootKeel } from '../../src/platform/node/index.js';
import { acknowledged, recordsIn } from '../support/records.js';
import { crashLoop } from '../support/crash-loop.js';

const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));
const isolatedPath = fileURLToPath(new URL('../../../manifests/isolated.yaml', import.meta.url));

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'keel-diskfs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('keel boot keeps /home on a disk image: files survive a reboot, and keel fsck finds the image clean', async (t) => {
  const image = join(tempDir(t), 'home.img');
  const env = { KEEL_HOME_IMAGE: image };
  const first = await keelBoot('echo kept > /home/note; mkdir -p /home/src/deep; echo deeper > /home/src/deep/f; ln -s note /home/link; sync; echo "sync=$?"; df /home; mount', { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /sync=0\n/);
  assert.match(first.stdout, /disk0\s+\d+\s+\d+\s+\d+\s+\d+%\s+\/home\n/);
  assert.match(first.stdout, /disk0 on \/home type diskfs \(rw\)/);
  const second = await keelBoot('cat /home/note /home/src/deep/f; readlink /home/link; ls /home', { env });
  assert.equal(second.stdout, 'kept\ndeeper\nnote\nlink\nnote\nsrc\n');
  const fsck = await runChild([keelBin, 'fsck', image]);
  assert.equal(fsck.code, 0, fsck.stdout);
  assert.match(fsck.stdout, /clean, 2 files, 3 directories, 1 symlinks/);
  // --home none: /home in memory, the image untouched.
  const none = await keelBoot('ls /home | wc -l', { env: { KEEL_HOME_IMAGE: 'none' } });
  assert.equal(none.stdout.trim(), '0');
});

test('an image that is not a diskfs fails the boot with the reason and is left as it was', async (t) => {
  const image = join(tempDir(t), 'not-a-disk.img');
  const junk = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 13) & 0xff);
  writeFileSync(image, junk);
  const r = await keelBoot('echo never', { env: { KEEL_HOME_IMAGE: image } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot boot: .*diskfs: .*not-a-disk\.img: cannot mount: no diskfs superblock \(bad magic\)/);
  assert.doesNotMatch(r.stdout, /never/);
  assert.deepEqual(new Uint8Array(readFileSync(image)), junk);
  const fsck = await runChild([keelBin, 'fsck', image]);
  assert.equal(fsck.code, 1);
  assert.match(fsck.stdout, /error: superblock: no diskfs superblock \(bad magic\)/);
});

test('a diskfs killed and restarted by the supervisor remounts its image with every fsynced record', async (t) => {
  const image = join(tempDir(t), 'disk.img');
  const m = readManifest(isolatedPath);
  await withKeel(async (keel) => {
    const w = await within(keel.run(prog('fault_writer'), { args: ['fault_writer', '/disk/log', '3', '0', '50'] }), 30_000, 'writer');
    assert.equal(acknowledged(w.stdout, 0).length, 50, w.stderr);
    const before = keel.services().find((s) => s.name === 'disk0');
    assert.ok(before, JSON.stringify(keel.services()));
    assert.equal(keel.killService('disk0'), before.pid);
    await waitFor(() => keel.services().some((s) => s.name === 'disk0' && s.state === 'running' && s.restarts === 1), 10_000, 'disk0 restarted');
    const data = await keel.readFile('/disk/log');
    assert.equal(data.length, 50 * 64);
    assert.equal(recordsIn(data, 3).size, 50);
    const more = await within(keel.run(prog('fault_writer'), { args: ['fault_writer', '/disk/log', '3', '50', '10'] }), 30_000, 'writer after restart');
    assert.equal(acknowledged(more.stdout, 50).length, 10, more.stderr);
  }, { manifest: m, disks: { '/disk': image } });
});

test('SIGKILL while writing: the image passes fsck and holds every acknowledged record (3 kills)', async (t) => {
  const image = join(tempDir(t), 'crash.img');
  let seed = 7;
  const rng = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const tally = await crashLoop(image, 3, rng);
  assert.deepEqual(tally.fsckErrors, []);
  assert.equal(tally.lost, 0);
  assert.equal(tally.garbage, 0);
  assert.equal(tally.stuck, 0);
  assert.ok(tally.acked > 0 && tally.recordsOnDisk >= tally.acked);
});

test('an image is mounted by one system at a time: a second is refused, a stale lock is taken over', async (t) => {
  const dir = tempDir(t);
  const image = join(dir, 'shared.img');
  const first = await bootKeel({ disks: { '/disk': image } });
  try {
    assert.match(readFileSync(`${image}.lock`, 'utf8'), new RegExp(`^${process.pid} \\w+\\n$`));
    await assert.rejects(bootKeel({ disks: { '/disk': image } }), /shared\.img: in use by another Keel in this process/);
    await first.writeFile('/disk/kept', 'by the first');
  } finally {
    await first.shutdown();
  }
  assert.equal(existsSync(`${image}.lock`), false, 'shutdown releases the lock');
  // A lock left by a process that is gone (SIGKILL) does not keep the image from mounting.
  writeFileSync(`${image}.lock`, '2147483646 deadbeef\n');
  const second = await bootKeel({ disks: { '/disk': image } });
  try {
    assert.equal(new TextDecoder().decode(await second.readFile('/disk/kept')), 'by the first');
  } finally {
    await second.shutdown();
  }
});

/**
 * The utilities that show the system: ps (every process, services included, with process
 * groups and IPC counters), top (one batch screen, then rates), mount and df (the mount table and
 * space, a host directory's real size through hostfs).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keelBoot } from '../support/keel-child.js';

test('ps lists the kernel, the service threads, the shell and itself, with a pipeline in one group', async () => {
  // `yes` is started first and runs until ps has exited, so it is always in the table ps reads.
  const r = await keelBoot('yes | ps');
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /PID\s+PPID\s+PGID\s+KIND\s+CALLS\s+SERVED\s+COMMAND/);
  const row = (re: RegExp): string[] => (lines.find((l) => re.test(l)) ?? assert.fail(`no row ${re} in\n${r.stdout}`)).trim().split(/\s+/);
  assert.deepEqual(row(/ kernel$/).slice(0, 4), ['1', '0', '-', 'kernel']);
  assert.equal(row(/ fs$/)[3], 'service');
  const sh = row(/\/bin\/sh$/);
  const yes = row(/bin\/yes$/), ps = row(/bin\/ps$/);
  assert.equal(ps[1], sh[0], 'ps is a child of the shell');
  assert.equal(yes[2], yes[0], 'yes leads its pipeline\'s process group');
  assert.equal(ps[2], yes[0], 'ps is in the same group');
  assert.ok(Number(row(/ fs$/)[5]) > 0, 'the fs service has served calls');
});

test('top -n 2 prints a totals screen, then rates, and exits', async () => {
  const r = await keelBoot('top -n 2 -d 0.2');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Keel top — \d+ processes \(\d+ service threads\), totals since boot/);
  assert.match(r.stdout, /rates over 0\.\d s/);
  assert.match(r.stdout, /CALLS\/s\s+SERVED\/s\s+LATENCY\s+NAME/);
  assert.match(r.stdout, /\d+ service\s+0\s+\d+\s+\d+\s+\S+\s+fs\n/, 'a service row, with no restarts');
});

test('mount and df show the root tmpfs and a host directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-df-'));
  try {
    const r = await keelBoot('mount; df; df -h /host/; df /nope; echo "st=$?"', { dirs: [dir] });
    assert.match(r.stdout, /^tmpfs on \/ type tmpfs \(rw\)\ndevfs on \/dev type devfs \(rw\)\nhostfs0 on \/host type hostfs \(rw\)\n/);
    assert.match(r.stdout, /Filesystem\s+1K-blocks\s+Used\s+Avail\s+Use%\s+Mounted on\ntmpfs\s+1048576\s+\d+\s+\d+\s+\d+%\s+\/\ndevfs\s+-\s+0\s+-\s+-\s+\/dev\nhostfs0\s+\d+\s+\d+\s+\d+\s+\d+%\s+\/host\n/);
    assert.match(r.stdout, /Filesystem\s+Size\s+Used\s+Avail\s+Use%\s+Mounted on\nhostfs0\s+[\d.]+[KMGT]/);
    assert.match(r.stdout, /st=1\n$/);
    assert.match(r.stderr, /df: \/nope: No such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/dev holds null, zero and full; it cannot be changed', async () => {
  const r = await keelBoot([
    'ls /dev', 'echo gone > /dev/null; echo "null=$?"', 'cat /dev/null | wc -c', 'head -c 100000 /dev/zero | wc -c',
    'echo x > /dev/full; echo "full=$?"', 'rm /dev/null; echo "rm=$?"', 'touch /dev/new; echo "touch=$?"',
    '/host/exit_code.wasm 3 > /dev/null; echo "wasm=$?"',
  ].join('; '), { dirs: [new URL('../../../programs/c/build/', import.meta.url).pathname] });
  assert.equal(r.stdout, 'full\nnull\nzero\nnull=0\n0\n100000\nfull=1\nrm=1\ntouch=1\nwasm=3\n');
  assert.match(r.stderr, /echo: No space left on device/);
  assert.match(r.stderr, /rm: cannot remove '\/dev\/null': Operation not permitted/);
});

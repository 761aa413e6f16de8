/**
 * proc's process limits: a program that starts children without waiting for them gets EAGAIN
 * once it holds the manifest's `maxChildren` (zombies count: an unwaited child keeps its entry),
 * and proc as a whole stops at `maxProcesses`; the offender is refused and everyone else goes on
 * (a program started afterwards runs); a fork bomb in the shell fills proc's share and no more, while
 * the kernel, the VFS and the console keep serving. Runs under whichever manifest the tests use, with the limits
 * set in its proc config.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import type { Manifest } from '../../src/manifest/manifest-schema.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';
import { testManifest } from '../support/manifest.js';

function withProcLimits(limits: { maxChildren?: number; maxProcesses?: number }): Manifest {
  const m = testManifest();
  const services = Object.fromEntries(Object.entries(m.services).map(([name, s]) => [name, s.kind === 'proc' ? { ...s, config: { ...s.config, ...limits } } : s]));
  return { ...m, services } as Manifest;
}

const progs = { '/mnt/progs': dirname(prog('hog')) };
const hogChildren = { args: ['hog', 'children', '/progs/hog.wasm'], dirs: { '/progs': '/mnt/progs' } };

test('a parent that never waits gets EAGAIN at maxChildren, and the system stays usable', async () => {
  await withKeel(async (keel) => {
    const r = await within(keel.run(prog('hog'), hogChildren), 60_000, 'hog children');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    assert.equal(r.stdout, 'started 5: Resource temporarily unavailable\nreaped 5\n');
    // Reaped, the children free their places: the limit is on what is held, not on what was done.
    const again = await within(keel.run(prog('hog'), hogChildren), 60_000, 'hog children again');
    assert.equal(again.stdout, 'started 5: Resource temporarily unavailable\nreaped 5\n');
    const hello = await keel.run(prog('hello'));
    assert.equal(hello.stdout, 'hello, world\n');
  }, { manifest: withProcLimits({ maxChildren: 5 }), dirs: progs });
});

test('maxProcesses bounds everything proc starts, below the per-parent limit', async () => {
  await withKeel(async (keel) => {
    const r = await within(keel.run(prog('hog'), hogChildren), 60_000, 'hog children');
    assert.equal(r.stdout, 'started 3: Resource temporarily unavailable\nreaped 3\n');
  }, { manifest: withProcLimits({ maxChildren: 50, maxProcesses: 3 }), dirs: progs });
});

test('a fork bomb in the shell is held at maxProcesses while the system stays usable', async () => {
  const maxProcesses = 10;
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/bomb', 'sh /tmp/bomb & sh /tmp/bomb\n');
    const shellOptions = { env: { PATH: '/bin' }, dirs: ['/'], cwd: '/' };
    const bomb = await keel.spawn({ path: '/bin/sh' }, { ...shellOptions, args: ['sh', '/tmp/bomb'], stdout: 'ignore', stderr: 'ignore' });
    // Wait (bounded) until the bomb has filled proc's share: every place taken.
    await waitFor(() => keel.liveThreads() >= maxProcesses, 30_000, `the bomb filling proc's share (${maxProcesses} processes)`);
    // The kernel, the VFS and the console still serve: a program runs, a shell answers.
    const hello = await within(keel.run(prog('hello')), 30_000, 'hello during the bomb');
    assert.equal(hello.stdout, 'hello, world\n');
    const sh = await within(keel.run({ path: '/bin/sh' }, { ...shellOptions, args: ['sh', '-c', 'cd /tmp && pwd'] }), 30_000, 'a shell during the bomb');
    assert.equal(sh.stdout, '/tmp\n', `${JSON.stringify(sh.status)} ${sh.stderr}`);
    // What proc starts meanwhile competes with the bomb (like RLIMIT_NPROC): it runs if a place is
    // free at that moment, else it is refused cleanly with EAGAIN — never a hang or another error.
    const other = await within(keel.run({ path: '/bin/sh' }, { ...shellOptions, args: ['sh', '-c', '/bin/echo x'] }), 30_000, 'a program during the bomb');
    assert.ok(other.stdout === 'x\n' || /echo: Resource temporarily unavailable/.test(other.stderr), `${JSON.stringify(other.status)} ${other.stdout} ${other.stderr}`);
    // The bomb never got past the limit: proc's processes, and the bomb's first shell (the host
    // started it, not proc). Counted as processes, not threads: idle pool threads are not processes.
    const programs = keel.processes().filter((p) => !p.serves);
    assert.ok(programs.length <= maxProcesses + 1, `${programs.length} programs: ${programs.map((p) => p.name).join(' ')}`);
    bomb.kill(9);
  }, { manifest: withProcLimits({ maxChildren: 4, maxProcesses }), shell: true });
});

test('limits out of range are refused when the manifest is checked', async () => {
  const { bootKeel } = await import('../../src/platform/node/index.js');
  await assert.rejects(bootKeel({ manifest: withProcLimits({ maxChildren: 0 }) }), (e: Error & { code?: string }) => e.code === 'BAD_MANIFEST' && /maxChildren/.test(e.message));
});

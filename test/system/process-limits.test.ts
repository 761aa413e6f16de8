/**
 * proc's process limits: a program that starts children without waiting for them gets EAGAIN
 * once it holds the manifest's `maxChildren` (zombies count: an unwaited child keeps its entry),
 * and proc as a whole stops at `maxProcesses`; the offender is refused and everyone else goes on
 * (a program started afterwards runs). Runs under whichever manifest the tests use, with the limits
 * set in its proc config.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import type { Manifest } from '../../src/system/manifest-schema.js';
import { prog, withKeel, within } from '../support/api-helpers.js';
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

test('limits out of range are refused when the manifest is checked', async () => {
  const { bootKeel } = await import('../../src/platform/node/index.js');
  await assert.rejects(bootKeel({ manifest: withProcLimits({ maxChildren: 0 }) }), (e: Error & { code?: string }) => e.code === 'BAD_MANIFEST' && /maxChildren/.test(e.message));
});

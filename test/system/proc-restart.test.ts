/**
 * proc across its own restart (docs/restart.md): the new proc takes over the processes its
 * predecessor started (Kernel.adopt), so a shell waiting for its pipeline when proc died gets its
 * answer from the new one; and the badges a restarted proc gives new processes are never those
 * its predecessor gave processes that still run. The VFS keys a session by its
 * badge, so a repeated badge would put two unrelated processes in one session (its fids, its
 * shared-file tokens, and an end that comes only when both have gone). And a spawn asked again
 * with its nonce — as a local kernel asks one that proc's restart cut — answers the child the
 * first call started instead of starting a second. Under the manifest the
 * tests run with (KEEL_MANIFEST); where proc runs in the kernel thread it cannot be killed, and
 * the test is skipped.
 */

import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { systemFromManifest } from '../../src/manifest/manifest-system.js';
import { restartableManifest } from '../support/manifest.js';
import { waitFor, withKeel, within } from '../support/api-helpers.js';

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));
const driver = new URL('../support/stopped-children.js', import.meta.url).href;


/** Have proc start `count` processes that stay alive (stopped); their pids. */
async function startStopped(system: System, count: number): Promise<number[]> {
  const out = new SharedArrayBuffer(4096);
  const { handle } = system.spawnScript(driver, [], { out, count });
  assert.deepEqual(await system.wait(handle), { kind: 'exited', code: 0 });
  const len = new DataView(out).getUint32(0, true);
  return JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, len).slice())) as number[];
}

/** Every badge on the handles process `pid` holds: the sessions proc minted for it. */
function badgesOf(system: System, pid: number): number[] {
  return (system.kernel.process(pid)?.handles.all() ?? []).map((cap) => cap.badge).filter((b) => b !== 0);
}

/**
 * Boot a restartable system with raise.wasm in /bin and run `body` with proc's worker and a way to
 * kill it and wait for the next proc; skipped where proc runs in the kernel thread.
 */
async function withProcWorker(t: TestContext, body: (system: System, restartProc: () => Promise<void>) => Promise<void>): Promise<void> {
  const bin = mkdtempSync(join(tmpdir(), 'keel-bin-'));
  copyFileSync(join(build, 'raise.wasm'), join(bin, 'raise.wasm'));
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), systemFromManifest(restartableManifest(), { hostDirs: [{ hostPath: bin, vfsPath: '/bin', readOnly: true }] }));
  try {
    const worker = system.services().find((s) => s.services.includes('proc'));
    if (!worker) {
      t.skip('proc is in the kernel thread under this manifest: it cannot be killed');
      return;
    }
    await body(system, async () => {
      assert.notEqual(system.killService(worker.name), null);
      await waitFor(() => system.services().some((s) => s.name === worker.name && s.state === 'running' && s.restarts > worker.restarts), 20_000, 'proc restarted');
    });
  } finally {
    await system.shutdown();
    rmSync(bin, { recursive: true, force: true });
  }
}

test('a restarted proc never gives a new process the badges of one its predecessor started', async (t) => {
  await withProcWorker(t, async (system, restartProc) => {
    const old = await startStopped(system, 3);
    const oldBadges = new Set(old.flatMap((pid) => badgesOf(system, pid)));
    assert.ok(oldBadges.size >= 3, 'each process proc started holds sessions of its own');
    await restartProc();
    for (const pid of old) assert.ok(system.kernel.process(pid)?.alive, `process ${pid} still runs`);
    const fresh = await startStopped(system, 3);
    for (const pid of fresh) {
      const badges = badgesOf(system, pid);
      assert.ok(badges.length > 0);
      assert.deepEqual(badges.filter((b) => oldBadges.has(b)), [], `process ${pid} shares no session badge with a process the old proc started`);
    }
  });
});

test('a shell pipeline carries on across a restart of proc: the waits it had under way are answered by the new proc', async (t) => {
  await withKeel(async (keel) => {
    const worker = keel.services().find((s) => s.services.includes('proc'));
    if (!worker || worker.services.length > 1) {
      t.skip('proc does not run alone in a worker under this manifest (its restart would take the VFS and its pipes with it)');
      return;
    }
    for (let round = 0; round < 3; round++) {
      const p = await keel.spawn({ path: '/bin/sh' }, { env: { PATH: '/bin' }, dirs: ['/'], cwd: '/', stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', args: ['sh', '-c', 'seq 1 100000 | grep 7 | wc -l; echo done'] });
      // Kill proc while the shell waits for its pipeline: once the last stage runs and the shell
      // has made a call since (so it has the answer to that spawn, which a kill could otherwise
      // cut: a spawn cut mid-call is not sent again, docs/restart.md).
      const calls = (): number => keel.processes().find((r) => r.pid === p.pid)?.calls ?? -1;
      await waitFor(() => keel.processes().some((r) => /wc/.test(r.name)), 20_000, 'the pipeline started');
      const before = calls();
      await waitFor(() => calls() > before, 20_000, 'the shell went on');
      const restarts = keel.services().find((s) => s.name === worker.name)!.restarts;
      assert.notEqual(keel.killService(worker.name), null);
      await waitFor(() => keel.services().some((s) => s.name === worker.name && s.state === 'running' && s.restarts > restarts), 20_000, 'proc restarted');
      const r = await within(p.result(), 60_000, 'the shell');
      assert.deepEqual({ code: r.exitCode, out: r.stdout, err: r.stderr }, { code: 0, out: '40951\ndone\n', err: '' }, `round ${round}`);
    }
  }, { manifest: restartableManifest(), shell: true });
});

test('a spawn asked again with its nonce after proc restarted answers the child it started, and starts no other', async (t) => {
  await withProcWorker(t, async (system, restartProc) => {
    const out = new SharedArrayBuffer(4096);
    const sync = new SharedArrayBuffer(4);
    const { handle } = system.spawnScript(new URL('../support/spawn-nonce.js', import.meta.url).href, [], { out, sync });
    const flag = new Int32Array(sync);
    await waitFor(() => Atomics.load(flag, 0) === 1, 20_000, 'the first spawn');
    // The first answer is as good as lost: the proc that gave it is killed, and its successor
    // knows the child only from the kernel (adopt), with the nonce it was started under.
    await restartProc();
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
    assert.deepEqual(await within(system.wait(handle), 20_000, 'the driver'), { kind: 'exited', code: 0 });
    const seen = JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, new DataView(out).getUint32(0, true)).slice())) as { first: number; again: number; other: number };
    assert.ok(seen.first > 0, `the first spawn started a child (${seen.first})`);
    assert.equal(seen.again, seen.first, 'the same nonce answers the same child');
    assert.ok(seen.other > 0 && seen.other !== seen.first, 'a spawn without a nonce starts another');
    for (const pid of [seen.first, seen.other]) assert.ok(system.kernel.process(pid)?.alive, `child ${pid} runs (stopped)`);
  });
});

/**
 * Page-cache tokens end to end, under whichever manifest the tests run with: a process's local
 * kernel reads a file without IPC once it holds a token; a write from another fid in the middle of
 * the read loop revokes it and the next reads see the new data through IPC; a truncate likewise;
 * a reopen of the cached file gets a fresh token with the open itself.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { testSystem } from '../support/manifest.js';

interface Phase { bytes: number[]; sizes: number[]; stats: { cachedReads: number; granted: number; revoked: number } }

test('a token read loop sees a write from another fid at once, and tokens are re-granted', async () => {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), testSystem());
  try {
    const out = new SharedArrayBuffer(1 << 14);
    const reads = 50;
    const { handle } = system.spawnScript(new URL('../support/token-driver.js', import.meta.url).href, [], { out, dir: '/tmp', size: 40_000, reads });
    assert.deepEqual(await system.wait(handle), { kind: 'exited', code: 0 });
    const len = new DataView(out).getUint32(0, true);
    const seen = JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, len).slice())) as Record<string, Phase> & { reopenedCached: boolean };
    assert.deepEqual(seen['before']!.bytes, [0x41]);
    assert.deepEqual(seen['before']!.sizes, [40_000]);
    // Two reads through IPC, then a token: the rest came from the page cache.
    assert.equal(seen['before']!.stats.granted, 1);
    assert.equal(seen['before']!.stats.cachedReads, reads - 2);
    // The write revoked the token: the very next read is through IPC and sees only new data.
    assert.deepEqual(seen['after']!.bytes, [0x42]);
    assert.equal(seen['after']!.stats.revoked, 1);
    assert.ok(seen['after']!.stats.granted >= 2, 'a new token after the back-off');
    assert.ok(seen['after']!.stats.cachedReads > seen['before']!.stats.cachedReads);
    assert.deepEqual(seen['truncated']!.sizes, [100]);
    assert.deepEqual(seen['truncated']!.bytes, [0x42]);
    assert.equal(seen['reopenedCached'], true, 'the open itself carried a token');
    assert.deepEqual(seen['reopened']!.sizes, [100]);
    assert.equal(seen['reopened']!.stats.cachedReads - seen['truncated']!.stats.cachedReads, 10, 'every read after the reopen was cached');
  } finally {
    await system.shutdown();
  }
});

test('ps/top read the process table under a token; revoking it mid-loop falls back to IPC, which re-grants unless withheld', async () => {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), testSystem());
  try {
    const out = new SharedArrayBuffer(1 << 12);
    const ctrl = new Int32Array(new SharedArrayBuffer(8));
    const { handle } = system.spawnScript(new URL('../support/table-driver.js', import.meta.url).href, [], { out, ctrl: ctrl.buffer });
    const exited = system.wait(handle);
    const phaseDone = async (n: number): Promise<void> => {
      for (let seen = Atomics.load(ctrl, 0); seen < n; seen = Atomics.load(ctrl, 0)) {
        const w = Atomics.waitAsync(ctrl, 0, seen, 10_000);
        if ((w.async ? await w.value : w.value) === 'timed-out') assert.fail('the driver made no progress');
      }
    };
    const goOn = (): void => {
      Atomics.add(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
    };
    await phaseDone(1);
    system.kernel.revokeTableTokens();
    goOn();
    await phaseDone(2);
    system.kernel.revokeTableTokens(true);
    goOn();
    assert.deepEqual(await exited, { kind: 'exited', code: 0 });
    const len = new DataView(out).getUint32(0, true);
    const phases = JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, len).slice())) as { local: number; ipc: number; sawSelf: boolean }[];
    assert.deepEqual(phases, [
      { ipc: 1, local: 19, sawSelf: true },   // the first call grants the token
      { ipc: 2, local: 38, sawSelf: true },   // revoked: one call through the kernel, which re-grants
      { ipc: 22, local: 38, sawSelf: true },  // revoked and withheld: every read is a call
    ]);
  } finally {
    await system.shutdown();
  }
});

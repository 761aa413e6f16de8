/**
 * Batched rings: single-thread semantics (full, wrap-around, order), and a real two-worker
 * stream of submissions and completions in batches.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../src/ipc/ring.js';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { KERNEL_PID } from '../../src/kernel/kernel.js';

test('a ring refuses pushes when full, keeps order across wrap-around', () => {
  const r = Ring.create(4, 2);
  for (let i = 0; i < 4; i++) assert.equal(r.push([i, i * 10]), true);
  assert.equal(r.push([9, 9]), false, 'full');
  const got: number[] = [];
  assert.equal(r.drain((at) => got.push(r.words[at]!)), 4);
  assert.deepEqual(got, [0, 1, 2, 3]);
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 3; i++) assert.equal(r.push([round * 3 + i, 0]), true);
    const seen: number[] = [];
    r.drain((at) => seen.push(r.words[at]!));
    assert.deepEqual(seen, [round * 3, round * 3 + 1, round * 3 + 2]);
  }
  assert.equal(r.size, 0);
});

test('a ring rejects a capacity that is not a power of two', () => {
  assert.throws(() => Ring.create(6, 1), RangeError);
});

test('two workers stream 50k entries through submission and completion rings in batches', async () => {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, false), { services: [] });
  try {
    const capacity = 256;
    const sub = new SharedArrayBuffer(Ring.bytes(capacity, 2));
    const comp = new SharedArrayBuffer(Ring.bytes(capacity, 2));
    const out = new SharedArrayBuffer(32);
    const url = new URL('../support/ring-peer.js', import.meta.url).href;
    const base = { sub, comp, capacity, count: 50_000, batch: 64, out };
    const k = system.kernel;
    const echo = k.spawn(KERNEL_PID, { name: 'ring-echo', handles: [], boot: { kind: 'script', url, args: [], data: { ...base, role: 'echo' } } });
    const prod = k.spawn(KERNEL_PID, { name: 'ring-producer', handles: [], boot: { kind: 'script', url, args: [], data: { ...base, role: 'producer' } } });
    assert.equal(echo.status, 0);
    assert.equal(prod.status, 0);
    if (echo.status !== 0 || prod.status !== 0) return;
    const [a, b] = await Promise.all([system.wait(echo.value.handle), system.wait(prod.value.handle)]);
    assert.deepEqual(a, { kind: 'exited', code: 0 });
    assert.deepEqual(b, { kind: 'exited', code: 0 });
    const o = new Float64Array(out);
    assert.equal(o[0], 50_000);
    assert.equal(o[2], 1, 'every completion in order with the right value');
  } finally {
    await system.shutdown();
  }
});

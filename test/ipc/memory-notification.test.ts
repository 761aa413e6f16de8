/**
 * Memory and Notification objects between real workers: two processes map the same Memory (the
 * buffer reaches each thread through memory_map), one writes 1 MiB and signals a notification,
 * the other waits on it without a kernel call, checks every byte and answers. Rights are enforced
 * on the fast path too: a handle without WAIT cannot wait, one without SIGNAL cannot signal.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { KERNEL_PID } from '../../src/kernel/kernel.js';
import { Right, type Rights } from '../../src/abi/rights.js';
import { Status } from '../../src/abi/status.js';
import { signalNotification, waitNotification } from '../../src/ipc/notification-ops.js';

function must<T>(r: { status: number; value?: T }): T {
  assert.equal(r.status, Status.OK);
  return r.value as T;
}

test('two processes share a Memory and hand off through a notification', async () => {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, false), { services: [] });
  try {
    const k = system.kernel;
    const size = 1 << 20;
    const mem = must(k.memoryCreate(KERNEL_PID, size));
    const note = must(k.notificationCreate(KERNEL_PID));
    const url = new URL('../support/shared-peer.js', import.meta.url).href;
    const start = (role: string) => {
      const m = must(k.duplicate(KERNEL_PID, mem, (Right.MAP | Right.TRANSFER) as Rights));
      const n = must(k.duplicate(KERNEL_PID, note, (Right.SIGNAL | Right.WAIT | Right.TRANSFER) as Rights));
      const s = must(k.spawn(KERNEL_PID, { name: role, handles: [m, n], boot: { kind: 'script', url, args: [], data: { role, size } } }));
      return system.wait(s.handle);
    };
    const [reader, writer] = await Promise.all([start('reader'), start('writer')]);
    assert.deepEqual(reader, { kind: 'exited', code: 0 });
    assert.deepEqual(writer, { kind: 'exited', code: 0 });
  } finally {
    await system.shutdown();
  }
});

test('the notification fast path checks the handle, its type and its rights', async () => {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, false), { services: [] });
  try {
    const k = system.kernel;
    const arena = k.arena;
    const note = must(k.notificationCreate(KERNEL_PID));
    const signalOnly = must(k.duplicate(KERNEL_PID, note, Right.SIGNAL));
    const waitOnly = must(k.duplicate(KERNEL_PID, note, Right.WAIT));
    const now = (): number => performance.now() * 1e6;
    assert.equal(signalNotification(arena, KERNEL_PID, waitOnly, 4), Status.ACCESS_DENIED);
    assert.equal(waitNotification(arena, KERNEL_PID, signalOnly, 4, 0, now).status, Status.ACCESS_DENIED);
    assert.equal(signalNotification(arena, KERNEL_PID, signalOnly, 4 | 8), Status.OK);
    assert.deepEqual(waitNotification(arena, KERNEL_PID, waitOnly, 4, 0, now), { status: Status.OK, bits: 4 });
    assert.deepEqual(waitNotification(arena, KERNEL_PID, waitOnly, 4, 5, now), { status: Status.TIMED_OUT, bits: 0 });
    assert.deepEqual(waitNotification(arena, KERNEL_PID, waitOnly, 8, 0, now), { status: Status.OK, bits: 8 });
    const mem = must(k.memoryCreate(KERNEL_PID, 16));
    assert.equal(signalNotification(arena, KERNEL_PID, mem, 1), Status.WRONG_TYPE);
    assert.equal(k.close(KERNEL_PID, signalOnly), Status.OK);
    assert.equal(signalNotification(arena, KERNEL_PID, signalOnly, 1), Status.BAD_HANDLE);
    assert.equal(signalNotification(arena, KERNEL_PID, note, 0), Status.INVALID_ARGS);
  } finally {
    await system.shutdown();
  }
});

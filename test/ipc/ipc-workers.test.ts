/**
 * IPC with real workers: synchronous calls through the arena between separate threads, many
 * clients at once, per-client ordering, bulk data, and a server that dies mid-call (callers get
 * PEER_CLOSED, never a hang).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { IpcFixture } from '../support/ipc-fixture.js';
import { Status } from '../../src/abi/status.js';

test('cross-worker calls: a client makes many null calls and exits cleanly', async () => {
  const f = await IpcFixture.start();
  try {
    const out = new SharedArrayBuffer(64);
    const c = f.client({ mode: 'null', count: 20000, tag: 0, out });
    assert.deepEqual(await c.done, { kind: 'exited', code: 0 });
    assert.equal(new Float64Array(out)[0], 20000);
  } finally {
    await f.stop();
  }
});

test('futex path: calls that always sleep still complete', async () => {
  const f = await IpcFixture.start();
  try {
    const out = new SharedArrayBuffer(64);
    const c = f.client({ mode: 'null', count: 500, tag: 0, futex: true, out });
    assert.deepEqual(await c.done, { kind: 'exited', code: 0 });
    const o = new Float64Array(out);
    assert.equal(o[0], 500);
    assert.ok(o[3]! > 0, 'the futex-only policy must have slept');
  } finally {
    await f.stop();
  }
});

test('many concurrent clients: each sees its own calls answered in order', async () => {
  const f = await IpcFixture.start();
  try {
    const outs = Array.from({ length: 6 }, () => new SharedArrayBuffer(64));
    const clients = outs.map((out, i) => f.client({ mode: 'order', count: 2000, tag: i + 1, out }, i + 1));
    const statuses = await Promise.all(clients.map((c) => c.done));
    for (const s of statuses) assert.deepEqual(s, { kind: 'exited', code: 0 });
    for (const out of outs) assert.equal(new Float64Array(out)[0], 2000);
  } finally {
    await f.stop();
  }
});

test('bulk data: 64 KiB moves through the shared bulk buffer both ways', async () => {
  const f = await IpcFixture.start();
  try {
    const out = new SharedArrayBuffer(64);
    const c = f.client({ mode: 'bulk', count: 1, tag: 0, out });
    assert.deepEqual(await c.done, { kind: 'exited', code: 0 });
    assert.equal(new Float64Array(out)[0], 1);
  } finally {
    await f.stop();
  }
});

test('a server that dies mid-call: the caller gets PEER_CLOSED and later calls fail fast', async () => {
  const f = await IpcFixture.start();
  try {
    const out = new SharedArrayBuffer(64);
    const c = f.client({ mode: 'die', count: 1, tag: 0, out });
    assert.deepEqual(await c.done, { kind: 'exited', code: 0 });
    assert.equal(new Float64Array(out)[0], Status.PEER_CLOSED);
    const serverStatus = await f.serverExit();
    assert.equal(serverStatus.kind, 'crashed');
    const out2 = new SharedArrayBuffer(64);
    const c2 = f.client({ mode: 'null', count: 10, tag: 0, out: out2 });
    const s2 = await c2.done;
    assert.deepEqual(s2, { kind: 'exited', code: 2 }, 'a call to a dead server fails instead of hanging');
    // The kernel is still fine: no thread left but the system's own.
    assert.equal(f.system.kernel.process(f.serverPid)?.alive ?? false, false);
  } finally {
    await f.stop();
  }
});

/**
 * Slot and queue lifecycle at the edges a process's death creates (found in review):
 * a retired slot's open call is dead and its deferred replies stop being pending; a queue bit left
 * by a slot's previous owner cannot claim the new owner's call; a reply for a call whose sequence
 * number moved on is dropped; a deferred call is marked so its caller stops spinning; kernel
 * events come in bounded batches; a spawn whose boot data
 * cannot reach a thread fails cleanly.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Arena, SlotState, SlotWord } from '../../src/ipc/arena.js';
import { CallSlot, retireSlot } from '../../src/ipc/call-slot.js';
import { ServerThread } from '../../src/ipc/server-thread.js';
import { DEFER, type DeferredReply } from '../../src/ipc/call-context.js';
import { ReceiveQueue } from '../../src/ipc/receive-queue.js';
import { KERNEL_PID, Kernel, MAX_EVENTS_PER_TAKE } from '../../src/kernel/kernel.js';
import { Status } from '../../src/abi/status.js';
import { System, KeelError } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';

function setup(maxProcesses = 8) {
  const arena = Arena.create({ maxProcesses, maxHandles: 256, maxThreads: maxProcesses, maxQueues: 4, maxObjects: 1024, bulkBytes: 1024 });
  const kernel = new Kernel(arena, { startThread() {}, stopThread() {}, deliverMemory() {} });
  const kp = kernel.process(KERNEL_PID)!;
  const server = new ServerThread(arena, kernel.openQueue(kp)!, new CallSlot(arena, kernel.attachSlot(kp)!, KERNEL_PID));
  const [client, end] = (kernel.channelCreate(KERNEL_PID) as { value: [number, number] }).value;
  assert.equal(kernel.channelServe(KERNEL_PID, end, 1), Status.OK);
  return { arena, kernel, server, client };
}

/** Post a call from slot `slot` (acting as pid 1's thread) without waiting for it. */
function post(arena: Arena, slot: number, queue: number, handle: number, label: number): void {
  const b = arena.slotWord(slot);
  const i32 = arena.i32;
  i32[b + SlotWord.QUEUE] = queue;
  i32[b + SlotWord.SENDER] = KERNEL_PID;
  i32[b + SlotWord.ORIGIN] = KERNEL_PID;
  i32[b + SlotWord.HANDLE] = handle;
  i32[b + SlotWord.LABEL] = label;
  Atomics.add(i32, b + SlotWord.SEQ, 1);
  Atomics.store(i32, b + SlotWord.STATE, SlotState.CALLED);
  new ReceiveQueue(arena, queue).post(slot);
}

test('a retired slot: its open call is DEAD and a deferred reply for it is no longer pending', () => {
  const { arena, server, client } = setup();
  let deferred: DeferredReply | null = null;
  server.register(1, { name: 'waits', dispatch(call, api) { deferred = api.defer(call); return DEFER; } });
  post(arena, 5, server.queue.index, client, 1);
  server.pump();
  assert.ok(deferred);
  const d = deferred as DeferredReply;
  assert.equal(d.pending, true);
  retireSlot(arena, 5);
  assert.equal(d.pending, false);
  assert.equal(Atomics.load(arena.i32, arena.slotWord(5) + SlotWord.STATE), SlotState.DEAD);
  d.finish(); // must not revive the slot
  assert.equal(Atomics.load(arena.i32, arena.slotWord(5) + SlotWord.STATE), SlotState.DEAD);
});

test('a deferred call says so in its slot (its caller stops spinning); one answered at once does not', () => {
  const { arena, server, client } = setup();
  let deferred: DeferredReply | null = null;
  // Label 1 is put aside, any other answered at once.
  server.register(1, {
    name: 'waits-or-answers',
    dispatch(call, api) {
      if (call.label !== 1) {
        call.regs[0] = 0;
        return;
      }
      deferred = api.defer(call);
      return DEFER;
    },
  });
  const b = arena.slotWord(3);
  post(arena, 3, server.queue.index, client, 2);
  server.pump();
  assert.equal(Atomics.load(arena.i32, b + SlotWord.DEFERRED), 0);
  post(arena, 3, server.queue.index, client, 1);
  server.pump();
  assert.equal(Atomics.load(arena.i32, b + SlotWord.DEFERRED), 1, 'set when the server put the call aside');
  assert.equal(Atomics.load(arena.i32, b + SlotWord.STATE), SlotState.SERVING);
  (deferred as DeferredReply | null)?.finish();
  assert.equal(Atomics.load(arena.i32, b + SlotWord.STATE), SlotState.REPLIED);
});

test('a stale queue bit does not claim a call posted to another queue', () => {
  const { arena, server, client } = setup();
  let served = 0;
  server.register(1, { name: 'count', dispatch(call) { served++; call.regs[0] = 0; } });
  post(arena, 6, 3, client, 1); // the slot's new owner posted to queue 3 ...
  new ReceiveQueue(arena, server.queue.index).post(6); // ... and an old bit for it sits in ours
  server.pump();
  assert.equal(served, 0);
  assert.equal(Atomics.load(arena.i32, arena.slotWord(6) + SlotWord.STATE), SlotState.CALLED, 'left for its real server');
});

test('a reply for a call whose sequence number moved on is dropped', () => {
  const { arena, server, client } = setup();
  let deferred: DeferredReply | null = null;
  server.register(1, { name: 'waits', dispatch(call, api) { deferred = api.defer(call); return DEFER; } });
  post(arena, 4, server.queue.index, client, 1);
  server.pump();
  // The slot is reused for a new call (new sequence number) that another server is serving.
  const b = arena.slotWord(4);
  Atomics.add(arena.i32, b + SlotWord.SEQ, 1);
  (deferred as DeferredReply | null)?.finish();
  assert.equal(Atomics.load(arena.i32, b + SlotWord.STATE), SlotState.SERVING, 'the new call is untouched');
});

test('kernel events are handed out in bounded batches and none is lost', () => {
  const { kernel } = setup(200);
  kernel.exitListeners.add(KERNEL_PID);
  const pids: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = kernel.spawnRoot({ name: `p${i}`, boot: null });
    assert.equal(r.status, Status.OK);
    if (r.status === Status.OK) pids.push(r.value.pid);
  }
  for (let round = 0; round < 30; round++) {
    for (const pid of pids) kernel.exitProcess(pid, { kind: 'crashed', message: 'x'.repeat(5000) });
    for (const pid of pids) kernel.threadGone(pid, 'gone');
    pids.length = 0;
    for (let i = 0; i < 5; i++) {
      const r = kernel.spawnRoot({ name: `p${round}-${i}`, boot: null });
      if (r.status === Status.OK) pids.push(r.value.pid);
    }
  }
  let total = 0;
  for (let batch = kernel.takeEvents(KERNEL_PID); batch.length > 0; batch = kernel.takeEvents(KERNEL_PID)) {
    assert.ok(batch.length <= MAX_EVENTS_PER_TAKE);
    for (const ev of batch) if (ev.kind === 'process-exited' && ev.status.kind === 'crashed') assert.ok(ev.status.message.length <= 1001, 'messages are cut');
    total += batch.length;
  }
  assert.equal(total, 150, 'every exit was reported');
});

test('a spawn whose boot data cannot be sent to a thread fails cleanly', async () => {
  const system = await System.boot(new NodeHost(0, 0), nodeThreadPlatform(null, false), { services: [] });
  try {
    const before = system.kernel.allProcesses().length;
    assert.throws(() => system.spawnScript('file:///nowhere.js', [], { notCloneable: () => 1 }), KeelError);
    assert.equal(system.kernel.allProcesses().filter((p) => p.alive).length, before, 'no half-made process left');
  } finally {
    await system.shutdown();
  }
});

/**
 * The co-located path: caller and server on one thread. A call is a direct function call through
 * the same Caller interface, authorised from the same published handle table — so a closed or
 * revoked handle is refused, and a badge minted by the kernel is what the service sees.
 * Also: forwarding a call from one service to another on the same thread.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/ipc/arena.js';
import { CallSlot } from '../../src/ipc/call-slot.js';
import { Caller } from '../../src/ipc/caller.js';
import { ServerThread } from '../../src/ipc/server-thread.js';
import { FORWARDED, type CallContext, type ServerApi, type Service } from '../../src/ipc/call-context.js';
import { KERNEL_PID, Kernel, type KernelHost } from '../../src/kernel/kernel.js';
import { Right, type Rights } from '../../src/abi/rights.js';
import { Status } from '../../src/abi/status.js';

const host: KernelHost = { startThread() {}, stopThread() {}, deliverMemory() {} };

function setup() {
  const arena = Arena.create({ maxProcesses: 8, maxHandles: 64, maxThreads: 8, maxQueues: 4, maxObjects: 256, bulkBytes: 4096 });
  const kernel = new Kernel(arena, host);
  const kp = kernel.process(KERNEL_PID)!;
  const queue = kernel.openQueue(kp)!;
  const slot = new CallSlot(arena, kernel.attachSlot(kp)!, KERNEL_PID);
  const server = new ServerThread(arena, queue, slot);
  const caller = new Caller(arena, slot);
  caller.local = server;
  return { arena, kernel, server, caller };
}

function channel(kernel: Kernel) {
  const r = kernel.channelCreate(KERNEL_PID);
  assert.equal(r.status, Status.OK);
  if (r.status !== Status.OK) throw new Error('unreachable');
  return r.value;
}

test('a co-located call runs the service directly and sees the minted badge', () => {
  const { kernel, server, caller } = setup();
  const [client, end] = channel(kernel);
  assert.equal(kernel.channelServe(KERNEL_PID, end, 1), Status.OK);
  const seen: { badge: number; colocated: boolean }[] = [];
  server.register(1, {
    name: 'adder',
    dispatch(call: CallContext) {
      seen.push({ badge: call.badge, colocated: call.colocated });
      call.regs[1] = call.regs[1]! + call.regs[2]!;
      call.regs[0] = 0;
    },
  });
  const minted = kernel.duplicate(KERNEL_PID, client, (Right.READ | Right.WRITE) as Rights, 77);
  assert.equal(minted.status, Status.OK);
  if (minted.status !== Status.OK) return;
  caller.regs[1] = 40;
  caller.regs[2] = 2;
  assert.equal(caller.invoke(minted.value, 1), Status.OK);
  assert.equal(caller.regs[1], 42);
  assert.deepEqual(seen, [{ badge: 77, colocated: true }]);
  assert.equal(server.stats.calls, 1);
});

test('closed, revoked, rightless and wrong-type handles never reach the service', () => {
  const { kernel, server, caller } = setup();
  const [client, end] = channel(kernel);
  assert.equal(kernel.channelServe(KERNEL_PID, end, 1), Status.OK);
  let reached = 0;
  server.register(1, { name: 'count', dispatch(call) { reached++; call.regs[0] = 0; } });
  const d = kernel.duplicate(KERNEL_PID, client, (Right.READ | Right.WRITE | Right.DUPLICATE | Right.MANAGE) as Rights);
  const readOnly = kernel.duplicate(KERNEL_PID, client, Right.READ);
  const note = kernel.notificationCreate(KERNEL_PID);
  assert.ok(d.status === Status.OK && readOnly.status === Status.OK && note.status === Status.OK);
  if (d.status !== Status.OK || readOnly.status !== Status.OK || note.status !== Status.OK) return;
  const grandchild = kernel.duplicate(KERNEL_PID, d.value, (Right.READ | Right.WRITE) as Rights);
  assert.equal(grandchild.status, Status.OK);
  if (grandchild.status !== Status.OK) return;
  assert.equal(caller.invoke(grandchild.value, 1), Status.OK);
  assert.equal(reached, 1);
  assert.equal(kernel.revoke(KERNEL_PID, d.value), Status.OK);
  assert.equal(caller.invoke(grandchild.value, 1), Status.BAD_HANDLE, 'revoked');
  assert.equal(kernel.close(KERNEL_PID, d.value), Status.OK);
  assert.equal(caller.invoke(d.value, 1), Status.BAD_HANDLE, 'closed');
  assert.equal(caller.invoke(readOnly.value, 1), Status.ACCESS_DENIED, 'no WRITE right');
  assert.equal(caller.invoke(note.value, 1), Status.WRONG_TYPE);
  assert.equal(caller.invoke(123456, 1), Status.BAD_HANDLE, 'never made');
  assert.equal(reached, 1);
});

test('an unserved endpoint is BAD_STATE; a closed server end is PEER_CLOSED', () => {
  const { kernel, caller } = setup();
  const [client, end] = channel(kernel);
  assert.equal(caller.invoke(client, 1), Status.BAD_STATE);
  assert.equal(kernel.close(KERNEL_PID, end), Status.OK);
  assert.equal(caller.invoke(client, 1), Status.PEER_CLOSED);
});

test('a service forwards a call to another service on the same thread', () => {
  const { kernel, server, caller } = setup();
  const [frontClient, frontEnd] = channel(kernel);
  const [backClient, backEnd] = channel(kernel);
  assert.equal(kernel.channelServe(KERNEL_PID, frontEnd, 1), Status.OK);
  assert.equal(kernel.channelServe(KERNEL_PID, backEnd, 2), Status.OK);
  const back: Service = { name: 'back', dispatch(call) { call.regs[1] = call.regs[1]! * 10; call.regs[0] = 0; } };
  const front: Service = {
    name: 'front',
    dispatch(call: CallContext, api: ServerApi) {
      call.regs[1] = call.regs[1]! + 1;
      return api.forward(call, backClient, 9) ? FORWARDED : undefined;
    },
  };
  server.register(1, front);
  server.register(2, back);
  caller.regs[1] = 4;
  assert.equal(caller.invoke(frontClient, 1), Status.OK);
  assert.equal(caller.regs[1], 50);
});

test('a service that throws gives the caller INTERNAL, and the server keeps serving', () => {
  const { kernel, server, caller } = setup();
  const [client, end] = channel(kernel);
  assert.equal(kernel.channelServe(KERNEL_PID, end, 1), Status.OK);
  server.register(1, { name: 'flaky', dispatch(call) { if (call.label === 1) throw new Error('bug'); call.regs[0] = 0; } });
  assert.equal(caller.invoke(client, 1), Status.INTERNAL);
  assert.equal(caller.invoke(client, 2), Status.OK);
  assert.equal(server.stats.internalErrors, 1);
});

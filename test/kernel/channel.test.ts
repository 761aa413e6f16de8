/**
 * Unit tests of channels: create, write/read, handle transfer (moves, never copies), the
 * validation of the handle list (all-or-nothing), peer closure, revocation of a handle while it is
 * in flight, and the release of handles queued on an endpoint that goes away.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { ObjectType } from '../../src/abi/object-type.js';
import { ALL_RIGHTS, Right } from '../../src/abi/rights.js';
import { Status } from '../../src/abi/status.js';
import { CHANNEL_MAX_MESSAGES } from '../../src/kernel/channel.js';
import { makeKernel, mesh, must, rootPid, snapshotTables } from './kernel-fixture.js';

const CHANNEL_RIGHTS = ALL_RIGHTS & ~Right.MAP & ~Right.SIGNAL & ~Right.WAIT;
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

test('channel_create gives two connected endpoints with channel rights', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  const i0 = must(kernel.info(a, e0));
  const i1 = must(kernel.info(a, e1));
  assert.equal(i0.type, ObjectType.CHANNEL);
  assert.equal(i1.type, ObjectType.CHANNEL);
  assert.equal(i0.rights, CHANNEL_RIGHTS);
  assert.equal(i1.rights, CHANNEL_RIGHTS);
  assert.notEqual(i0.object, i1.object);
  assert.equal(kernel.objectCounts().channel, 2);
});

test('write then read round-trips bytes in order, in both directions', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  const payload = bytes(1, 2, 3, 255);
  assert.equal(kernel.channelWrite(a, e0, payload, []), Status.OK);
  payload[0] = 99; // the kernel copied the bytes at write time
  assert.equal(kernel.channelWrite(a, e0, bytes(4), []), Status.OK);
  assert.equal(kernel.channelWrite(a, e1, bytes(5, 6), []), Status.OK);
  assert.equal(kernel.channelWrite(a, e0, new Uint8Array(0), []), Status.OK);

  const m1 = must(kernel.channelRead(a, e1));
  assert.deepEqual([...m1.bytes], [1, 2, 3, 255]);
  assert.deepEqual(m1.handles, []);
  assert.deepEqual([...must(kernel.channelRead(a, e1)).bytes], [4]);
  assert.deepEqual([...must(kernel.channelRead(a, e1)).bytes], []);
  assert.deepEqual([...must(kernel.channelRead(a, e0)).bytes], [5, 6]);
  assert.equal(kernel.channelRead(a, e0).status, Status.SHOULD_WAIT);
  assert.equal(kernel.channelRead(a, e1).status, Status.SHOULD_WAIT);
});

test('read on an empty channel is SHOULD_WAIT; rights and type are checked', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  assert.equal(kernel.channelRead(a, e0).status, Status.SHOULD_WAIT);
  const writeOnly = must(kernel.duplicate(a, e0, Right.WRITE));
  const readOnly = must(kernel.duplicate(a, e1, Right.READ));
  assert.equal(kernel.channelRead(a, writeOnly).status, Status.ACCESS_DENIED);
  assert.equal(kernel.channelWrite(a, readOnly, bytes(1), []), Status.ACCESS_DENIED);
  assert.equal(kernel.channelWrite(a, writeOnly, bytes(1), []), Status.OK);
  assert.deepEqual([...must(kernel.channelRead(a, readOnly)).bytes], [1]);
  const n = must(kernel.notificationCreate(a));
  assert.equal(kernel.channelWrite(a, n, bytes(1), []), Status.WRONG_TYPE);
  assert.equal(kernel.channelRead(a, n).status, Status.WRONG_TYPE);
  assert.equal(kernel.channelWrite(a, e0, new Uint8Array(64 * 1024 + 1), []), Status.INVALID_ARGS);
});

test('a transferred handle moves: the sender loses it, the receiver gets the same rights and badge', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 2);
  const [p0, p1] = m.pids as [number, number];
  const n = must(kernel.notificationCreate(p0));
  const objectId = must(kernel.info(p0, n)).object;
  const sent = must(kernel.duplicate(p0, n, Right.SIGNAL | Right.TRANSFER | Right.WAIT, 42));
  const mem = must(kernel.memoryCreate(p0, 16));
  const memObject = must(kernel.info(p0, mem)).object;

  assert.equal(kernel.channelWrite(p0, m.end(0, 1), bytes(7), [sent, mem]), Status.OK);
  assert.equal(kernel.info(p0, sent).status, Status.BAD_HANDLE, 'sender keeps no copy');
  assert.equal(kernel.info(p0, mem).status, Status.BAD_HANDLE);
  assert.equal(kernel.notificationSignal(p0, sent, 1), Status.BAD_HANDLE);

  const msg = must(kernel.channelRead(p1, m.end(1, 0)));
  assert.deepEqual([...msg.bytes], [7]);
  assert.equal(msg.handles.length, 2);
  const got = msg.handles[0]!;
  const gotMem = msg.handles[1]!;
  assert.deepEqual(must(kernel.info(p1, got)), {
    type: ObjectType.NOTIFICATION, rights: Right.SIGNAL | Right.TRANSFER | Right.WAIT, badge: 42, object: objectId,
  });
  assert.equal(must(kernel.info(p1, gotMem)).object, memObject);

  // The received handle works on the same object.
  assert.equal(kernel.notificationSignal(p1, got, 8), Status.OK);
  assert.equal(must(kernel.notificationPoll(p0, n, -1)), 8);
  // Still part of the derivation tree: revoking the source reaches it in the receiver.
  assert.equal(kernel.revoke(p0, n), Status.OK);
  assert.equal(kernel.info(p1, got).status, Status.BAD_HANDLE);
});

test('transfer without TRANSFER right is ACCESS_DENIED and changes nothing', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 2);
  const [p0, p1] = m.pids as [number, number];
  const ok1 = must(kernel.notificationCreate(p0));
  const stuck = must(kernel.duplicate(p0, ok1, Right.SIGNAL | Right.DUPLICATE));
  const ok2 = must(kernel.memoryCreate(p0, 8));
  const before = snapshotTables(fx);
  // The movable handles come first: a half-done transfer would already have moved them.
  assert.equal(kernel.channelWrite(p0, m.end(0, 1), bytes(1), [ok1, ok2, stuck]), Status.ACCESS_DENIED);
  assert.equal(snapshotTables(fx), before);
  for (const h of [ok1, stuck, ok2]) assert.equal(kernel.info(p0, h).status, Status.OK);
  assert.equal(kernel.channelRead(p1, m.end(1, 0)).status, Status.SHOULD_WAIT, 'no message was queued');
});

test('other malformed handle lists fail whole and change nothing', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 2);
  const [p0, p1] = m.pids as [number, number];
  const e = m.end(0, 1);
  const n = must(kernel.notificationCreate(p0));
  const [c0, c1] = must(kernel.channelCreate(p0));
  const closed = must(kernel.duplicate(p0, n, Right.TRANSFER));
  assert.equal(kernel.close(p0, closed), Status.OK);
  const before = snapshotTables(fx);

  const cases: [number[], number, string][] = [
    [[n, n], Status.INVALID_ARGS, 'same handle twice'],
    [[n, e], Status.NOT_SUPPORTED, 'endpoint through itself'],
    [[e], Status.NOT_SUPPORTED, 'endpoint through itself, alone'],
    [[n, closed], Status.BAD_HANDLE, 'closed handle'],
    [[n, 0], Status.BAD_HANDLE, 'zero'],
    [[n, 123456], Status.BAD_HANDLE, 'never made'],
    [[n, ...Array.from({ length: 64 }, () => c0)], Status.INVALID_ARGS, 'more than 64 handles'],
  ];
  for (const [list, status, what] of cases) {
    assert.equal(kernel.channelWrite(p0, e, bytes(1), list), status, what);
    assert.equal(snapshotTables(fx), before, `${what}: state changed`);
  }
  assert.equal(kernel.channelRead(p1, m.end(1, 0)).status, Status.SHOULD_WAIT);
  // The endpoints of another channel may travel.
  assert.equal(kernel.channelWrite(p0, e, bytes(), [c1]), Status.OK);
  const moved = must(kernel.channelRead(p1, m.end(1, 0))).handles[0]!;
  assert.equal(kernel.channelWrite(p0, c0, bytes(3), []), Status.OK);
  assert.deepEqual([...must(kernel.channelRead(p1, moved)).bytes], [3]);
});

test('closing the peer: queued messages are read first, then PEER_CLOSED; writes fail', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  assert.equal(kernel.channelWrite(a, e0, bytes(1), []), Status.OK);
  assert.equal(kernel.channelWrite(a, e0, bytes(2), []), Status.OK);
  assert.equal(kernel.channelWrite(a, e1, bytes(9), []), Status.OK); // queued on e0, dies with it
  assert.equal(kernel.close(a, e0), Status.OK);
  assert.equal(kernel.objectCounts().channel, 1);
  assert.deepEqual([...must(kernel.channelRead(a, e1)).bytes], [1]);
  assert.deepEqual([...must(kernel.channelRead(a, e1)).bytes], [2]);
  assert.equal(kernel.channelRead(a, e1).status, Status.PEER_CLOSED);
  assert.equal(kernel.channelRead(a, e1).status, Status.PEER_CLOSED);
  assert.equal(kernel.channelWrite(a, e1, bytes(3), []), Status.PEER_CLOSED);
});

test('a peer closed through a duplicate stays open until the last handle goes', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  const dup = must(kernel.duplicate(a, e0, Right.WRITE));
  assert.equal(kernel.close(a, e0), Status.OK);
  assert.equal(kernel.channelRead(a, e1).status, Status.SHOULD_WAIT);
  assert.equal(kernel.channelWrite(a, e1, bytes(1), []), Status.OK);
  assert.equal(kernel.close(a, dup), Status.OK);
  assert.equal(kernel.channelRead(a, e1).status, Status.PEER_CLOSED);
  assert.equal(kernel.channelWrite(a, e1, bytes(1), []), Status.PEER_CLOSED);
});

test('a write that fails on PEER_CLOSED does not take the handles', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  const n = must(kernel.notificationCreate(a));
  assert.equal(kernel.close(a, e1), Status.OK);
  assert.equal(kernel.channelWrite(a, e0, bytes(1), [n]), Status.PEER_CLOSED);
  assert.equal(kernel.info(a, n).status, Status.OK);
});

test('revoking a handle in flight: the reader gets 0 in its position', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 2);
  const [p0, p1] = m.pids as [number, number];
  const n = must(kernel.notificationCreate(p0));
  const first = must(kernel.memoryCreate(p0, 8));
  const victim = must(kernel.duplicate(p0, n, Right.SIGNAL | Right.TRANSFER));
  const last = must(kernel.duplicate(p0, n, Right.WAIT | Right.TRANSFER));
  const lastKid = must(kernel.duplicate(p0, n, Right.WAIT | Right.TRANSFER | Right.DUPLICATE));
  const survivor = must(kernel.duplicate(p0, lastKid, Right.TRANSFER)); // grand-child, revoked too
  assert.equal(kernel.channelWrite(p0, m.end(0, 1), bytes(5), [first, victim, survivor, last]), Status.OK);
  assert.equal(kernel.revoke(p0, n), Status.OK);

  const msg = must(kernel.channelRead(p1, m.end(1, 0)));
  assert.deepEqual([...msg.bytes], [5]);
  assert.equal(msg.handles.length, 4);
  assert.equal(msg.handles[1], 0);
  assert.equal(msg.handles[2], 0);
  assert.equal(msg.handles[3], 0);
  assert.equal(must(kernel.info(p1, msg.handles[0]!)).type, ObjectType.MEMORY);
  assert.equal(kernel.info(p0, n).status, Status.OK);
});

test('closing the last handle of an endpoint releases the objects queued in its messages', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const a = rootPid(kernel, 'a');
  const base = kernel.objectCounts();
  const [e0, e1] = must(kernel.channelCreate(a));
  const n = must(kernel.notificationCreate(a));
  const mem = must(kernel.memoryCreate(a, 8));
  const [inner0, inner1] = must(kernel.channelCreate(a));
  const nKeep = must(kernel.duplicate(a, n, Right.WAIT)); // n stays alive through this one
  assert.equal(kernel.channelWrite(a, inner0, bytes(1), [mem]), Status.OK); // nested: mem queued on inner1
  assert.equal(kernel.channelWrite(a, e0, bytes(1), [n, inner1]), Status.OK);
  assert.equal(kernel.close(a, inner0), Status.OK);
  assert.deepEqual(kernel.objectCounts(), { ...base, channel: 3, notification: 1, memory: 1 });

  assert.equal(kernel.close(a, e1), Status.OK); // e1's queue held n and inner1 (which held mem)
  assert.deepEqual(kernel.objectCounts(), { ...base, channel: 1, notification: 1 }, 'inner channel pair and memory released');
  assert.equal(kernel.info(a, nKeep).status, Status.OK);
  assert.equal(kernel.close(a, nKeep), Status.OK);
  assert.equal(kernel.close(a, e0), Status.OK);
  assert.deepEqual(kernel.objectCounts(), base);
});

test('a full receiver table makes read NO_RESOURCES and leaves the message queued', () => {
  const fx = makeKernel({ maxHandles: 4 });
  const { kernel } = fx;
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  const n1 = must(kernel.notificationCreate(a));
  const n2 = must(kernel.notificationCreate(a));
  assert.equal(kernel.channelWrite(a, e0, bytes(1), [n1, n2]), Status.OK);
  const n3 = must(kernel.notificationCreate(a));
  must(kernel.notificationCreate(a));
  const before = snapshotTables(fx);
  assert.equal(kernel.channelRead(a, e1).status, Status.NO_RESOURCES);
  assert.equal(snapshotTables(fx), before);
  assert.equal(kernel.close(a, n3), Status.OK);
  assert.equal(kernel.channelRead(a, e1).status, Status.NO_RESOURCES, 'one free entry is not enough for two handles');
  assert.equal(kernel.close(a, e0), Status.OK);
  const msg = must(kernel.channelRead(a, e1));
  assert.equal(msg.handles.length, 2);
  assert.equal(must(kernel.info(a, msg.handles[0]!)).type, ObjectType.NOTIFICATION);
});

test('sending an endpoint to its own peer leaves no object behind once both sides are closed', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const base = kernel.objectCounts();
  const [e0, e1] = must(kernel.channelCreate(a));
  assert.equal(kernel.channelWrite(a, e0, bytes(), [e1]), Status.OK); // e1 now sits in its own queue
  assert.equal(kernel.close(a, e0), Status.OK);
  // No handle names e1 outside its own queue: nobody can ever read it, so it must be gone.
  assert.deepEqual(kernel.objectCounts(), base);
});

test('a channel queues at most channelDepth unread messages: then writes fail with NO_RESOURCES and take nothing', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  assert.equal(kernel.channelDepth, CHANNEL_MAX_MESSAGES, 'the default depth');
  kernel.channelDepth = 8;
  const a = rootPid(kernel, 'a');
  const [e0, e1] = must(kernel.channelCreate(a));
  for (let i = 0; i < 8; i++) assert.equal(kernel.channelWrite(a, e0, bytes(i), []), Status.OK);
  const n = must(kernel.notificationCreate(a));
  const before = snapshotTables(fx);
  assert.equal(kernel.channelWrite(a, e0, bytes(99), [n]), Status.NO_RESOURCES);
  assert.equal(snapshotTables(fx), before, 'the handle stays with the sender');
  assert.deepEqual([...must(kernel.channelRead(a, e1)).bytes], [0]);
  assert.equal(kernel.channelWrite(a, e0, bytes(8), [n]), Status.OK, 'a read makes room');
  // The other direction has its own queue.
  assert.equal(kernel.channelWrite(a, e1, bytes(1), []), Status.OK);
});

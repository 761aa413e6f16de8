/**
 * Unit tests of processes (spawn, exit, wait, kill, exit statuses), notifications and memory
 * objects, as far as the core kernel decides them. The host is a recorder: no thread runs.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { CHILD_RIGHTS, KERNEL_PID } from '../../src/kernel/kernel.js';
import { MEMORY_MAX_BYTES } from '../../src/kernel/memory.js';
import { ObjectType } from '../../src/abi/object-type.js';
import { type ExitStatus, exitCodeOf } from '../../src/abi/exit-status.js';
import { Right } from '../../src/abi/rights.js';
import { Route, resolveRoute } from '../../src/ipc/route.js';
import { Status } from '../../src/abi/status.js';
import { makeKernel, must, rootPid, snapshotTables } from './kernel-fixture.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

test('spawn moves the listed handles into the child, in order, and starts its thread', () => {
  const fx = makeKernel();
  const { kernel, host } = fx;
  const parent = rootPid(kernel, 'parent');
  const n = must(kernel.notificationCreate(parent));
  const badged = must(kernel.duplicate(parent, n, Right.SIGNAL | Right.TRANSFER, 5));
  const [c0, c1] = must(kernel.channelCreate(parent));
  const infos = [must(kernel.info(parent, badged)), must(kernel.info(parent, c1))];
  const boot = { program: 'x' };

  const spawned = must(kernel.spawn(parent, { name: 'child', handles: [badged, c1], boot }));
  assert.equal(kernel.info(parent, badged).status, Status.BAD_HANDLE, 'parent lost the moved handles');
  assert.equal(kernel.info(parent, c1).status, Status.BAD_HANDLE);
  assert.equal(kernel.info(parent, n).status, Status.OK, 'parent keeps what it did not list');
  assert.equal(spawned.childHandles.length, 2);
  assert.deepEqual(must(kernel.info(spawned.pid, spawned.childHandles[0]!)), infos[0]);
  assert.deepEqual(must(kernel.info(spawned.pid, spawned.childHandles[1]!)), infos[1]);
  assert.deepEqual(host.started.at(-1), { pid: spawned.pid, boot, handles: spawned.childHandles });

  const childInfo = must(kernel.info(parent, spawned.handle));
  assert.equal(childInfo.type, ObjectType.PROCESS);
  assert.equal(childInfo.rights, CHILD_RIGHTS);
  assert.equal(childInfo.object, kernel.process(spawned.pid)!.id);
  assert.equal(kernel.process(spawned.pid)!.parentPid, parent);
  assert.ok(kernel.process(parent)!.children.has(spawned.pid));

  // The moved endpoint works from the child.
  assert.equal(kernel.channelWrite(parent, c0, bytes(4), []), Status.OK);
  assert.deepEqual([...must(kernel.channelRead(spawned.pid, spawned.childHandles[1]!)).bytes], [4]);
});

test('a spawn with a bad handle list fails whole: no process, nothing moved', () => {
  const fx = makeKernel();
  const { kernel, host } = fx;
  const parent = rootPid(kernel, 'parent');
  const n = must(kernel.notificationCreate(parent));
  const noTransfer = must(kernel.duplicate(parent, n, Right.SIGNAL));
  const before = snapshotTables(fx);
  const started = host.started.length;
  const cases: [number[], number][] = [
    [[n, noTransfer], Status.ACCESS_DENIED],
    [[n, n], Status.INVALID_ARGS],
    [[n, 999999], Status.BAD_HANDLE],
  ];
  for (const [handles, status] of cases) {
    assert.equal(kernel.spawn(parent, { name: 'c', handles, boot: null }).status, status);
    assert.equal(snapshotTables(fx), before);
  }
  assert.equal(host.started.length, started);
  assert.equal(kernel.spawn(9999, { name: 'c', handles: [], boot: null }).status, Status.BAD_STATE);
});

test('exit closes every handle of the process: sole holders destroy, peers see PEER_CLOSED', () => {
  const fx = makeKernel();
  const { kernel, host } = fx;
  const parent = rootPid(kernel, 'parent');
  const [mine, theirs] = must(kernel.channelCreate(parent));
  const shared = must(kernel.notificationCreate(parent));
  const sharedCopy = must(kernel.duplicate(parent, shared, Right.WAIT | Right.TRANSFER));
  const solo = must(kernel.memoryCreate(parent, 32));
  assert.equal(kernel.channelWrite(parent, mine, bytes(1), []), Status.OK);
  const base = kernel.objectCounts();
  const child = must(kernel.spawn(parent, { name: 'child', handles: [theirs, sharedCopy, solo], boot: null }));
  const cEnd = child.childHandles[0]!;
  const cShared = child.childHandles[1]!;
  assert.equal(kernel.channelWrite(child.pid, cEnd, bytes(2), []), Status.OK);

  assert.equal(kernel.exitProcess(child.pid, { kind: 'exited', code: 3 }), true);
  assert.deepEqual(host.stopped, [child.pid]);
  assert.equal(kernel.process(child.pid)!.handles.size, 0);
  assert.equal(kernel.info(child.pid, cShared).status, Status.BAD_STATE, 'an exited process makes no calls');
  // The child's endpoint and the memory only it held are gone; the child record stays (parent's handle).
  const expected: Record<string, number> = { ...base, channel: 1, process: base.process! + 1 };
  delete expected.memory;
  assert.deepEqual(kernel.objectCounts(), expected);
  // The child's queued write is still readable, then the peer is gone.
  assert.deepEqual([...must(kernel.channelRead(parent, mine)).bytes], [2]);
  assert.equal(kernel.channelRead(parent, mine).status, Status.PEER_CLOSED);
  assert.equal(kernel.channelWrite(parent, mine, bytes(3), []), Status.PEER_CLOSED);
  assert.equal(kernel.info(parent, shared).status, Status.OK, 'an object with another holder survives');
});

test('an exited process stays readable while a handle names it, then is reaped', () => {
  const { kernel } = makeKernel();
  const parent = rootPid(kernel, 'parent');
  const child = must(kernel.spawn(parent, { name: 'child', handles: [], boot: null }));
  assert.equal(kernel.exitProcess(child.pid, { kind: 'exited', code: 0 }), true);
  assert.equal(kernel.process(child.pid)?.state, 'exited');
  assert.deepEqual(kernel.process(child.pid)?.status, { kind: 'exited', code: 0 });
  let seen: ExitStatus | null = null;
  assert.equal(kernel.waitProcess(parent, child.handle, (s) => { seen = s; }), Status.OK);
  assert.deepEqual(seen, { kind: 'exited', code: 0 });
  assert.equal(kernel.close(parent, child.handle), Status.OK);
  assert.equal(kernel.process(child.pid), undefined, 'reaped once no handle names it');
  assert.ok(!kernel.process(parent)!.children.has(child.pid));
});

test('waitProcess: callbacks get the status, registered before or after exit; needs WAIT', () => {
  const { kernel } = makeKernel();
  const parent = rootPid(kernel, 'parent');
  const child = must(kernel.spawn(parent, { name: 'child', handles: [], boot: null }));
  const noWait = must(kernel.duplicate(parent, child.handle, Right.SIGNAL | Right.READ));
  const n = must(kernel.notificationCreate(parent));
  assert.equal(kernel.waitProcess(parent, noWait, () => assert.fail('called without WAIT')), Status.ACCESS_DENIED);
  assert.equal(kernel.waitProcess(parent, n, () => assert.fail('wrong type')), Status.WRONG_TYPE);
  assert.equal(kernel.waitProcess(parent, 12345, () => assert.fail('bad handle')), Status.BAD_HANDLE);

  const early: ExitStatus[] = [];
  assert.equal(kernel.waitProcess(parent, child.handle, (s) => early.push(s)), Status.OK);
  assert.equal(kernel.waitProcess(parent, child.handle, (s) => early.push(s)), Status.OK);
  assert.deepEqual(early, [], 'not called before exit');
  kernel.exitProcess(child.pid, { kind: 'trapped', message: 'unreachable' });
  assert.deepEqual(early, [{ kind: 'trapped', message: 'unreachable' }, { kind: 'trapped', message: 'unreachable' }]);
  kernel.exitProcess(child.pid, { kind: 'exited', code: 1 });
  assert.equal(early.length, 2, 'called once each');

  const late: ExitStatus[] = [];
  assert.equal(kernel.waitProcess(parent, child.handle, (s) => late.push(s)), Status.OK);
  assert.deepEqual(late, [{ kind: 'trapped', message: 'unreachable' }]);
});

test('kill needs SIGNAL, validates the signal, and fails on an exited process', () => {
  const { kernel } = makeKernel();
  const parent = rootPid(kernel, 'parent');
  const child = must(kernel.spawn(parent, { name: 'child', handles: [], boot: null }));
  const noSignal = must(kernel.duplicate(parent, child.handle, Right.WAIT | Right.DUPLICATE));
  assert.equal(kernel.kill(parent, noSignal, 9), Status.ACCESS_DENIED);
  assert.equal(kernel.process(child.pid)!.alive, true);
  for (const sig of [0, 65, -1, 1.5]) assert.equal(kernel.kill(parent, child.handle, sig), Status.INVALID_ARGS, `signal ${sig}`);
  assert.equal(kernel.process(child.pid)!.alive, true);
  assert.equal(kernel.kill(parent, child.handle, 15), Status.OK);
  assert.deepEqual(kernel.process(child.pid)!.status, { kind: 'killed', signal: 15 });
  assert.equal(kernel.kill(parent, child.handle, 9), Status.BAD_STATE);
  assert.deepEqual(kernel.process(child.pid)!.status, { kind: 'killed', signal: 15 });
});

test('exit statuses: the first one wins; the kernel process cannot exit', () => {
  const { kernel, host } = makeKernel();
  const parent = rootPid(kernel, 'parent');
  const child = must(kernel.spawn(parent, { name: 'child', handles: [], boot: null }));
  assert.equal(kernel.exitProcess(child.pid, { kind: 'crashed', message: 'thread died' }), true);
  assert.equal(kernel.exitProcess(child.pid, { kind: 'exited', code: 0 }), false);
  assert.equal(kernel.kill(parent, child.handle, 9), Status.BAD_STATE);
  assert.deepEqual(kernel.process(child.pid)!.status, { kind: 'crashed', message: 'thread died' });
  assert.deepEqual(host.stopped, [child.pid], 'thread stopped once');
  assert.equal(kernel.exitProcess(KERNEL_PID, { kind: 'exited', code: 0 }), false);
  assert.equal(kernel.process(KERNEL_PID)!.alive, true);
  assert.equal(kernel.exitProcess(4242, { kind: 'exited', code: 0 }), false);
});

test('exitCodeOf maps statuses like a shell', () => {
  assert.equal(exitCodeOf({ kind: 'exited', code: 0 }), 0);
  assert.equal(exitCodeOf({ kind: 'exited', code: 42 }), 42);
  assert.equal(exitCodeOf({ kind: 'killed', signal: 9 }), 137);
  assert.equal(exitCodeOf({ kind: 'killed', signal: 15 }), 143);
  assert.equal(exitCodeOf({ kind: 'trapped', message: 'x' }), 134);
  assert.equal(exitCodeOf({ kind: 'crashed', message: 'x' }), 134);
});

test('a process that holds a handle to itself when it exits is reaped exactly once', () => {
  const { kernel } = makeKernel({ maxProcesses: 5 });
  const parent = rootPid(kernel, 'parent'); // pid 2
  const [e0, e1] = must(kernel.channelCreate(parent));
  const child = must(kernel.spawn(parent, { name: 'child', handles: [e1], boot: null })); // pid 3
  assert.equal(kernel.channelWrite(parent, e0, bytes(), [child.handle]), Status.OK); // child's own handle, queued to it
  const own = must(kernel.channelRead(child.pid, child.childHandles[0]!)).handles[0]!;
  assert.equal(must(kernel.info(child.pid, own)).object, kernel.process(child.pid)!.id);
  kernel.exitProcess(child.pid, { kind: 'exited', code: 0 });
  assert.equal(kernel.process(child.pid), undefined, 'reaped: nobody names it');

  // Fresh pid 4, then the freed pid 3, then the table (limit 5) is full.
  const x = rootPid(kernel, 'x');
  const y = rootPid(kernel, 'y');
  assert.notEqual(x, y);
  const hy = must(kernel.notificationCreate(y));
  const z = kernel.spawnRoot({ name: 'z', boot: null });
  if (z.status === Status.OK) assert.notEqual(z.value.pid, y, 'two live processes were given the same pid');
  assert.equal(z.status, Status.NO_RESOURCES, 'the process table should be full');
  assert.equal(kernel.process(y)?.name, 'y');
  assert.equal(kernel.info(y, hy).status, Status.OK);
});

test('a process reaped before its thread is reported gone gives its call slot back', () => {
  const { kernel } = makeKernel({ maxThreads: 3 });
  const parent = rootPid(kernel, 'parent'); // takes one slot
  for (let i = 0; i < 4; i++) {
    const child = kernel.spawn(parent, { name: `c${i}`, handles: [], boot: null });
    assert.equal(child.status, Status.OK, `spawn ${i}: no call slot left, though only the parent is alive`);
    if (child.status !== Status.OK) return;
    assert.equal(kernel.close(parent, child.value.handle), Status.OK); // nobody names the child now
    kernel.exitProcess(child.value.pid, { kind: 'exited', code: 0 }); // reaped here
    kernel.threadGone(child.value.pid, 'worker exited'); // the host's report comes after
  }
});

test('a pid is not reused until its thread is reported gone, so a late report cannot reach a newer process', () => {
  const { kernel } = makeKernel({ maxProcesses: 4 }, { lateThreadReports: true });
  const parent = rootPid(kernel, 'parent'); // pid 2
  const first = must(kernel.spawn(parent, { name: 'first', handles: [], boot: null })); // pid 3
  assert.equal(kernel.close(parent, first.handle), Status.OK);
  kernel.exitProcess(first.pid, { kind: 'exited', code: 0 }); // exited, unreferenced, thread still running
  assert.equal(kernel.process(first.pid)?.state, 'exited', 'kept until the host reports the thread gone');
  const second = kernel.spawn(parent, { name: 'second', handles: [], boot: null });
  assert.equal(second.status, Status.NO_RESOURCES, 'pid 3 is still taken, and the table (limit 4) is full');
  kernel.threadGone(first.pid, "first's worker exited");
  assert.equal(kernel.process(first.pid), undefined, 'reaped once the thread is gone');
  const third = must(kernel.spawn(parent, { name: 'third', handles: [], boot: null }));
  assert.equal(third.pid, first.pid, 'now the pid is reused');
  assert.equal(kernel.process(third.pid)?.state, 'running');
});

test('notifications: signal needs SIGNAL, poll needs WAIT, bits accumulate and are taken', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const n = must(kernel.notificationCreate(a));
  assert.equal(must(kernel.info(a, n)).rights, Right.SIGNAL | Right.WAIT | Right.DUPLICATE | Right.TRANSFER | Right.MANAGE);
  const signalOnly = must(kernel.duplicate(a, n, Right.SIGNAL));
  const waitOnly = must(kernel.duplicate(a, n, Right.WAIT));
  assert.equal(kernel.notificationSignal(a, waitOnly, 1), Status.ACCESS_DENIED);
  assert.equal(kernel.notificationPoll(a, signalOnly, 1).status, Status.ACCESS_DENIED);
  assert.equal(kernel.notificationPoll(a, waitOnly, -1).status, Status.SHOULD_WAIT, 'the denied signal raised nothing');

  assert.equal(kernel.notificationSignal(a, signalOnly, 0b0101), Status.OK);
  assert.equal(kernel.notificationSignal(a, signalOnly, 0b0010), Status.OK);
  assert.equal(must(kernel.notificationPoll(a, waitOnly, 0b0011)), 0b0011, 'takes the masked bits');
  assert.equal(must(kernel.notificationPoll(a, waitOnly, -1)), 0b0100, 'leaves the rest');
  assert.equal(kernel.notificationPoll(a, waitOnly, -1).status, Status.SHOULD_WAIT);
  assert.equal(kernel.notificationSignal(a, signalOnly, 1 << 31), Status.OK, 'the sign bit is a bit like any other');
  assert.equal(must(kernel.notificationPoll(a, waitOnly, 1 << 31)), 1 << 31);

  for (const bits of [0, 1.5, 2 ** 32, Number.NaN]) assert.equal(kernel.notificationSignal(a, n, bits), Status.INVALID_ARGS, `bits ${bits}`);
  for (const mask of [0, 0.5]) assert.equal(kernel.notificationPoll(a, n, mask).status, Status.INVALID_ARGS, `mask ${mask}`);
  assert.equal(kernel.notificationSignal(a, n, 1), Status.OK);
  assert.equal(must(kernel.notificationPoll(a, n, 1)), 1);
  const [ch] = must(kernel.channelCreate(a));
  assert.equal(kernel.notificationSignal(a, ch, 1), Status.WRONG_TYPE);
  assert.equal(kernel.notificationPoll(a, ch, 1).status, Status.WRONG_TYPE);
});

test('memory: create validates the size; map needs MAP and hands the same buffer to each mapper', () => {
  const fx = makeKernel();
  const { kernel, host } = fx;
  const a = rootPid(kernel, 'a');
  const b = rootPid(kernel, 'b');
  const before = snapshotTables(fx);
  for (const size of [0, -1, 1.5, Number.NaN, MEMORY_MAX_BYTES + 1]) {
    assert.equal(kernel.memoryCreate(a, size).status, Status.INVALID_ARGS, `size ${size}`);
  }
  assert.equal(snapshotTables(fx), before);

  const mem = must(kernel.memoryCreate(a, 100));
  const info = must(kernel.info(a, mem));
  assert.equal(info.type, ObjectType.MEMORY);
  assert.equal(info.rights, Right.READ | Right.WRITE | Right.MAP | Right.DUPLICATE | Right.TRANSFER | Right.MANAGE);
  const noMap = must(kernel.duplicate(a, mem, Right.READ | Right.WRITE));
  assert.equal(kernel.memoryMap(a, noMap).status, Status.ACCESS_DENIED);
  assert.equal(kernel.memoryBuffer(a, noMap).status, Status.ACCESS_DENIED);
  assert.equal(host.delivered.length, 0, 'nothing delivered without MAP');

  assert.deepEqual(must(kernel.memoryMap(a, mem)), { id: info.object, size: 100 });
  assert.equal(host.delivered.length, 1);
  assert.equal(host.delivered[0]!.pid, a);
  assert.equal(host.delivered[0]!.id, info.object);
  assert.equal(host.delivered[0]!.buffer.byteLength, 100);

  // Another mapper, reached through a transfer into a second process, gets the very same buffer.
  const [e0, e1] = must(kernel.channelCreate(a));
  const mapOnly = must(kernel.duplicate(a, mem, Right.MAP | Right.TRANSFER));
  const eB = must(kernel.spawn(a, { name: 'b2', handles: [e1], boot: null }));
  assert.equal(kernel.channelWrite(a, e0, bytes(), [mapOnly]), Status.OK);
  const inB = must(kernel.channelRead(eB.pid, eB.childHandles[0]!)).handles[0]!;
  must(kernel.memoryMap(eB.pid, inB));
  assert.equal(host.delivered[1]!.pid, eB.pid);
  assert.equal(host.delivered[1]!.buffer, host.delivered[0]!.buffer);
  assert.equal(must(kernel.memoryBuffer(a, mem)), host.delivered[0]!.buffer);
  assert.equal(kernel.memoryMap(b, mem).status, Status.BAD_HANDLE, "b holds nothing at a's value");

  const n = must(kernel.notificationCreate(a));
  assert.equal(kernel.memoryMap(a, n).status, Status.WRONG_TYPE);
});

test('a poll mask outside int32 is refused like a signal outside int32', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const n = must(kernel.notificationCreate(a));
  assert.equal(kernel.notificationSignal(a, n, 1), Status.OK);
  // 2^32 + 1 passes the integer check and becomes mask 1 after `| 0`; 2^32 becomes mask 0.
  assert.equal(kernel.notificationPoll(a, n, 2 ** 32).status, Status.INVALID_ARGS);
  assert.equal(kernel.notificationPoll(a, n, 2 ** 32 + 1).status, Status.INVALID_ARGS);
});

test('when a server thread ends, the endpoints it served lose their route before its queue is reused', () => {
  const { kernel, arena } = makeKernel({ maxQueues: 1 });
  const parent = rootPid(kernel, 'parent');
  const [client, end] = must(kernel.channelCreate(parent));
  const keep = must(kernel.duplicate(parent, end, must(kernel.info(parent, end)).rights)); // the endpoint outlives its first server
  const first = must(kernel.spawn(parent, { name: 'server-1', handles: [end], boot: null }));
  assert.equal(kernel.channelServe(first.pid, first.childHandles[0]!, 1), Status.OK);
  const queue = kernel.process(first.pid)!.queue;
  const route = new Route();
  assert.equal(resolveRoute(arena, parent, client, route), Status.OK);
  assert.equal(route.queue, queue);
  kernel.exitProcess(first.pid, { kind: 'exited', code: 0 });
  assert.equal(resolveRoute(arena, parent, client, route), Status.BAD_STATE, 'no one serves the endpoint now');
  // A new server thread gets the same queue index; the old client must not reach it.
  const [, otherEnd] = must(kernel.channelCreate(parent));
  const second = must(kernel.spawn(parent, { name: 'server-2', handles: [otherEnd], boot: null }));
  assert.equal(kernel.channelServe(second.pid, second.childHandles[0]!, 1), Status.OK);
  assert.equal(kernel.process(second.pid)!.queue, queue, 'set-up: the queue index was reused');
  assert.equal(resolveRoute(arena, parent, client, route), Status.BAD_STATE);
  assert.equal(kernel.info(parent, keep).status, Status.OK);
});

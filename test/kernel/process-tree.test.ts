/**
 * Unit tests of the kernel's process tree: sessions (a root process begins one, everything
 * started from it joins it, orphans included), `lineage` (a service starting a process for a
 * client), limits that only narrow down the tree, signalSession ending a whole tree, `raise`
 * stopping the caller, and the memory ledger rows the kernel opens and retires. The host is a
 * recorder: no thread runs.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { KERNEL_PID } from '../../src/kernel/kernel.js';
import { Status } from '../../src/abi/status.js';
import { SlotWord } from '../../src/ipc/arena.js';
import { narrowLimits } from '../../src/abi/exit-status.js';
import { makeKernel, must, rootPid } from './kernel-fixture.js';

/** A root process that serves a channel (a service, as proc is). */
function service(kernel: ReturnType<typeof makeKernel>['kernel']): number {
  const pid = rootPid(kernel, 'proc');
  const [, server] = must(kernel.channelCreate(pid));
  assert.equal(kernel.channelServe(pid, server, 1), Status.OK);
  return pid;
}

test('a root process begins a session; its children and theirs join it, and stay in it as orphans', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const b = rootPid(kernel, 'b');
  const sa = kernel.process(a)!.session;
  assert.ok(sa > 0);
  assert.notEqual(kernel.process(b)!.session, sa, 'each root process leads its own session');
  const child = must(kernel.spawn(a, { name: 'child', handles: [], boot: null }));
  const grandchild = must(kernel.spawn(child.pid, { name: 'grandchild', handles: [], boot: null }));
  assert.equal(kernel.process(child.pid)!.session, sa);
  assert.equal(kernel.process(grandchild.pid)!.session, sa);
  assert.equal(kernel.sessions.members(sa), 3);
  // The child ends: the grandchild is an orphan, still of a's session.
  const orphan = kernel.process(grandchild.pid)!;
  kernel.exitProcess(child.pid, { kind: 'exited', code: 0 });
  assert.equal(kernel.sessions.members(sa), 2);
  assert.equal(kernel.signalSession(sa, 9), 2, 'a and the orphan');
  assert.equal(orphan.status?.kind, 'killed');
  assert.equal(kernel.process(b)!.alive, true, 'another session is untouched');
  assert.equal(kernel.sessions.members(sa), 0);
});

test('signalSession: stop and continue reach every member; a time limit marks every status; the end is heard once', () => {
  const { kernel, arena } = makeKernel();
  const a = rootPid(kernel, 'a');
  const c = must(kernel.spawn(a, { name: 'c', handles: [], boot: null }));
  const s = kernel.process(a)!.session;
  let ended = 0;
  kernel.sessions.onEnd(s, () => ended++);
  assert.equal(kernel.signalSession(s, 19), 2);
  for (const pid of [a, c.pid]) assert.equal(Atomics.load(arena.i32, arena.slotWord(kernel.process(pid)!.slot) + SlotWord.STOPPED), 1);
  assert.equal(kernel.signalSession(s, 18), 2);
  assert.equal(Atomics.load(arena.i32, arena.slotWord(kernel.process(c.pid)!.slot) + SlotWord.STOPPED), 0);
  assert.equal(ended, 0);
  assert.equal(kernel.signalSession(s, 9, 'time'), 2);
  assert.equal(ended, 1, 'the session ended with its last member');
  kernel.sessions.onEnd(s, () => ended++);
  assert.equal(ended, 2, 'asking after the end answers at once');
  assert.equal(kernel.signalSession(s, 9), 0, 'nothing left to signal');
  assert.equal(kernel.signalSession(s, 0), 0, 'signal 0 is refused');
});

test('lineage: a service starts a process for a client, which joins the client\'s session and limits', () => {
  const { kernel } = makeKernel();
  const proc = service(kernel);
  const client = must(kernel.spawnRoot({ name: 'client', boot: null }));
  // The client's limits, as the host gave them at its start.
  const limited = must(kernel.spawn(KERNEL_PID, { name: 'limited', handles: [], boot: null, limits: { memoryBytes: 16 << 20, openFiles: 8 } }));
  const forLimited = must(kernel.spawn(proc, { name: 'x', handles: [], boot: null, lineage: limited.pid, limits: { memoryBytes: 64 << 20, openFiles: 4 } }));
  const x = kernel.process(forLimited.pid)!;
  assert.equal(x.parentPid, proc, 'the kernel parent is the service that started it');
  assert.equal(x.lineage, limited.pid);
  assert.equal(x.session, kernel.process(limited.pid)!.session);
  assert.deepEqual(x.limits, { memoryBytes: 16 << 20, openFiles: 4 }, 'never more than the lineage\'s; less when asked');
  // Its own children inherit the same bound.
  const y = must(kernel.spawn(forLimited.pid, { name: 'y', handles: [], boot: null, limits: { memoryBytes: 1 << 30 } }));
  assert.deepEqual(kernel.process(y.pid)!.limits, { memoryBytes: 16 << 20, openFiles: 4 });
  // Without limits anywhere, none.
  const z = must(kernel.spawn(proc, { name: 'z', handles: [], boot: null, lineage: client.pid }));
  assert.deepEqual(kernel.process(z.pid)!.limits, {});
  assert.equal(kernel.process(z.pid)!.session, client.session);
});

test('lineage is refused from a process that serves nothing, and for a dead or the kernel process', () => {
  const { kernel } = makeKernel();
  const proc = service(kernel);
  const program = rootPid(kernel, 'program');
  const victim = rootPid(kernel, 'victim');
  assert.equal(kernel.spawn(program, { name: 'x', handles: [], boot: null, lineage: victim }).status, Status.ACCESS_DENIED);
  kernel.exitProcess(victim, { kind: 'exited', code: 0 });
  assert.equal(kernel.spawn(proc, { name: 'x', handles: [], boot: null, lineage: victim }).status, Status.BAD_STATE);
  assert.equal(kernel.spawn(proc, { name: 'x', handles: [], boot: null, lineage: KERNEL_PID }).status, Status.BAD_STATE);
  assert.equal(kernel.spawn(proc, { name: 'x', handles: [], boot: null, limits: { memoryBytes: -1 } }).status, Status.INVALID_ARGS);
  assert.equal(kernel.spawn(proc, { name: 'x', handles: [], boot: null, limits: { openFiles: 1.5 } }).status, Status.INVALID_ARGS);
});

test('narrowLimits takes the tighter of each field', () => {
  assert.deepEqual(narrowLimits({}, undefined), {});
  assert.deepEqual(narrowLimits({ memoryBytes: 10 }, {}), { memoryBytes: 10 });
  assert.deepEqual(narrowLimits({}, { openFiles: 5 }), { openFiles: 5 });
  assert.deepEqual(narrowLimits({ memoryBytes: 10, openFiles: 9 }, { memoryBytes: 20, openFiles: 3 }), { memoryBytes: 10, openFiles: 3 });
});

test('raise stops the caller with a stop signal only; SIGCONT through a handle continues it', () => {
  const { kernel, arena } = makeKernel();
  const parent = rootPid(kernel, 'parent');
  const child = must(kernel.spawn(parent, { name: 'child', handles: [], boot: null }));
  const stopped = (): number => Atomics.load(arena.i32, arena.slotWord(kernel.process(child.pid)!.slot) + SlotWord.STOPPED);
  assert.equal(kernel.raise(child.pid, 9), Status.INVALID_ARGS, 'raise does not end a process: it exits itself');
  assert.equal(kernel.raise(child.pid, 18), Status.INVALID_ARGS);
  assert.equal(stopped(), 0);
  assert.equal(kernel.raise(child.pid, 20), Status.OK);
  assert.equal(stopped(), 1);
  assert.equal(kernel.process(child.pid)!.alive, true);
  assert.equal(kernel.kill(parent, child.handle, 18), Status.OK);
  assert.equal(stopped(), 0);
  assert.equal(kernel.raise(KERNEL_PID, 20), Status.BAD_STATE);
});

test('the memory ledger: a new process\'s row is open, an ended one\'s retired and its pages given back', () => {
  const { kernel } = makeKernel();
  kernel.ledger.setBudget(4 << 20);
  const a = rootPid(kernel, 'a');
  const b = rootPid(kernel, 'b');
  assert.equal(kernel.ledger.publish(a, 1 << 20), 'ok');
  assert.equal(kernel.ledger.publish(b, 2 << 20), 'ok');
  assert.equal(kernel.ledger.committedBytes, 3 << 20);
  assert.equal(kernel.ledger.fits(1 << 20), true);
  assert.equal(kernel.ledger.fits((1 << 20) + 1), false);
  // b grows past the budget: it is the one told.
  assert.equal(kernel.ledger.publish(b, 3.5 * (1 << 20)), 'over-budget');
  // a shrinking or holding still is never over-budget.
  assert.equal(kernel.ledger.publish(a, 1 << 20), 'ok');
  kernel.exitProcess(b, { kind: 'killed', signal: 9, limit: 'memory' });
  assert.equal(kernel.ledger.committedBytes, 1 << 20, 'b\'s pages left with it');
  assert.equal(kernel.ledger.publish(b, 1 << 20), 'retired', 'a thread that outlives its process adds nothing');
  assert.equal(kernel.ledger.committedBytes, 1 << 20);
  assert.ok(kernel.readMessages(0).lines.some((l) => /killed: its memory took the programs over the memory budget/.test(l)));
});

test('custody: an exit listener\'s process handles wait for its next instance, which adopts them with what became of each', () => {
  const { kernel } = makeKernel();
  const proc = service(kernel);
  kernel.exitListeners.add(proc);
  const client = rootPid(kernel, 'client');
  const running = must(kernel.spawn(proc, { name: 'running', handles: [], boot: null, lineage: client, group: -1, tag: 42 }));
  const ending = must(kernel.spawn(proc, { name: 'ending', handles: [], boot: null, lineage: client, group: running.pid }));
  const gone = rootPid(kernel, 'gone');
  const orphan = must(kernel.spawn(proc, { name: 'orphan', handles: [], boot: null, lineage: gone }));
  kernel.exitProcess(gone, { kind: 'exited', code: 0 });
  assert.equal(kernel.kill(proc, running.handle, 19), Status.OK, 'stopped');
  // Only an exit listener may adopt.
  assert.equal(kernel.adopt(client).status, Status.ACCESS_DENIED);
  kernel.exitProcess(proc, { kind: 'killed', signal: 9 });
  kernel.exitListeners.delete(proc);
  // While no proc runs, one of its processes ends: its record and status are kept for the next.
  kernel.exitProcess(ending.pid, { kind: 'exited', code: 4 });
  assert.ok(kernel.process(ending.pid), 'an ended process in custody is not reaped');
  const next = service(kernel);
  assert.equal(kernel.process(next)!.name, 'proc');
  kernel.exitListeners.add(next);
  const adopted = must(kernel.adopt(next));
  assert.deepEqual(adopted.map((a) => ({ ...a, handle: 0 })).sort((a, b) => a.pid - b.pid), [
    { pid: running.pid, handle: 0, lineage: client, name: 'running', group: -1, tag: 42, status: null, stopSignal: 19 },
    { pid: ending.pid, handle: 0, lineage: client, name: 'ending', group: running.pid, tag: 0, status: { kind: 'exited', code: 4 }, stopSignal: 0 },
    { pid: orphan.pid, handle: 0, lineage: 0, name: 'orphan', group: 0, tag: 0, status: null, stopSignal: 0 },
  ].sort((a, b) => a.pid - b.pid));
  // The handles work: the new instance signals and closes them like its own.
  const h = adopted.find((a) => a.pid === running.pid)!.handle;
  assert.equal(kernel.kill(next, h, 9), Status.OK);
  assert.equal(kernel.process(running.pid)!.alive, false);
  for (const a of adopted) assert.equal(kernel.close(next, a.handle), Status.OK);
  assert.equal(kernel.process(ending.pid), undefined, 'reaped once its last handle is closed');
  assert.deepEqual(must(kernel.adopt(next)), [], 'custody is taken once');
});

test('custody nobody will adopt is released: the processes it kept are reaped once ended', () => {
  const { kernel } = makeKernel();
  const proc = service(kernel);
  kernel.exitListeners.add(proc);
  const ended = must(kernel.spawn(proc, { name: 'ended', handles: [], boot: null }));
  kernel.exitProcess(proc, { kind: 'killed', signal: 9 });
  kernel.exitListeners.delete(proc);
  kernel.exitProcess(ended.pid, { kind: 'exited', code: 0 });
  assert.ok(kernel.process(ended.pid), 'kept while in custody');
  kernel.releaseCustody('proc');
  assert.equal(kernel.process(ended.pid), undefined, 'reaped once custody is released');
});

test('an exit listener that has no receive queue yet gets the events posted meanwhile once it opens one', () => {
  const { kernel } = makeKernel();
  const listener = rootPid(kernel, 'proc');
  kernel.exitListeners.add(listener);
  const child = rootPid(kernel, 'child');
  kernel.exitProcess(child, { kind: 'exited', code: 5 });
  assert.deepEqual(kernel.takeEvents(listener), [], 'no queue: nothing to take yet');
  assert.notEqual(kernel.openQueue(kernel.process(listener)!), null);
  assert.deepEqual(kernel.takeEvents(listener), [{ kind: 'process-exited', pid: child, status: { kind: 'exited', code: 5 } }]);
});

/**
 * The static channel policy (Muen's model) in the kernel: once sealed, only the kernel process
 * creates channels, and a handle to a labelled service channel is installed in a process — by
 * spawn or by a channel read — only if that process's principal names the service.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { KERNEL_PID } from '../../src/kernel/kernel.js';
import { StaticPolicy } from '../../src/kernel/static-policy.js';
import { Right } from '../../src/abi/rights.js';
import { Status } from '../../src/abi/status.js';
import { makeKernel, must } from './kernel-fixture.js';

const CLIENT = Right.READ | Right.WRITE | Right.TRANSFER | Right.DUPLICATE;

function policyKernel() {
  const fx = makeKernel();
  const k = fx.kernel;
  const [disk] = must(k.channelCreate(KERNEL_PID));
  const [net] = must(k.channelCreate(KERNEL_PID));
  k.policy = new StaticPolicy(new Set(['net']));
  k.policy.label(must(k.info(KERNEL_PID, disk)).object, 'disk');
  k.policy.label(must(k.info(KERNEL_PID, net)).object, 'net');
  return { ...fx, k, disk, net };
}

test('static: a program may be given only the services programs may hold', () => {
  const { k, disk, net } = policyKernel();
  k.policy!.seal();
  const netCopy = must(k.duplicate(KERNEL_PID, net, CLIENT, 7));
  const diskCopy = must(k.duplicate(KERNEL_PID, disk, CLIENT, 7));
  assert.equal(k.spawn(KERNEL_PID, { name: 'prog', handles: [netCopy, diskCopy], boot: null }).status, Status.ACCESS_DENIED);
  // Nothing moved: the kernel process still holds both copies.
  assert.equal(k.info(KERNEL_PID, diskCopy).status, Status.OK);
  assert.equal(k.info(KERNEL_PID, netCopy).status, Status.OK);
  const prog = must(k.spawn(KERNEL_PID, { name: 'prog', handles: [netCopy], boot: null }));
  assert.equal(k.process(prog.pid)!.alive, true);
});

test('static: a service worker gets the principal the kernel names; its children are programs', () => {
  const { k, disk } = policyKernel();
  k.policy!.seal();
  const diskCopy = must(k.duplicate(KERNEL_PID, disk, CLIENT, 9));
  const worker = must(k.spawn(KERNEL_PID, { name: 'fs', handles: [diskCopy], boot: null, principal: new Set(['disk']) }));
  const [inWorker] = worker.childHandles;
  // The worker may not pass the disk on to a child of its own, nor name a principal for it.
  assert.equal(k.spawn(worker.pid, { name: 'child', handles: [inWorker!], boot: null, principal: new Set(['disk']) }).status, Status.ACCESS_DENIED);
  assert.equal(k.info(worker.pid, inWorker!).status, Status.OK);
});

test('static: after sealing, only the kernel process creates channels', () => {
  const { k } = policyKernel();
  const child = must(k.spawn(KERNEL_PID, { name: 'prog', handles: [], boot: null }));
  assert.equal(k.channelCreate(child.pid).status, Status.OK, 'before sealing (boot) channels may be made');
  k.policy!.seal();
  assert.equal(k.channelCreate(child.pid).status, Status.ACCESS_DENIED);
  assert.equal(k.channelCreate(KERNEL_PID).status, Status.OK);
});

test('static: a handle sent in a message is refused at a reader that may not hold it, and the message is dropped', () => {
  const { k, disk, net } = policyKernel();
  const [a, b] = must(k.channelCreate(KERNEL_PID));
  const prog = must(k.spawn(KERNEL_PID, { name: 'prog', handles: [b], boot: null }));
  k.policy!.seal();
  const [progEnd] = prog.childHandles;
  const diskCopy = must(k.duplicate(KERNEL_PID, disk, CLIENT, 3));
  assert.equal(k.channelWrite(KERNEL_PID, a, new Uint8Array([1]), [diskCopy]), Status.OK);
  assert.equal(k.channelRead(prog.pid, progEnd!).status, Status.ACCESS_DENIED);
  assert.equal(k.channelRead(prog.pid, progEnd!).status, Status.SHOULD_WAIT, 'the refused message is gone');
  const netCopy = must(k.duplicate(KERNEL_PID, net, CLIENT, 3));
  assert.equal(k.channelWrite(KERNEL_PID, a, new Uint8Array([2]), [netCopy]), Status.OK);
  const got = must(k.channelRead(prog.pid, progEnd!));
  assert.deepEqual([...got.bytes], [2]);
  assert.equal(k.info(prog.pid, got.handles[0]!).status, Status.OK);
});

test('without a policy, the same moves are allowed', () => {
  const fx = makeKernel();
  const k = fx.kernel;
  const [disk] = must(k.channelCreate(KERNEL_PID));
  const prog = must(k.spawn(KERNEL_PID, { name: 'prog', handles: [disk], boot: null }));
  assert.equal(k.channelCreate(prog.pid).status, Status.OK);
});

/**
 * The waiting policy's learning (src/ipc/wait-policy.ts SpinBudget) and the nested-call word
 * (WAITING_OUT in a receive queue's header, on real shared memory): a budget halves on each failed
 * spin down to 1/64 of the ceiling and doubles back on success; a wait that a longer spin would
 * have covered raises it at once to twice that wait (without that, a budget below the server's
 * service time could never climb back and every call would sleep); a wait past the ceiling
 * changes nothing; a server thread's queue shows it waiting on a call of its own.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { SpinBudget } from '../../src/ipc/wait-policy.js';
import { Arena } from '../../src/ipc/arena.js';
import { ReceiveQueue } from '../../src/ipc/receive-queue.js';

const CEILING = 100_000;

test('a spin budget halves on failure down to 1/64, doubles back on success', () => {
  const b = new SpinBudget();
  assert.equal(b.of(CEILING), CEILING);
  for (let i = 0; i < 10; i++) b.failed();
  assert.equal(b.of(CEILING), CEILING / 64, 'floored at 1/64');
  b.succeeded();
  assert.equal(b.of(CEILING), CEILING / 32);
  for (let i = 0; i < 10; i++) b.succeeded();
  assert.equal(b.of(CEILING), CEILING, 'capped at the ceiling');
});

test('a wait a longer spin would have covered raises the budget to twice that wait; a longer one does not', () => {
  const b = new SpinBudget();
  for (let i = 0; i < 10; i++) b.failed();
  b.covered(20_000, CEILING);
  assert.equal(b.of(CEILING), 40_000, 'twice the wait that ended within the ceiling');
  b.covered(10_000, CEILING);
  assert.equal(b.of(CEILING), 40_000, 'a shorter wait never lowers it');
  b.covered(CEILING + 1, CEILING);
  assert.equal(b.of(CEILING), 40_000, 'past the ceiling: spinning would not have helped');
  b.covered(80_000, CEILING);
  assert.equal(b.of(CEILING), CEILING, 'never above the ceiling');
});

test('a receive queue shows whether its server is waiting on a call of its own', () => {
  const arena = Arena.create();
  const server = new ReceiveQueue(arena, 2);
  const seenByCaller = new ReceiveQueue(arena, 2);
  assert.equal(seenByCaller.waitingOut(), false);
  server.setWaitingOut(1);
  assert.equal(seenByCaller.waitingOut(), true);
  assert.equal(new ReceiveQueue(arena, 3).waitingOut(), false, 'another queue is not affected');
  server.setWaitingOut(0);
  assert.equal(seenByCaller.waitingOut(), false);
});

/**
 * Waiting, on the main thread, for a counter another thread bumps (and notifies) in shared memory:
 * the race tests' reader threads count their attempts this way. Bounded: fails the test if the
 * counter does not reach the value within 10 s.
 */

import assert from 'node:assert/strict';

/** Wait until `ctrl[index]` is at least `atLeast`. */
export function waitForCount(ctrl: Int32Array, index: number, atLeast: number): void {
  const deadline = Date.now() + 10_000;
  for (let seen = Atomics.load(ctrl, index); seen < atLeast; seen = Atomics.load(ctrl, index)) {
    assert.ok(Date.now() < deadline, 'the reader made no progress');
    Atomics.wait(ctrl, index, seen, 50);
  }
}

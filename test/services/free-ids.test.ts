/**
 * FreeIds (the page cache's free entries and pages): under any sequence of takes and gives, every
 * id handed out is in the range and held by one taker at a time, `size` is what is left, and a
 * pool taken to empty has handed out each id exactly once.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FreeIds } from '../../src/services/fs/free-ids.js';

test('ids are in range, held once, and counted', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 64 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 9 })), { maxLength: 80 }), (first, count, steps) => {
    const free = new FreeIds(first, count);
    const held = new Set<number>();
    for (const [take, n] of steps) {
      if (take) {
        if (free.size < n) continue;
        for (const id of free.take(n)) {
          assert.ok(id >= first && id < first + count, `id ${id} outside [${first}, ${first + count})`);
          assert.ok(!held.has(id), `id ${id} handed out twice`);
          held.add(id);
        }
      } else {
        const back = [...held].slice(0, n);
        for (const id of back) held.delete(id);
        free.give(back);
      }
      assert.equal(free.size, count - held.size);
    }
    const rest = free.take(free.size);
    assert.equal(new Set([...rest, ...held]).size, count);
  }));
});

/**
 * The module shelf (src/ipc/module-shelf.ts) on a real arena and a real compiled module: an entry
 * is found only under its exact key and only while its change word holds its value; a moved word
 * drops it for good (even if the word were to come back); only the arena's change words count;
 * the shelf keeps at most its bound, the least recently used going first; a shelf answers only for the arena it was made on.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Arena, CHANGE_SLOTS, CHANGE_SLOT_OWNERS, CHANGE_WORDS } from '../../src/ipc/arena.js';
import { ModuleShelf, shelfKey } from '../../src/ipc/module-shelf.js';
import { prog } from '../support/api-helpers.js';

const ARENA = { maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024 };
const module = new WebAssembly.Module(readFileSync(prog('hello')));

test('an entry is found by its exact key while its change word holds, and never again once the word moved', () => {
  const arena = Arena.create(ARENA);
  const word = arena.changeWord(3);
  Atomics.store(arena.i32, word, 41);
  const shelf = new ModuleShelf(arena);
  const key = shelfKey(7, 1234, word, undefined);
  assert.equal(shelf.put({ key, word, change: 41, module }), true);
  assert.equal(shelf.find(key), module);
  // Another file, another file system, another cap: other keys.
  assert.equal(shelf.find(shelfKey(7, 1235, word, undefined)), undefined);
  assert.equal(shelf.find(shelfKey(8, 1234, word, undefined)), undefined);
  assert.equal(shelf.find(shelfKey(7, 1234, word, 65536)), undefined);
  assert.equal(shelf.find(shelfKey(7, 1234, arena.changeWord(4), undefined)), undefined);
  Atomics.add(arena.i32, word, 1);
  assert.equal(shelf.find(key), undefined, 'the file system changed: the entry is stale');
  Atomics.sub(arena.i32, word, 1);
  assert.equal(shelf.find(key), undefined, 'a dropped entry does not come back');
  assert.equal(shelf.size, 0);
  // One whose word moved before it was put is refused.
  assert.equal(shelf.put({ key, word, change: 40, module }), false);
  assert.equal(shelf.size, 0);
});

test('valid() drops the stale entries and lists the rest; the bound evicts the least recently used', () => {
  const arena = Arena.create(ARENA);
  const a = arena.changeWord(0), b = arena.changeWord(1);
  const shelf = new ModuleShelf(arena, 3);
  for (let ino = 1; ino <= 3; ino++) shelf.put({ key: shelfKey(1, ino, a, undefined), word: a, change: 0, module });
  shelf.find(shelfKey(1, 1, a, undefined)); // 1 is now the most recently used: 2 goes first
  shelf.put({ key: shelfKey(2, 9, b, undefined), word: b, change: 0, module });
  assert.deepEqual(shelf.valid().map((e) => e.key), [shelfKey(1, 3, a, undefined), shelfKey(1, 1, a, undefined), shelfKey(2, 9, b, undefined)]);
  Atomics.add(arena.i32, a, 1);
  assert.deepEqual(shelf.valid().map((e) => e.key), [shelfKey(2, 9, b, undefined)]);
  assert.equal(shelf.size, 1);
  // Nonsense words, and words of the arena that are no file system's, are never live.
  assert.equal(shelf.put({ key: 'x', word: -1, change: 0, module }), false);
  assert.equal(shelf.put({ key: 'z', word: 0, change: Atomics.load(arena.i32, 0), module }), false);
  const past = arena.changeWord(CHANGE_WORDS + CHANGE_SLOT_OWNERS * CHANGE_SLOTS);
  assert.equal(shelf.put({ key: 'w', word: past, change: Atomics.load(arena.i32, past), module }), false);
  // A change slot (a file's own word: decision 023) is a file system's.
  const slot = arena.changeSlots(0) + 5;
  assert.equal(shelf.put({ key: 's', word: slot, change: Atomics.load(arena.i32, slot), module }), true);
  assert.equal(shelf.put({ key: 'y', word: arena.i32.length, change: 0, module }), false);
});

test('a shelf answers for its own arena only', () => {
  const one = Arena.create(ARENA), two = Arena.create(ARENA);
  const shelf = new ModuleShelf(one);
  assert.equal(shelf.of(one), true);
  assert.equal(shelf.of(Arena.attach(one.buffer)), true);
  assert.equal(shelf.of(two), false);
});

/**
 * The compiled-module cache (src/runtime/module-cache.ts): a hit only for identical bytes — a
 * change in any one position, even one the key's samples skip, is a miss; the cache keeps its
 * own copy, so a caller changing its buffer afterwards changes nothing; the bytes held stay
 * within the limit, least recently used out first; and a real module compiled once is returned
 * again for a second copy of the same file.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ModuleCache } from '../../src/runtime/module-cache.js';

const HELLO = fileURLToPath(new URL('../../../programs/c/build/hello.wasm', import.meta.url));

test('a hit needs the same bytes in every position', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 70_000 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, delta) => {
    const cache = new ModuleCache<string>(1 << 20);
    cache.put(bytes, 'stored');
    assert.equal(cache.get(bytes.slice()), 'stored');
    const changed = bytes.slice();
    const i = at % bytes.length;
    changed[i] = (changed[i]! + delta) & 0xff;
    assert.equal(cache.get(changed), undefined);
    assert.equal(cache.get(bytes.subarray(0, bytes.length - 1)), undefined);
  }), { numRuns: 200 });
});

test('unaligned views compare the same as aligned ones', () => {
  const backing = new Uint8Array(1001);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 7) & 0xff;
  const cache = new ModuleCache<number>(1 << 20);
  cache.put(backing.subarray(1), 1);
  assert.equal(cache.get(backing.slice(1)), 1);
  const other = backing.slice(1);
  other[999] = other[999]! ^ 1;
  assert.equal(cache.get(other), undefined);
});

test('the cache holds a copy: changing the caller\'s buffer later changes nothing', () => {
  const cache = new ModuleCache<string>(1024);
  const buf = new Uint8Array([1, 2, 3, 4]);
  cache.put(buf, 'a');
  buf[0] = 9;
  assert.equal(cache.get(buf), undefined);
  assert.equal(cache.get(new Uint8Array([1, 2, 3, 4])), 'a');
});

test('the bytes held stay within the limit, least recently used out first', () => {
  const cache = new ModuleCache<string>(300);
  const a = new Uint8Array(100).fill(1);
  const b = new Uint8Array(100).fill(2);
  const c = new Uint8Array(100).fill(3);
  const d = new Uint8Array(100).fill(4);
  cache.put(a, 'a');
  cache.put(b, 'b');
  cache.put(c, 'c');
  assert.equal(cache.get(a), 'a'); // a is now the most recently used
  cache.put(d, 'd');
  assert.deepEqual(cache.size, { modules: 3, bytes: 300 });
  assert.equal(cache.get(b), undefined);
  assert.equal(cache.get(a), 'a');
  assert.equal(cache.get(c), 'c');
  assert.equal(cache.get(d), 'd');
  cache.put(new Uint8Array(301), 'too big');
  assert.deepEqual(cache.size, { modules: 3, bytes: 300 });
});

test('a real module: the second copy of the file finds the first compilation', () => {
  const cache = new ModuleCache<WebAssembly.Module>(1 << 24);
  const first = readFileSync(HELLO);
  const module = new WebAssembly.Module(first);
  cache.put(first, module);
  assert.equal(cache.get(readFileSync(HELLO)), module);
  assert.ok(WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_snapshot_preview1'));
});

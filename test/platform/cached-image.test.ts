/**
 * The browser's disk-image cache (src/platform/browser/cached-image.ts), against a file held in
 * memory behind the sync-access-handle interface: reads always see every write; what a flush
 * returns from is all on the file; a file that was never flushed holds nothing written since the
 * last flush; and block-sized writes reach the handle as one call per dirty chunk, not one each.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CachedImage } from '../../src/platform/browser/cached-image.js';
import type { SyncAccessHandle } from '../../src/platform/browser/web-globals.js';

/** A file in memory with OPFS's sync access handle semantics, counting the calls made to it. */
class MemoryHandle implements SyncAccessHandle {
  bytes = new Uint8Array(0);
  calls = { read: 0, write: 0, flush: 0, getSize: 0 };
  read(into: Uint8Array, { at }: { at: number }): number {
    this.calls.read++;
    const n = Math.max(0, Math.min(into.length, this.bytes.length - at));
    into.set(this.bytes.subarray(at, at + n));
    return n;
  }
  write(from: Uint8Array, { at }: { at: number }): number {
    this.calls.write++;
    if (at + from.length > this.bytes.length) this.resize(at + from.length);
    this.bytes.set(from, at);
    return from.length;
  }
  truncate(size: number): void {
    this.resize(size);
  }
  getSize(): number {
    this.calls.getSize++;
    return this.bytes.length;
  }
  flush(): void {
    this.calls.flush++;
  }
  close(): void {}
  private resize(size: number): void {
    const b = new Uint8Array(size);
    b.set(this.bytes.subarray(0, Math.min(size, this.bytes.length)));
    this.bytes = b;
  }
}

type Op =
  | { kind: 'write'; at: number; data: Uint8Array }
  | { kind: 'read'; at: number; length: number }
  | { kind: 'truncate'; size: number }
  | { kind: 'flush' };

const MAX = 1 << 20; // positions across several 256 KiB chunks
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(MAX), data: fc.uint8Array({ minLength: 1, maxLength: 9000 }) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.nat(MAX), length: fc.nat(9000) }),
  fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(MAX) }),
  fc.record({ kind: fc.constant('flush' as const) }),
);

test('reads see every write, and a flush leaves exactly the written image on the file', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(op, { maxLength: 40 }), (initial, ops) => {
    const handle = new MemoryHandle();
    handle.write(initial, { at: 0 });
    const image = new CachedImage(handle);
    let model = initial.slice();
    let flushed = initial.slice();
    for (const o of ops) {
      if (o.kind === 'write') {
        assert.equal(image.write(o.data, o.at), o.data.length);
        if (o.at + o.data.length > model.length) {
          const grown = new Uint8Array(o.at + o.data.length);
          grown.set(model);
          model = grown;
        }
        model.set(o.data, o.at);
      } else if (o.kind === 'read') {
        const into = new Uint8Array(o.length);
        const n = image.read(into, o.at);
        const want = model.subarray(Math.min(o.at, model.length), Math.min(o.at + o.length, model.length));
        assert.equal(n, want.length);
        assert.deepEqual(into.subarray(0, n), want);
      } else if (o.kind === 'truncate') {
        image.truncate(o.size);
        const cut = new Uint8Array(o.size);
        cut.set(model.subarray(0, Math.min(o.size, model.length)));
        model = cut;
      } else {
        image.flush();
        assert.deepEqual(handle.bytes, model);
        flushed = model.slice();
      }
      assert.equal(image.bytes, model.length);
    }
    // Unflushed writes are not on the file (truncate writes out first, so compare only if none happened since the last flush).
    if (!ops.some((o) => o.kind === 'truncate')) assert.deepEqual(handle.bytes, flushed);
    image.close();
    assert.deepEqual(handle.bytes, model, 'close writes out what was not flushed');
  }), { numRuns: 300 });
});

test('4 KiB block writes reach the handle as one write per dirty 256 KiB chunk, at the flush', () => {
  const handle = new MemoryHandle();
  handle.truncate(64 * 1024 * 1024);
  const image = new CachedImage(handle);
  const block = new Uint8Array(4096).fill(7);
  for (let i = 0; i < 1024; i++) image.write(block, i * 4096); // 4 MiB: 16 chunks
  assert.equal(handle.calls.write, 0, 'nothing is written before the flush');
  image.flush();
  assert.equal(handle.calls.write, 16);
  assert.equal(handle.calls.flush, 1);
  assert.equal(handle.calls.read, 16, 'each chunk is read once');
  const again = new Uint8Array(4096);
  for (let i = 0; i < 1024; i++) image.read(again, i * 4096);
  assert.equal(handle.calls.read, 16, 'cached chunks are not read again');
  assert.equal(handle.calls.getSize, 1, 'the file size is asked once, at open');
  assert.deepEqual(again, block);
});

/**
 * NodeHolds (services/vfs/node-holds.ts): the VFS's one file-system open per node. Driven against
 * a file system that counts what it is asked, with a real change word in shared memory: the
 * file system must see exactly one open per node while any fid holds it, a close for every open
 * it counted once the last fid is gone, a fresh open whenever its change word moved, nothing
 * closed for an instance that was restarted, and a carried close that the next open takes back.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { NodeHolds, type OpenToken } from '../../src/services/vfs/node-holds.js';

const WORD = 3;

class CountingFs {
  readonly words = new Int32Array(new SharedArrayBuffer(64));
  opens = 0;
  closes = 0;
  incarnationNow = 1;
  size = 0;
  refuse = 0;

  change(): void {
    Atomics.add(this.words, WORD, 1);
  }

  holds(): NodeHolds {
    return new NodeHolds({
      incarnation: () => this.incarnationNow,
      open: (node): OpenToken | number => {
        if (this.refuse !== 0) return this.refuse;
        this.opens++;
        return { cached: 0, generation: 0, changeWord: WORD, change: Atomics.load(this.words, WORD), global: WORD, slots: -1, attributes: { ino: node, nlink: 1, size: this.size, atim: 0n, mtim: 0n, ctim: 0n }, host: null };
      },
      close: () => void this.closes++,
      wordNow: (w) => Atomics.load(this.words, w),
    });
  }
}

const sizeOf = (t: OpenToken | number): number => (typeof t === 'number' ? -t : t.attributes!.size);

test('a node held by a fid is opened again without asking the file system while nothing changed', () => {
  const fs = new CountingFs();
  const h = fs.holds();
  assert.equal(sizeOf(h.take(7)), 0);
  for (let i = 0; i < 10; i++) {
    assert.equal(sizeOf(h.take(7)), 0);
    h.drop(7);
  }
  assert.equal(fs.opens, 1);
  assert.equal(fs.closes, 0, 'the first fid still holds it');
  h.drop(7);
  assert.equal(fs.closes, 1, 'the last fid closed it in the file system');
});

test('a change anywhere in the file system refreshes the answer; every open counted is closed at the end', () => {
  const fs = new CountingFs();
  const h = fs.holds();
  h.take(7);
  fs.size = 5;
  fs.change();
  assert.equal(sizeOf(h.take(7)), 5, 'the attributes as of now, not as of the first open');
  assert.equal(sizeOf(h.take(7)), 5);
  assert.equal(fs.opens, 2);
  h.drop(7);
  h.drop(7);
  assert.equal(fs.closes, 0);
  h.drop(7);
  assert.equal(fs.closes, 2, 'both opens the file system counted are closed');
});

test('a refused open takes no reference', () => {
  const fs = new CountingFs();
  const h = fs.holds();
  fs.refuse = 44;
  assert.equal(h.take(9), 44);
  fs.refuse = 0;
  h.drop(9);
  assert.equal(fs.closes, 0, 'nothing to close for a node never opened');
  assert.equal(sizeOf(h.take(9)), 0);
  h.drop(9);
  assert.equal(fs.opens, 1);
  assert.equal(fs.closes, 1);
});

test('after a restart of the file system nothing of the old instance is closed and the node is opened afresh', () => {
  const fs = new CountingFs();
  const h = fs.holds();
  h.take(7);
  fs.incarnationNow = 2;
  h.take(7);
  assert.equal(fs.opens, 2, 'the new instance was asked');
  h.drop(7);
  assert.equal(fs.closes, 1, 'the new instance counted one open, and sees one close');
  fs.incarnationNow = 3;
  h.take(4);
  fs.incarnationNow = 4;
  h.drop(4);
  assert.equal(fs.closes, 1, 'an open counted by a dead instance is not closed in its successor');
});

test('a close carried by an open lingers until settle: taken again it costs nothing, else it is sent', () => {
  const fs = new CountingFs();
  const h = fs.holds();
  h.take(7);
  h.linger();
  h.drop(7);
  assert.equal(fs.closes, 0, 'kept while the open runs');
  h.take(7);
  h.settle();
  assert.equal(fs.opens, 1);
  assert.equal(fs.closes, 0, 'taken again by the open');
  h.linger();
  h.drop(7);
  h.settle();
  assert.equal(fs.closes, 1, 'not taken again: closed at settle');
  h.settle();
  assert.equal(fs.closes, 1, 'settle twice closes nothing twice');
});

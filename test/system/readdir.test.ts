/**
 * Listing directories through fd_readdir: large directories are read in several buffers (the
 * shim keeps the entries that did not fit for the call that resumes there), names of every
 * length cross the buffer's end, and each entry is seen exactly once. Checked with wasi-libc's
 * readdir (list_dir, readdir_bench) under whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { prog, withKeel, within } from '../support/api-helpers.js';

test('a directory of 2500 entries lists each entry once, again and again', async () => {
  await withKeel(async (keel) => {
    const bench = await within(keel.run(prog('readdir_bench'), { args: ['readdir_bench', '/tmp', '2500', '3'], dirs: ['/tmp'] }), 60_000, 'readdir_bench');
    assert.deepEqual(bench.status, { kind: 'exited', code: 0 }, bench.stderr);
    assert.equal(bench.stdout, 'listed 2500 entries 3 times\n');
    const list = await within(keel.run(prog('list_dir'), { args: ['list_dir', '/tmp/many'], dirs: ['/tmp'] }), 60_000, 'list_dir');
    assert.deepEqual(list.status, { kind: 'exited', code: 0 }, list.stderr);
    const expected = Array.from({ length: 2500 }, (_, i) => `f${String(i).padStart(7, '0')}\tfile\t0\n`).join('');
    assert.equal(list.stdout, expected);
  });
});

test('names of every length from 1 to 255 bytes, multi-byte ones too, are listed whole', async () => {
  const names: string[] = [];
  for (let len = 1; len <= 255; len++) names.push('n'.repeat(len));
  for (let len = 1; len <= 85; len += 7) names.push('é'.repeat(len)); // 2 bytes each in UTF-8
  const files = Object.fromEntries(names.map((n, i) => [`/tmp/names/${n}`, 'x'.repeat(i % 5)]));
  await withKeel(async (keel) => {
    const r = await within(keel.run(prog('list_dir'), { args: ['list_dir', '/tmp/names'], dirs: ['/tmp'] }), 60_000, 'list_dir');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    const expected = names.map((n, i) => ({ n, size: i % 5 }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.n), Buffer.from(b.n)))
      .map(({ n, size }) => `${n}\tfile\t${size}\n`).join('');
    assert.equal(r.stdout, expected);
  }, { files });
});

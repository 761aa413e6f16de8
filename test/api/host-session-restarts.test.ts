/**
 * The host's session across restarts of what it calls, against a scripted VFS session (the
 * answers a restart produces, in the order it produces them): a directory check before a program
 * starts asks again while a file system on the way answers EBADF, ESTALE or EIO and answers at
 * once for a real "no"; a stdio pipe whose VFS was restarted between making and sharing it is made
 * again. The campaigns (`npm run faults`) exercise the same with real restarts.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../../src/abi/errno.js';
import { isNamespaceDirectory } from '../../src/api/namespace-files.js';
import { StdioPipe } from '../../src/system/stdio-pipe.js';
import type { SystemVfs } from '../../src/system/system-vfs.js';

type Answer = { transport: number; status: number; reply: Record<string, unknown> | null };
const ok = (reply: Record<string, unknown>): Answer => ({ transport: 0, status: 0, reply });
const err = (status: number): Answer => ({ transport: 0, status, reply: null });

/** A VFS session that answers each op from its script in turn (the last answer repeats); records the calls. */
function scripted(script: Record<string, Answer[]>): { vfs: SystemVfs; calls: string[] } {
  const calls: string[] = [];
  const next = (op: string): Answer => {
    const list = script[op] ?? [ok({})];
    return list.length > 1 ? list.shift()! : list[0]!;
  };
  const vfs = {
    rootFid: async () => 1,
    call: async (op: string) => {
      calls.push(op);
      return next(op);
    },
  };
  return { vfs: vfs as unknown as SystemVfs, calls };
}

test('a directory check asks again while a file system on the way is coming back, and answers a real no at once', async () => {
  const coming = scripted({ statPath: [err(Errno.BADF), err(Errno.STALE), err(Errno.IO), ok({ type: 3 })] });
  assert.equal(await isNamespaceDirectory(coming.vfs, '/disk'), true);
  assert.equal(coming.calls.length, 4);
  const missing = scripted({ statPath: [err(Errno.NOENT)] });
  assert.equal(await isNamespaceDirectory(missing.vfs, '/nope'), false);
  assert.equal(missing.calls.length, 1, 'ENOENT is an answer');
  const file = scripted({ statPath: [ok({ type: 4 })] });
  assert.equal(await isNamespaceDirectory(file.vfs, '/a-file'), false);
  const gone = scripted({ statPath: [err(Errno.IO)] });
  assert.equal(await isNamespaceDirectory(gone.vfs, '/disk'), false, 'a file system that never comes back: no, in the end');
  assert.ok(gone.calls.length > 10 && gone.calls.length < 100, 'bounded');
});

test('a stdio pipe whose VFS was restarted between making and sharing it is made again', async () => {
  const { vfs, calls } = scripted({
    pipe: [ok({ readFid: 5, writeFid: 6 }), ok({ readFid: 7, writeFid: 8 })],
    share: [err(Errno.BADF), ok({ token: 42 })],
  });
  const p = await StdioPipe.open(vfs, 1, false);
  assert.ok(typeof p !== 'number', `a pipe, not errno ${String(p)}`);
  assert.equal(p.fd.token, 42);
  assert.equal(calls.filter((c) => c === 'pipe').length, 2);
  const refused = scripted({ pipe: [err(Errno.MFILE)] });
  assert.equal(await StdioPipe.open(refused.vfs, 1, false), Errno.MFILE, 'any other refusal is the answer');
  assert.equal(refused.calls.length, 1);
});

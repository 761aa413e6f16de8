/**
 * Unit tests of session recovery's replay of unsynced writes (runtime/session-recovery.ts): the
 * writes a file got since its last sync are written again after each re-open, and stay kept
 * until a sync succeeds — also when the replay itself is cut by another restart, so the recovery
 * after that one writes them all again. (Found by `npm run faults -- --victims disk0`: a replay cut
 * by a second diskfs restart dropped the writes, and the sync that followed succeeded without them.)
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '../../src/ipc/caller.js';
import { FdTable } from '../../src/runtime/fd-table.js';
import { type RawVfs, SessionRecovery } from '../../src/runtime/session-recovery.js';
import { Errno } from '../../src/abi/errno.js';

/** A VFS that always serves (incarnation 1); the file system behind it is what the test breaks. */
const caller = { incarnation: () => 1, awaitServed: () => true, servesWord: () => 0 } as unknown as Caller;

/** A raw VFS recording each write; `failWrites` of them fail (the file system restarted again mid-replay). */
function rawVfs(): RawVfs & { writes: { fid: number; offset: number; text: string }[]; failWrites: number } {
  let next = 100;
  const raw = {
    writes: [] as { fid: number; offset: number; text: string }[],
    failWrites: 0,
    openRoot: () => ({ fid: next++ }),
    open: () => ({ fid: next++ }),
    close: () => {},
    forget: () => {},
    write: (fid: number, offset: number, data: Uint8Array): number => {
      if (raw.failWrites > 0) {
        raw.failWrites--;
        return Errno.IO;
      }
      raw.writes.push({ fid, offset, text: new TextDecoder().decode(data) });
      return 0;
    },
  };
  return raw;
}

function session(raw: RawVfs): { recovery: SessionRecovery; fds: FdTable } {
  const recovery = new SessionRecovery(caller, 1, raw, () => 0);
  const fds = new FdTable();
  fds.set(3, {
    kind: 'file', fid: 7, filetype: 4, offset: 0, rightsBase: 0, rightsInheriting: 0, flags: 0, preopen: null,
    origin: { root: '/disk', path: 'log', lookup: 0, oflags: 0 },
  });
  recovery.adopt(fds, 1);
  return { recovery, fds };
}

test('unsynced writes are written again after a re-open, and dropped once synced', () => {
  const raw = rawVfs();
  const { recovery, fds } = session(raw);
  recovery.wrote(7, 0, new TextEncoder().encode('A'));
  recovery.wrote(7, 1, new TextEncoder().encode('B'));
  const moved = recovery.recover()!;
  const fid = moved.get(7)!;
  assert.equal(fds.get(3)!.fid, fid);
  assert.deepEqual(raw.writes, [{ fid, offset: 0, text: 'A' }, { fid, offset: 1, text: 'B' }]);
  recovery.synced(fid);
  raw.writes.length = 0;
  recovery.recover();
  assert.deepEqual(raw.writes, [], 'a synced file has nothing to write again');
});

test('a replay cut by another restart is made whole by the next recovery', () => {
  const raw = rawVfs();
  const { recovery, fds } = session(raw);
  for (const [i, t] of ['A', 'B', 'C'].entries()) recovery.wrote(7, i, new TextEncoder().encode(t));
  // The first replay gets through one write, then the file system is gone again.
  raw.failWrites = 0;
  const realWrite = raw.write;
  let calls = 0;
  raw.write = (fid, offset, data) => (++calls === 2 ? Errno.IO : realWrite(fid, offset, data));
  recovery.recover();
  raw.write = realWrite;
  raw.writes.length = 0;
  // The next recovery (the retried call found the session lost again) writes them all.
  recovery.recover();
  const fid = fds.get(3)!.fid;
  assert.deepEqual(raw.writes, [{ fid, offset: 0, text: 'A' }, { fid, offset: 1, text: 'B' }, { fid, offset: 2, text: 'C' }]);
});

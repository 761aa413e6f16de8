/**
 * The proc service with real processes: a TypeScript program starts wasm programs by VFS path
 * (served from the host's programs/c/build through hostfs at /bin), waits for one child and for
 * any child, and sees exit codes, traps, programs that are not wasm, and the errors for a path
 * that does not exist and for waiting on a process that is not its child.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { Errno } from '../../src/abi/errno.js';
import { testSystem } from '../support/manifest.js';

interface Wait { pid: number; kind: number; code: number; message: string }
interface Seen {
  self: { pid: number; parent: number };
  pid: number;
  spawnA: { pid: number };
  waitA: Wait;
  spawnBC: { pid: number }[];
  waitAny: Wait[];
  waitNone: { errno: number };
  waitStranger: { errno: number };
  missing: { errno: number };
  relative: { errno: number };
  badJson: number;
  waitTrap: Wait;
  waitJunk: Wait;
}

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));

test('proc: spawn by path, wait, exit codes, parent and child', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'keel-bin-'));
  for (const p of ['hello', 'exit_code', 'trap']) copyFileSync(join(build, `${p}.wasm`), join(bin, `${p}.wasm`));
  writeFileSync(join(bin, 'junk.wasm'), 'not a wasm module');
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), testSystem({ hostDirs: [{ hostPath: bin, vfsPath: '/bin', readOnly: true }] }));
  try {
    const out = new SharedArrayBuffer(1 << 16);
    const { handle } = system.spawnScript(new URL('../support/proc-driver.js', import.meta.url).href, [], { out });
    assert.deepEqual(await system.wait(handle), { kind: 'exited', code: 0 });
    const len = new DataView(out).getUint32(0, true);
    const seen = JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, len).slice())) as Seen;

    assert.equal(seen.self.pid, seen.pid, 'self names the caller');
    const a = seen.spawnA.pid;
    assert.ok(a > 0);
    assert.deepEqual(seen.waitA, { pid: a, kind: 0, code: 7, message: '' });
    const [b, c] = seen.spawnBC.map((x) => x.pid);
    const any = seen.waitAny;
    assert.deepEqual(any.map((w) => w.pid).sort(), [b, c].sort());
    assert.equal(any.find((w) => w.pid === b)!.code, 0);
    assert.equal(any.find((w) => w.pid === c)!.code, 3);
    assert.deepEqual(seen.waitNone, { errno: Errno.CHILD });
    assert.deepEqual(seen.waitStranger, { errno: Errno.CHILD });
    assert.deepEqual(seen.missing, { errno: Errno.NOENT });
    assert.deepEqual(seen.relative, { errno: Errno.INVAL });
    assert.equal(seen.badJson, Errno.INVAL);
    assert.equal(seen.waitTrap.kind, 1, 'trapped');
    assert.match(seen.waitTrap.message, /unreachable/);
    assert.equal(seen.waitJunk.kind, 3, 'crashed');
    assert.match(seen.waitJunk.message, /not a valid WebAssembly module/);
  } finally {
    await system.shutdown();
    rmSync(bin, { recursive: true, force: true });
  }
});

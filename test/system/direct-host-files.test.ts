/**
 * Direct host files (docs/decisions/024-direct-host-files.md): a program's open file on a host
 * directory is read, written, fstat'ed and synced by its own thread, on a descriptor of its own
 * reopened from hostfs's, instead of by calls to hostfs.
 *
 * Checked by what the host process holds (its /proc/self/fd, Linux only), not by time: once a
 * program has written a file it holds open there are two descriptors of it (hostfs's and its own),
 * the program's is gone the moment it closes the file, and a killed program leaves none behind.
 * What must not change: a reader that has the file's data in the page cache sees a writer's
 * bytes right after the write returns, whichever opened first (a direct write cannot revoke a
 * cached copy, so the file is not cached while a writer holds it).
 * A directory there does the calls that name one component (mkdir, rmdir, unlink, stat) itself:
 * they answer exactly as the same calls on tmpfs, and hostfs serves none of them.
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { within } from '../support/api-helpers.js';
import { Probe, servedBy, workerOf } from '../support/attr-probe.js';
import { MANIFESTS } from '../support/manifest.js';
import { descriptorsOf, withHostDir } from '../support/host-dir.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;
const linux = process.platform === 'linux';

test('a program holds its own descriptor of an open host file, and closes it with the file', { skip: !linux }, async () => {
  await withHostDir(manifest, async (keel, host) => {
    mkdirSync(join(host, 'sub'));
    symlinkSync('sub', join(host, 'via'));
    const p = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('wopen /host/via/own'), 'ok');
      assert.equal(descriptorsOf(join(host, 'sub/own')), 1, "hostfs's descriptor: the program takes its own at its first call that needs it");
      assert.equal(await p.ask('writes 100'), 'ok');
      assert.equal(descriptorsOf(join(host, 'sub/own')), 2, "hostfs's descriptor and the program's own");
      assert.equal(await p.ask('fstat'), 'size 100 nlink 1');
      assert.equal(await p.ask('pread 0 3'), 'data xxx');
      assert.equal(readFileSync(join(host, 'sub/own'), 'utf8'), 'x'.repeat(100), 'the writes are on the host when they return');
      assert.equal(await p.ask('close'), 'ok');
      assert.ok(descriptorsOf(join(host, 'sub/own')) <= 1, "the program's own descriptor is closed with the file (hostfs's may wait for the next call)");
    } finally {
      await p.quit();
    }
  });
});

test('a killed program leaves no descriptor of a host file behind', { skip: !linux }, async () => {
  await withHostDir(manifest, async (keel, host) => {
    mkdirSync(join(host, 'sub'));
    symlinkSync('sub', join(host, 'via'));
    const p = await Probe.start(keel, ['/host']);
    assert.equal(await p.ask('wopen /host/via/killed'), 'ok');
    assert.equal(await p.ask('pwrite 0 kept'), 'ok');
    assert.equal(descriptorsOf(join(host, 'sub/killed')), 2);
    assert.ok(p.process.kill(9), 'the kill was delivered');
    await within(p.process.exited, 20_000, 'the killed probe to end');
    // The VFS ends the session (hostfs closes its descriptor) when the process's handle goes.
    const q = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await q.ask('open /host/via/killed'), 'ok');
      assert.equal(await q.ask('pread 0 4'), 'data kept');
      assert.equal(await q.ask('close'), 'ok');
    } finally {
      await q.quit();
    }
    assert.ok(descriptorsOf(join(host, 'sub/killed')) <= 1, `descriptors left on the file: ${descriptorsOf(join(host, 'sub/killed'))}`);
  });
});

test('killing programs that hold host files leaves every other descriptor alone', { skip: !linux }, async () => {
  await withHostDir(manifest, async (keel, host) => {
    const keeper = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await keeper.ask('wopen /host/keep'), 'ok');
      for (let i = 0; i < 10; i++) {
        const victim = await Probe.start(keel, ['/host']);
        assert.equal(await victim.ask(`wopen /host/victim${i}`), 'ok');
        assert.equal(await victim.ask('pwrite 0 doomed'), 'ok');
        assert.ok(victim.process.kill(9));
        await within(victim.process.exited, 20_000, 'the killed probe to end');
        // Its worker's descriptors are closed once (by Node, as the worker ends): none of the
        // keeper's, hostfs's or a new worker's may go with them.
        assert.equal(await keeper.ask(`pwrite ${i} ${i}`), 'ok', `round ${i}`);
        assert.equal(await keeper.ask(`pread ${i} 1`), `data ${i}`, `round ${i}`);
      }
      assert.equal(await keeper.ask('fstat'), 'size 10 nlink 1');
      assert.equal(await keeper.ask('close'), 'ok');
      assert.equal(readFileSync(join(host, 'keep'), 'utf8'), '0123456789');
    } finally {
      await keeper.quit();
    }
  });
});

test('appends from two programs to one host file land whole, one after the other', async () => {
  await withHostDir(manifest, async (keel, host) => {
    const a = await Probe.start(keel, ['/host']);
    const b = await Probe.start(keel, ['/host']);
    try {
      for (let i = 0; i < 5; i++) {
        assert.equal(await a.ask(`append /host/log a${i};`), 'ok');
        assert.equal(await b.ask(`append /host/log b${i};`), 'ok');
      }
      assert.equal(readFileSync(join(host, 'log'), 'utf8'), 'a0;b0;a1;b1;a2;b2;a3;b3;a4;b4;');
      assert.equal(await a.ask('open /host/log'), 'ok');
      assert.equal(await a.ask('fstat'), 'size 30 nlink 1');
      assert.equal(await a.ask('close'), 'ok');
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

test('a time set exactly by one program is read exactly by another, whose fstat is otherwise its own', async () => {
  await withHostDir(manifest, async (keel, host) => {
    writeFileSync(join(host, 'timed'), 'x');
    const setter = await Probe.start(keel, ['/host']);
    const reader = await Probe.start(keel, ['/host']);
    try {
      // A write: the reader's fstat is then made on its own descriptor, unless hostfs says it keeps exact times.
      assert.equal(await reader.ask('wopen /host/timed'), 'ok');
      assert.equal(await reader.ask('pwrite 0 x'), 'ok');
      // Nanoseconds a double of seconds cannot hold: the host stores them rounded, hostfs keeps them.
      assert.equal(await setter.ask('settime /host/timed 1700000000123456789'), 'ok');
      assert.equal(await reader.ask('mtime'), 'mtime 1700000000 123456789');
      assert.equal(await reader.ask('close'), 'ok');
    } finally {
      await setter.quit();
      await reader.quit();
    }
  });
});

test("a reader's cached copy of a host file gives way to a writer's bytes, whichever opened first", async () => {
  await withHostDir(manifest, async (keel, host) => {
    writeFileSync(join(host, 'shared'), 'hello world');
    const reader = await Probe.start(keel, ['/host']);
    const writer = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await reader.ask('open /host/shared'), 'ok');
      assert.equal(await reader.ask('pread 0 5'), 'data hello');
      assert.equal(await reader.ask('pread 0 5'), 'data hello', 'read again: the page cache may serve it now');
      assert.equal(await writer.ask('wopen /host/shared'), 'ok');
      assert.equal(await writer.ask('pwrite 0 HELLO'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO world', 'the reader opened first');
      assert.equal(await reader.ask('close'), 'ok');
      assert.equal(await reader.ask('open /host/shared'), 'ok');
      assert.equal(await writer.ask('pwrite 6 WORLD'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO WORLD', 'the reader opened while the writer held the file');
      assert.equal(await writer.ask('close'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO WORLD', 'after the writer closed');
      assert.equal(await reader.ask('close'), 'ok');
    } finally {
      await reader.quit();
      await writer.quit();
    }
  });
});


test('one-name calls in a host directory answer as on tmpfs, and hostfs serves none of them', async () => {
  await withHostDir(manifest, async (keel, host) => {
    await keel.mkdir('/tmp/twin');
    writeFileSync(join(host, 'target'), '12345');
    symlinkSync('target', join(host, 'link'));
    const p = await Probe.start(keel, ['/host', '/tmp/twin']);
    try {
      // (A directory's size is the file system's own: not compared.)
      const script = (d: string): string[] => [
        `mkdir ${d}/a`, `mkdir ${d}/a`, `mkdir ${d}/a/b`, `rmdir ${d}/a`, `stat ${d}/nothing`, `rmdir ${d}/nothing`,
        `unlink ${d}/nothing`, `wopen ${d}/f`, 'pwrite 0 abc', 'close', `stat ${d}/f`, `rmdir ${d}/f`, `unlink ${d}/a`, `mkdir ${d}/f`,
        `touch ${d}/nothing`, `touch ${d}/a`, `touch ${d}/f`, `unlink ${d}/f`, `rmdir ${d}/a/b`, `rmdir ${d}/a`, `stat ${d}/a`, `rmdir ${d}/a`,
        `mkdir ${d}/.`, `rmdir ${d}/..`,
      ];
      const onTmpfs: string[] = [];
      for (const line of script('/tmp/twin')) onTmpfs.push(`${line.replace('/tmp/twin', 'D')} -> ${await p.ask(line)}`);
      const onHost: string[] = [];
      for (const line of script('/host')) onHost.push(`${line.replace('/host', 'D')} -> ${await p.ask(line)}`);
      assert.deepEqual(onHost, onTmpfs);
      assert.equal(await p.ask('stat /host/link'), 'size 5', 'stat follows a symlink in the directory (the VFS does)');

      const owner = workerOf(keel, 'hostfs0');
      assert.equal(await p.ask('wopen /host/db'), 'ok');
      const before = owner === null ? 0 : servedBy(keel, owner);
      assert.equal(await p.ask('churn /host/db.lock 200 /host/db-journal'), 'ok');
      if (owner !== null) {
        const served = servedBy(keel, owner) - before;
        assert.ok(served <= 20, `hostfs's worker served ${served} calls for 200 rounds of mkdir, stat, fstat and rmdir (expected none of them)`);
      }
      assert.equal(await p.ask('stat /host/db.lock'), 'err 44', 'the last rmdir removed the lock');
      assert.equal(await p.ask('close'), 'ok');
    } finally {
      await p.quit();
    }
  });
});

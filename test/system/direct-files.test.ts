/**
 * Direct files (docs/decisions/018-direct-files.md): a program's reads and writes on an open file
 * go from its local kernel straight to the file system that holds the file, under the grant its
 * open returned, instead of through the VFS.
 *
 * What must not change, on tmpfs, diskfs and a host directory: two processes holding the same
 * file see each other's writes the moment they return, both ways, and a write past the end, a
 * truncation by path and a read at the end answer as before. What changes, counted rather than
 * timed: where the VFS runs in a worker of its own, the file's reads, writes and fstat cost the
 * VFS no call at all (the file system's worker serves them), and a file a child is given by a
 * shell redirection gets a grant after its first calls. That a grant is not used past a restart of
 * the VFS or the file system is restart.test.ts's: a program streaming through a held fd while
 * either is killed 20 times ends with the same file as with no fault.
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prog, withKeel } from '../support/api-helpers.js';
import { Probe, servedBy, workerOf } from '../support/attr-probe.js';
import { withEveryFileSystem } from '../support/every-file-system.js';
import { MANIFESTS } from '../support/manifest.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;


test('writes through held fds are seen by the other process the moment they return, both ways', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const b = await Probe.start(keel, [dir]);
    const f = `${dir}/shared`;
    try {
      assert.equal(await a.ask(`wopen ${f}`), 'ok', kind);
      assert.equal(await b.ask(`wopen ${f}`), 'ok', kind);
      assert.equal(await a.ask('pwrite 0 hello'), 'ok', kind);
      assert.equal(await b.ask('pread 0 5'), 'data hello', `${kind}: a's write, read by b right after it returned`);
      assert.equal(await b.ask('pwrite 5 _world'), 'ok', kind);
      assert.equal(await a.ask('pread 0 64'), 'data hello_world', `${kind}: b's write, read by a`);
      assert.equal(await a.ask('pwrite 20 !'), 'ok', `${kind}: a write past the end`);
      assert.equal(await b.ask('fstat'), 'size 21 nlink 1', kind);
      assert.equal(await b.ask(`trunc ${f} 5`), 'ok', kind);
      assert.equal(await a.ask('pread 0 64'), 'data hello', `${kind}: truncated by path in the other process`);
      assert.equal(await a.ask('pread 5 4'), 'data ', `${kind}: a read at the end`);
      assert.equal(await a.ask('close'), 'ok', kind);
      assert.equal(await b.ask('close'), 'ok', kind);
      assert.equal(await a.ask(`unlink ${f}`), 'ok', kind);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

test('where the VFS has a worker of its own, reads, writes and fstat on an open file cost it no call', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind, service) => {
    const vfs = workerOf(keel, 'vfs');
    const owner = workerOf(keel, service);
    if (vfs === null || vfs === owner) return; // one thread serves both: nothing to tell apart
    const a = await Probe.start(keel, [dir]);
    const rounds = 200;
    try {
      assert.equal(await a.ask(`wopen ${dir}/counted`), 'ok', kind);
      const vfsBefore = servedBy(keel, vfs);
      const ownerBefore = owner === null ? 0 : servedBy(keel, owner);
      assert.equal(await a.ask(`writes ${rounds}`), 'ok', kind);
      assert.equal(await a.ask(`pread 0 3`), 'data xxx', kind);
      assert.equal(await a.ask('fstat'), `size ${rounds} nlink 1`, `${kind}: fstat after the writes`);
      const vfsCalls = servedBy(keel, vfs) - vfsBefore;
      // Reading the command and writing the answer go through pipes, which the VFS serves (a few calls).
      assert.ok(vfsCalls <= 20, `${kind}: the VFS served ${vfsCalls} calls for ${rounds} writes and a read (expected none of them)`);
      if (owner !== null) {
        const ownerCalls = servedBy(keel, owner) - ownerBefore;
        // A host file is read and written on the program's own descriptor (direct host files,
        // decision 024): hostfs serves none of the calls.
        if (kind === 'hostfs' && process.platform === 'linux') assert.ok(ownerCalls <= 20, `${kind}: its worker served ${ownerCalls} calls for ${rounds} writes and a read (expected none of them)`);
        else assert.ok(ownerCalls >= rounds + 1, `${kind}: its worker served ${ownerCalls} calls for ${rounds} writes and a read`);
      }
      assert.equal(await a.ask('close'), 'ok', kind);
      assert.equal(await a.ask(`unlink ${dir}/counted`), 'ok', kind);
    } finally {
      await a.quit();
    }
  });
});

test('a file a child is given by a redirection, not opened by itself, is granted after its first calls', async () => {
  await withKeel(async (keel) => {
    const vfs = workerOf(keel, 'vfs');
    const tmpfs = workerOf(keel, 'tmpfs');
    await keel.writeFile('/tmp/blast.wasm', readFileSync(prog('blast')));
    const before = vfs === null ? 0 : servedBy(keel, vfs);
    // 8 MiB in 64 KiB writes into a file the shell opened, then read back through another.
    const r = await keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', '/tmp/blast.wasm 8 > /tmp/out; wc -c < /tmp/out'], dirs: ['/'], env: { PATH: '/bin' } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), String(8 << 20));
    if (vfs === null || vfs === tmpfs) return; // one thread serves both: nothing to tell apart
    const vfsCalls = servedBy(keel, vfs) - before;
    // Without grants the VFS serves every one of the 128 writes and the reads; with them, the
    // shell's opens, the pipes and the few calls before each fid asks for its grant.
    assert.ok(vfsCalls < 160, `the VFS served ${vfsCalls} calls for 8 MiB written and read through inherited fds`);
  }, { manifest, shell: true });
});

/**
 * A program whose load a restart of the VFS cuts (docs/restart.md): a program started by open
 * file (the shell opens it, shares it, and proc takes it into the child's session) is read by
 * the child's local kernel from that fid — which a restarted VFS does not know. The child opens
 * the file again where the parent opened it (program-loader.ts, loadByFid) and runs. Here no
 * thread is kept warm, so each child waits ~50 ms for a new worker after proc answered the
 * spawn, and the VFS's worker is killed as soon as the child is in the process table: the child
 * loads from a VFS that never knew its fid. Where the VFS cannot be killed (the kernel manifest)
 * or proc shares its worker (the default: the kill would cut the shell's spawn call itself) the
 * test is skipped.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Keel } from '../../src/platform/node/index.js';
import { restartableManifest } from '../support/manifest.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';

const RUNS = 5;

test(`a program whose load a restart of the VFS cuts opens its file again and runs (${RUNS} times)`, async (t) => {
  await withKeel(async (keel: Keel) => {
    const w = keel.services().find((s) => s.services.includes('vfs'));
    if (!w || w.pid === null) {
      t.skip('the VFS runs in the kernel thread under this manifest');
      return;
    }
    if (w.services.includes('proc')) {
      // Killing this worker cuts the shell's spawn call too, which answers EIO (docs/restart.md, proc).
      t.skip('proc shares the VFS\'s worker under this manifest');
      return;
    }
    await keel.writeFile('/tmp/hello.wasm', readFileSync(prog('hello')));
    for (let i = 0; i < RUNS; i++) {
      const sh = await keel.spawn({ path: '/bin/sh' }, { env: { PATH: '/bin' }, dirs: ['/'], cwd: '/', stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', args: ['sh', '-c', '/tmp/hello.wasm; echo "status $?"'] });
      let ended = false;
      const result = sh.result().finally(() => { ended = true; });
      await waitFor(() => ended || keel.processes().some((p) => p.name.includes('hello')), 30_000, 'the child in the process table');
      const restarts = keel.services().find((s) => s.name === w.name)!.restarts;
      if (!ended) {
        assert.notEqual(keel.killService(w.name), null);
        await waitFor(() => keel.services().some((s) => s.name === w.name && s.state === 'running' && s.restarts > restarts), 20_000, 'the VFS back');
      }
      const r = await within(result, 60_000, 'the shell');
      assert.deepEqual({ code: r.exitCode, out: r.stdout, err: r.stderr }, { code: 0, out: 'hello, world\nstatus 0\n', err: '' }, `run ${i + 1}`);
    }
  }, { manifest: restartableManifest(), shell: true, threads: { warm: 0, atBoot: 0 } });
});

/**
 * Pipes across a restart of the VFS (docs/restart.md, "Pipes"; services/vfs/pipe-table.ts): a
 * pipe's bytes, end counts, holders and unredeemed share tokens live in its ring in the arena,
 * and its fids mean the same end in every VFS instance, so a restarted VFS takes every pipe over
 * and the programs on either end carry on. Here the VFS's worker is killed again and again while
 * 2000 MiB stream between two programs, and while the host collects 256 MiB a program writes to
 * its stdout: every byte arrives, once, and both end as they would have with no fault. Runs under the
 * manifest of KEEL_MANIFEST; where the VFS is in the kernel thread it cannot be killed, and the
 * tests are skipped.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Keel } from '../../src/platform/node/index.js';
import { restartableManifest } from '../support/manifest.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';

const KILLS = 10;
/** Long enough for most kills to land mid-stream on a fast machine (at least one must); the stream ends on its own. */
const MIB = 2000;
const HOST_MIB = 256;


/** The worker that runs the VFS, or null when it runs in the kernel thread. */
function vfsWorker(keel: Keel): string | null {
  const w = keel.services().find((s) => s.services.includes('vfs'));
  return w && w.pid !== null ? w.name : null;
}

/**
 * Kill the VFS's worker up to `times` times, each once `progress()` has grown since the last kill
 * (the stream went on across the restart), stopping early once `ended()`; how many kills it made.
 */
async function killVfs(keel: Keel, worker: string, times: number, progress: () => number, ended: () => boolean): Promise<number> {
  let kills = 0;
  for (; kills < times; kills++) {
    const seen = progress();
    await waitFor(() => progress() > seen || ended(), 60_000, `the stream going on before kill ${kills + 1}`);
    if (ended()) break;
    const restarts = keel.services().find((s) => s.name === worker)!.restarts;
    assert.notEqual(keel.killService(worker), null);
    await waitFor(() => keel.services().some((s) => s.name === worker && s.state === 'running' && s.restarts > restarts), 20_000, `the VFS back after kill ${kills + 1}`);
  }
  return kills;
}

test('2000 MiB between two programs arrive whole while the VFS is killed up to 10 times', async (t) => {
  await withKeel(async (keel) => {
    const worker = vfsWorker(keel);
    if (worker === null) {
      t.skip('the VFS runs in the kernel thread under this manifest');
      return;
    }
    for (const name of ['blast', 'sink']) await keel.writeFile(`/tmp/${name}.wasm`, readFileSync(prog(name)));
    const sh = await keel.spawn({ path: '/bin/sh' }, { env: { PATH: '/bin' }, dirs: ['/'], cwd: '/', stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', args: ['sh', '-c', `/tmp/blast.wasm ${MIB} | /tmp/sink.wasm ${MIB}; echo "status $?"`] });
    let ended = false;
    const result = sh.result().finally(() => { ended = true; });
    const calls = (name: string): number => keel.processes().find((p) => p.name.includes(name))?.calls ?? 0;
    // Both programs loaded and streaming (a kill during a program's load is another matter: the
    // load is cut, docs/restart.md).
    await waitFor(() => (calls('blast') > 2 && calls('sink') > 2) || ended, 60_000, 'the stream started');
    // Progress: the two ends' calls. In place they make none; after a restart each finds the VFS
    // gone, reads or writes through the new one and asks for the ring again.
    const kills = await killVfs(keel, worker, KILLS, () => calls('blast') + calls('sink'), () => ended);
    const r = await within(result, 120_000, 'the pipeline');
    assert.ok(kills >= 1, 'no kill landed mid-stream');
    assert.deepEqual({ code: r.exitCode, out: r.stdout, err: r.stderr }, { code: 0, out: 'status 0\n', err: '' });
  }, { manifest: restartableManifest(), shell: true });
});

test('a program\'s 256 MiB of output reach the host whole while the VFS is killed up to 10 times', async (t) => {
  await withKeel(async (keel) => {
    const worker = vfsWorker(keel);
    if (worker === null) {
      t.skip('the VFS runs in the kernel thread under this manifest');
      return;
    }
    let bytes = 0;
    let wrong = 0;
    const p = await keel.spawn(prog('blast'), {
      args: ['blast', String(HOST_MIB)],
      stdout: { write: (chunk: Uint8Array) => { for (let i = 0; i < chunk.length; i++) if (chunk[i] !== 97 + ((bytes + i) % 65536) % 26) wrong++; bytes += chunk.length; } },
    });
    let ended = false;
    const result = p.result().finally(() => { ended = true; });
    await waitFor(() => bytes > 0, 60_000, 'output flowing');
    const kills = await killVfs(keel, worker, KILLS, () => bytes, () => ended);
    const r = await within(result, 120_000, 'blast');
    assert.ok(kills >= 1, 'no kill landed mid-stream');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(bytes, HOST_MIB << 20);
    assert.equal(wrong, 0, 'every byte in its place: none lost, none twice');
  }, { manifest: restartableManifest() });
});

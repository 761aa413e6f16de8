/**
 * Pipe rings (docs/decisions/019-pipe-rings.md): a pipe's bytes live in a ring in the arena, and
 * while the pipe has one read end and one write end their local kernels read and write it in
 * place instead of calling the VFS.
 *
 * What must not change: every byte arrives once and in order, with end of input once the last
 * writer is gone and EPIPE once the last reader is, through every shape of pipeline — two
 * writers at once (the pipe leaves direct mode and comes back), TypeScript and wasm stages, a
 * stage killed mid-stream. What changes, counted rather than timed: where the VFS has a worker of
 * its own, 16 MiB between two programs costs it a handful of calls instead of one per 64 KiB.
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Keel } from '../../src/platform/node/index.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';
import { MANIFESTS } from '../support/manifest.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;
const shell = { dirs: ['/'], env: { PATH: '/bin' } };

function servedByVfs(keel: Keel): number | null {
  const pid = keel.services().find((s) => s.services.includes('vfs'))?.pid ?? null;
  return pid === null ? null : keel.processes().find((r) => r.pid === pid)?.served ?? null;
}

async function withPrograms(body: (keel: Keel) => Promise<void>): Promise<void> {
  await withKeel(async (keel) => {
    for (const name of ['blast', 'sink']) await keel.writeFile(`/tmp/${name}.wasm`, readFileSync(prog(name)));
    await body(keel);
  }, { manifest, shell: true });
}

test('16 MiB between two programs costs the VFS a handful of calls, not one per read and write', async () => {
  await withPrograms(async (keel) => {
    const before = servedByVfs(keel);
    const r = await keel.run({ path: '/bin/sh' }, { ...shell, args: ['sh', '-c', '/tmp/blast.wasm 16 | /tmp/sink.wasm 16'] });
    assert.equal(r.exitCode, 0, r.stderr);
    if (before === null) return; // the VFS shares the kernel thread: nothing to count
    const calls = servedByVfs(keel)! - before;
    // Through the VFS: 256 writes of 64 KiB and at least as many reads. In place: the shell's
    // spawns and opens, loading the programs (where the VFS's worker also serves tmpfs), and
    // each end's first calls before it asks for the ring — 70 to 90 calls.
    assert.ok(calls < 200, `the VFS served ${calls} calls for 16 MiB through a pipe`);
  });
});

test('every byte once and in order through pipelines of every shape', async () => {
  await withPrograms(async (keel) => {
    const sevens = Array.from({ length: 200_000 }, (_, i) => String(i + 1)).filter((s) => s.includes('7')).length;
    const cases: [string, string][] = [
      ['seq 1 200000 | grep 7 | wc -l', `${sevens}`],
      // Two writers at once: the pipe goes through the VFS while both hold it.
      ['(/tmp/blast.wasm 4 & /tmp/blast.wasm 4) | wc -c', `${8 << 20}`],
      ['/tmp/blast.wasm 3 | cat | cat | wc -c', `${3 << 20}`],
      ['seq 1 50000 | /bin/cat | sort -n | tail -1', '50000'],
    ];
    for (const [command, expected] of cases) {
      const r = await within(keel.run({ path: '/bin/sh' }, { ...shell, args: ['sh', '-c', command] }), 120_000, command);
      assert.equal(r.exitCode, 0, `${command}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), expected, command);
    }
  });
});

test('a writer killed mid-stream ends the reader\'s input; a reader killed ends the writer with EPIPE', async () => {
  await withPrograms(async (keel) => {
    for (const victim of ['blast', 'sink']) {
      // The shell starts the stream in the background and kills the stage whose pid the test
      // sends it (a shell may signal its own descendants).
      const script = '/tmp/blast.wasm 1000000 | /tmp/sink.wasm 1000000 & read victim; kill -9 $victim; wait; echo waited';
      const sh = await keel.spawn({ path: '/bin/sh' }, { ...shell, cwd: '/', stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', args: ['sh', '-c', script] });
      const pidOf = (name: string): number | undefined => keel.processes().find((p) => p.name.includes(`${name}.wasm`))?.pid;
      await waitFor(() => pidOf('blast') !== undefined && pidOf('sink') !== undefined, 30_000, 'both stages running');
      const other = victim === 'blast' ? 'sink' : 'blast';
      // The survivor is mid-stream once it has made its first calls (it works in place after them).
      const calls = (): number => keel.processes().find((p) => p.pid === pidOf(other))?.calls ?? 0;
      await waitFor(() => calls() >= 3, 30_000, `${other} streaming`);
      await sh.stdin!.write(`${pidOf(victim)}\n`);
      await sh.stdin!.end();
      const r = await within(sh.result(), 60_000, `the pipeline after ${victim} was killed`);
      assert.equal(r.stdout, 'waited\n', r.stderr);
      if (victim === 'blast') assert.match(r.stderr, /sink: got \d+ bytes, expected/, 'the reader saw its input end early');
      else assert.match(r.stderr, /blast: write: Broken pipe/, 'the writer saw EPIPE');
    }
  });
});

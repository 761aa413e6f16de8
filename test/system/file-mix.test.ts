/**
 * A random mix of file calls through several descriptors at once (programs/c/file_mix.c: opens of
 * every kind, reads, writes, truncates, unlinks, stats, whole-file rereads) gives the same answers
 * under Keel as under node:wasi: on a host directory the program opens its files itself (local
 * opens, page-cache copies found by the file, own-descriptor writes that outdate them), through
 * Keel's root the VFS opens them (page-cache tokens), and on tmpfs. The same seed, the same calls.
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prog, withKeel, within } from '../support/api-helpers.js';
import { MANIFESTS } from '../support/manifest.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;
const STEPS = '2500';
const baselineRunner = fileURLToPath(new URL('../support/node-wasi-run.js', import.meta.url));

/** file_mix's output under node:wasi, in a fresh host directory. */
function underNodeWasi(seed: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keel-file-mix-'));
  try {
    return execFileSync(process.execPath, ['--no-warnings', baselineRunner, '--dir', `${dir}::/d`, prog('file_mix'), '/d', seed, STEPS], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first line where two outputs differ, for the failure message. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  const i = x.findIndex((line, k) => line !== y[k]);
  return i < 0 ? 'none' : `line ${i + 1}: keel ${JSON.stringify(x[i])}, node:wasi ${JSON.stringify(y[i])}`;
}

test('a random mix of file calls answers as under node:wasi: a host directory, the same through the root, tmpfs', async () => {
  const host = realpathSync(mkdtempSync(join(tmpdir(), 'keel-file-mix-')));
  try {
    await withKeel(async (keel) => {
      const cases = [
        // Seed 5 reads a page-cache copy after another descriptor of the same program wrote the file
        // (without the host write word's check in readCached, its output differs).
        { seed: '5', dirs: ['/host/a'], path: '/host/a', what: 'opened by the program itself' },
        { seed: '12', dirs: ['/'], path: '/host/b', what: 'opened by the VFS, through the root' },
        { seed: '13', dirs: ['/tmp'], path: '/tmp/c', what: 'on tmpfs' },
      ];
      await keel.writeFile('/host/a/.keep', '');
      await keel.writeFile('/host/b/.keep', '');
      await keel.writeFile('/tmp/c/.keep', '');
      for (const c of cases) {
        const r = await within(keel.run(prog('file_mix'), { args: ['file_mix', c.path, c.seed, STEPS], dirs: c.dirs }), 60_000, `file_mix ${c.what}`);
        assert.equal(r.exitCode, 0, r.stderr);
        const baseline = underNodeWasi(c.seed);
        assert.ok(r.stdout.endsWith(`done ${STEPS}\n`), `${c.what}: it ran to the end`);
        assert.ok(r.stdout === baseline, `${c.what}: first difference at ${firstDifference(r.stdout, baseline)}`);
      }
    }, { manifest, dirs: { '/host': host } });
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

/**
 * The shell corpus: every script under test/programs/scripts/NAME/ (script.sh, the files it
 * reads, and `stdin` when it reads standard input) runs under Debian's dash with the host's GNU
 * tools and mawk, and under Keel's sh with Keel's utilities, each in a fresh copy of its
 * directory; standard output, standard error and the exit status must be the same. A script that
 * differs on purpose is listed in DIFFERENCES with the reason, which docs/shell.md gives too; for
 * it only the parts named are compared.
 *
 * Keel boots once per placement: the three manifests when KEEL_MANIFEST is not set (so `npm
 * test` covers them all), else the one it names (npm run test:placements).
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootKeel, type Keel } from '../../src/platform/node/index.js';

const scripts = fileURLToPath(new URL('../../../test/programs/scripts/', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Scripts whose output differs from dash's on purpose, and what is still compared. */
const DIFFERENCES: Readonly<Record<string, { readonly reason: string; readonly compare: readonly ('stdout' | 'stderr' | 'status')[] }>> = {};

const names = readdirSync(scripts).filter((n) => existsSync(join(scripts, n, 'script.sh'))).sort();
const only = process.env['KEEL_CORPUS_ONLY'];
const selected = only ? names.filter((n) => only.split(',').includes(n)) : names;
const manifests = process.env['KEEL_MANIFEST'] ? [process.env['KEEL_MANIFEST']] : ['default', 'isolated', 'kernel'].map((m) => join(root, 'manifests', `${m}.yaml`));
const dash = spawnSync('dash', ['-c', 'exit 0']).status === 0;

interface Outcome { readonly stdout: string; readonly stderr: string; readonly status: number | null }

/** dash's outcome per script, computed once for all placements. */
const dashOutcomes = new Map<string, Outcome>();

function runDash(dir: string, stdin: string): Outcome {
  const r = spawnSync('dash', ['script.sh'], {
    cwd: dir, input: stdin, encoding: 'utf8', timeout: 60_000,
    env: { PATH: '/usr/bin:/bin', HOME: '/home', LC_ALL: 'C', TZ: 'UTC' },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

async function runKeel(keel: Keel, dir: string, stdin: string): Promise<Outcome> {
  const r = await keel.run({ path: '/bin/sh' }, {
    args: ['sh', 'script.sh'], dirs: ['/'], stdin,
    env: { PWD: dir, PATH: '/bin', HOME: '/home', LC_ALL: 'C', TZ: 'UTC' },
    limits: { timeMs: 60_000 },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.exitCode };
}

for (const manifest of manifests) {
  describe(`shell corpus under ${manifest.split('/').pop()} (dash and the host's tools vs Keel)`, { skip: dash ? false : 'no dash on this host' }, () => {
    let keel: Keel;
    let work: string;
    before(async () => {
      work = mkdtempSync(join(tmpdir(), 'keel-corpus-'));
      keel = await bootKeel({ shell: true, manifest, dirs: { '/w': work } });
    });
    after(async () => {
      await keel?.shutdown();
      rmSync(work, { recursive: true, force: true });
    });
    for (const name of selected) {
      test(name, async () => {
        const src = join(scripts, name);
        const stdinFile = join(src, 'stdin');
        const stdin = existsSync(stdinFile) ? readFileSync(stdinFile, 'utf8') : '';
        cpSync(src, join(work, `k-${name}`), { recursive: true });
        let expected = dashOutcomes.get(name);
        if (!expected) {
          cpSync(src, join(work, `d-${name}`), { recursive: true });
          expected = runDash(join(work, `d-${name}`), stdin);
          dashOutcomes.set(name, expected);
        }
        const actual = await runKeel(keel, `/w/k-${name}`, stdin);
        const parts = DIFFERENCES[name]?.compare ?? ['stdout', 'stderr', 'status'];
        const pick = (o: Outcome): Partial<Outcome> => Object.fromEntries(parts.map((p) => [p, o[p]]));
        assert.deepEqual(pick(actual), pick(expected));
      });
    }
  });
}

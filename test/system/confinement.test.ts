/**
 * Confinement: a hostile wasm program (programs/c/escape.c) given two directories tries every way
 * out — `..` (plain, after a directory, from a reopened root, as a directory), absolute paths,
 * symlinks it makes (relative, absolute, to `..`, chains, loops), a symlink the host planted, hard
 * links and renames across the boundary (through either preopen), directories made outside, and
 * guessed fds. Nothing may read the secret kept beside the sandbox or change anything outside it,
 * on host directories (hostfs) and on Keel's own tmpfs. Runs under whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prog, withKeel, within } from '../support/api-helpers.js';

const ATTEMPTS = 22;

function checkReport(stdout: string, status: unknown): void {
  assert.deepEqual(status, { kind: 'exited', code: 0 }, stdout);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines.length, ATTEMPTS, stdout);
  assert.deepEqual(lines.filter((l) => l.includes('ESCAPED')), []);
  assert.ok(lines.includes('guessed fds: 0 beyond 0-2 and the preopens'), stdout);
  for (const l of lines) assert.match(l, /: (refused \(.+\)|harmless)$|^guessed fds/, l);
}

test('a hostile program stays inside host directories', async () => {
  const host = mkdtempSync(join(tmpdir(), 'keel-escape-'));
  try {
    writeFileSync(join(host, 'secret.txt'), 'SECRET\n');
    mkdirSync(join(host, 'sandbox', 'd'), { recursive: true });
    mkdirSync(join(host, 'other'));
    symlinkSync('../secret.txt', join(host, 'sandbox', 'planted'));
    await withKeel(async (keel) => {
      const r = await within(keel.run(prog('escape'), { args: ['escape', '3', '4'], dirs: { '/sandbox': '/mnt/sandbox', '/other': '/mnt/other' } }), 60_000, 'escape');
      checkReport(r.stdout, r.status);
    }, { dirs: { '/mnt/sandbox': join(host, 'sandbox'), '/mnt/other': join(host, 'other') } });
    assert.deepEqual(readdirSync(host).sort(), ['other', 'sandbox', 'secret.txt'], 'nothing was made or moved outside the sandbox');
    assert.equal(readFileSync(join(host, 'secret.txt'), 'utf8'), 'SECRET\n');
    assert.deepEqual(readdirSync(join(host, 'other')), [], 'nothing landed in the other directory');
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

test('a hostile program stays inside its tmpfs directories', async () => {
  await withKeel(async (keel) => {
    await keel.mkdir('/tmp/box/sandbox/d');
    await keel.mkdir('/tmp/box/other');
    await keel.writeFile('/tmp/box/secret.txt', 'SECRET\n');
    const r = await within(keel.run(prog('escape'), { args: ['escape', '3', '4'], dirs: { '/sandbox': '/tmp/box/sandbox', '/other': '/tmp/box/other' } }), 60_000, 'escape');
    checkReport(r.stdout, r.status);
    assert.equal(new TextDecoder().decode(await keel.readFile('/tmp/box/secret.txt')), 'SECRET\n');
    const list = await keel.run(prog('list_dir'), { args: ['list_dir', '/box'], dirs: { '/box': '/tmp/box' } });
    assert.equal(list.stdout, 'other\tdir\t-\nsandbox\tdir\t-\nsecret.txt\tfile\t7\n', 'nothing was made or moved beside the sandbox');
  });
});

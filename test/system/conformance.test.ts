/**
 * The WASI preview1 conformance suite written for Keel (programs/c/conformance): each program
 * checks one family of functions and their error cases and prints a line per check; its
 * NAME.expected holds the output the specification (and wasmtime) call for. Each runs under
 * `keel run` with a fresh empty directory preopened at /sandbox.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keel = join(root, 'bin/keel.js');
const sources = join(root, 'programs/c/conformance');
const build = join(root, 'programs/c/build/conformance');

const programs = existsSync(sources) ? readdirSync(sources).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort() : [];

test('the conformance suite is there and built', () => {
  assert.ok(programs.length > 0, 'no conformance programs found');
  for (const p of programs) {
    assert.ok(existsSync(join(build, `${p}.wasm`)), `${p}.wasm is not built: run npm run build:programs`);
    assert.ok(existsSync(join(sources, `${p}.expected`)), `${p}.expected is missing`);
  }
});

for (const name of programs) {
  test(`conformance: ${name}`, () => {
    const sandbox = mkdtempSync(join(tmpdir(), `keel-conf-${name}-`));
    try {
      const r = spawnSync(process.execPath, [keel, 'run', '--dir', `${sandbox}::/sandbox`, join(build, `${name}.wasm`), '/sandbox'],
        { encoding: 'utf8', timeout: 60_000, input: '', maxBuffer: 16 << 20 });
      const expected = readFileSync(join(sources, `${name}.expected`), 'utf8');
      const got = r.stdout.split('\n');
      const want = expected.split('\n');
      const diff: string[] = [];
      for (let i = 0; i < Math.max(got.length, want.length); i++) {
        if (got[i] !== want[i]) diff.push(`line ${i + 1}: got ${JSON.stringify(got[i])}, want ${JSON.stringify(want[i])}`);
      }
      assert.deepEqual(diff, [], `${name} differs from ${name}.expected\n${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
}

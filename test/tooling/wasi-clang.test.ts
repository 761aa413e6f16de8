/**
 * The C toolchain of the build (scripts/wasi-clang.mjs, clang from the npm package @yowasp/clang
 * under node:wasi) used the way a person would, as a command: a program it compiles runs under
 * Keel, two builds of the same source in two directories give the same bytes, and a compile error
 * is reported with the compiler's message and a failing status. Also: scripts/build-c.mjs, run
 * twice, finds the second time that every program is up to date.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const keel = join(repo, 'bin', 'keel.js');

const program = `#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  printf("%d args, last %s, %zu\\n", argc, argv[argc - 1], strlen(argv[0]));
  return 7;
}
`;

/** Runs `node scripts/wasi-clang.mjs ARGS` in `cwd`. */
function wasiClang(cwd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(repo, 'scripts', 'wasi-clang.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('a program compiled by clang from npm runs under Keel, and a second build gives the same bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-wasi-clang-'));
  try {
    const builds = ['one', 'two'].map((name) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'prog.c'), program);
      const r = wasiClang(join(dir, name), ['clang', '--target=wasm32-wasip1', '-O2', '-Wall', '-o', 'prog.wasm', 'prog.c']);
      assert.equal(r.status, 0, r.output);
      return readFileSync(join(dir, name, 'prog.wasm'));
    });
    assert.ok(builds[0]!.equals(builds[1]!), 'two builds of one source differ');
    const run = spawnSync(process.execPath, [keel, 'run', join(dir, 'one', 'prog.wasm'), 'a', 'b'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.stdout, `3 args, last b, ${join(dir, 'one', 'prog.wasm').length}\n`, run.stderr);
    assert.equal(run.status, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a compile error fails with the compiler\'s message and no output file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-wasi-clang-'));
  try {
    writeFileSync(join(dir, 'bad.c'), 'int main(void) { return undeclared_name; }\n');
    const r = wasiClang(dir, ['clang', '--target=wasm32-wasip1', '-o', 'bad.wasm', 'bad.c']);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /bad\.c:1:\d+: error: use of undeclared identifier 'undeclared_name'/);
    assert.throws(() => readFileSync(join(dir, 'bad.wasm')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build-c: run again, every program is up to date', () => {
  const build = (): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [join(repo, 'scripts', 'build-c.mjs'), 'programs'], { encoding: 'utf8', timeout: 600_000 });
  const first = build();
  assert.equal(first.status, 0, first.stderr);
  const second = build();
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /^build-c: all \d+ programs up to date in /);
});

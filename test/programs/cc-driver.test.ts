/**
 * The compiler driver's two pure pieces, in process: reading clang's job list (`clang -###`
 * output, as this clang prints it, with and without its own path known) and giving a compiler
 * with no working directory one (`-working-directory`, absolute link paths). The driver running
 * clang itself is tested in test/system/pkg-cc.test.ts.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { clangDiagnostics, jobWords, parseClangJobs } from '../../src/programs/lib/clang-jobs.js';
import { compilerArgs, jobInDirectory } from '../../src/programs/lib/cc-args.js';

const HEADER = 'clang version 22.1.0 (https://codeberg.org/YoWASP/llvm-project 9560ae0f)\nTarget: wasm32-unknown-wasip1\nThread model: posix\nInstalledDir: \nBuild config: +assertions\n';

test('job words: quoted, bare, and backslash escapes of ", \\ and $', () => {
  assert.deepEqual(jobWords(' "clang" "-DX=\\"a b\\"" "-DY=\\\\" "-DZ=\\$HOME" -c "" "x"'), ['clang', '-DX="a b"', '-DY=\\', '-DZ=$HOME', '-c', '', 'x']);
});

test('the jobs of a compile and link: the executable before an in-process job is dropped, known or not', () => {
  for (const exe of ['', '/usr/bin/clang']) {
    const out = `${HEADER} "${exe}" "clang" "-cc1" "-triple" "wasm32-unknown-wasip1" "-o" "/tmp/a-1.o" "-x" "c" "a.c"\n "wasm-ld" "-m" "wasm32" "/tmp/a-1.o" "-lc" "-o" "a.out"\n`;
    assert.deepEqual(parseClangJobs(out), [
      ['clang', '-cc1', '-triple', 'wasm32-unknown-wasip1', '-o', '/tmp/a-1.o', '-x', 'c', 'a.c'],
      ['wasm-ld', '-m', 'wasm32', '/tmp/a-1.o', '-lc', '-o', 'a.out'],
    ]);
  }
  assert.deepEqual(parseClangJobs(`${HEADER} (in-process)\n "/usr/bin/clang" "clang" "-cc1" "-v" "a.c"\n`), [['clang', '-cc1', '-v', 'a.c']]);
  assert.deepEqual(parseClangJobs(`${HEADER}clang: error: no input files\n`), []);
});

test('diagnostics: what -### said besides the version lines and the jobs', () => {
  const out = `${HEADER}clang: warning: argument unused during compilation: '-s'\n "" "clang" "-cc1" "a.c"\n`;
  assert.equal(clangDiagnostics(out), 'clang: warning: argument unused during compilation: \'-s\'\n');
  assert.equal(clangDiagnostics(`${HEADER} "" "clang" "-cc1" "a.c"\n`), '');
});

test('clang is asked for its jobs in the working directory, unless it is / or the user named one', () => {
  assert.deepEqual(compilerArgs(['-O2', 'a.c'], '/home/p'), ['-working-directory', '/home/p', '-O2', 'a.c']);
  assert.deepEqual(compilerArgs(['-O2', 'a.c'], '/'), ['-O2', 'a.c']);
  assert.deepEqual(compilerArgs(['-working-directory', '/x', 'a.c'], '/home'), ['-working-directory', '/x', 'a.c']);
});

test('a link job gets absolute paths for the user\'s relative inputs, its output and -L; option values and the compile job are left alone', () => {
  const args = ['-O2', '-D', 'main.o', '-x', 'c', 'main.c', 'util.o', 'lib/libm2.a', '-L', 'lib', '-l', 'm2', '-o', 'prog'];
  const link = ['wasm-ld', '-m', 'wasm32', '-Llib', '-L/usr/lib/wasm32-wasip1', '/tmp/main-1.o', 'util.o', 'lib/libm2.a', '-lm2', '-o', 'prog'];
  assert.deepEqual(jobInDirectory(link, args, '/home/p'),
    ['wasm-ld', '-m', 'wasm32', '-L/home/p/lib', '-L/usr/lib/wasm32-wasip1', '/tmp/main-1.o', '/home/p/util.o', '/home/p/lib/libm2.a', '-lm2', '-o', '/home/p/prog']);
  // main.o is the value of -D, not an input: a link job naming it keeps it as it is.
  assert.deepEqual(jobInDirectory(['wasm-ld', 'main.o'], args, '/home/p'), ['wasm-ld', 'main.o']);
  const compile = ['clang', '-cc1', '-working-directory', '/home/p', '-o', 'main.o', 'main.c'];
  assert.deepEqual(jobInDirectory(compile, args, '/home/p'), compile);
  assert.deepEqual(jobInDirectory(['wasm-ld', 'util.o', '-o', 'a.out'], ['util.o'], '/'), ['wasm-ld', 'util.o', '-o', 'a.out']);
});

/**
 * `keel run` against node:wasi: the same C programs, built from programs/c, run under both with
 * the same arguments, environment, preopened directories and stdin; stdout, stderr and the exit
 * code must be identical, and so must the files the programs leave behind. Also: the one-line
 * errors for traps, missing files and invalid modules, and confinement of --dir.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keel = join(root, 'bin/keel.js');
const baseline = join(root, 'dist/test/support/node-wasi-run.js');
const prog = (name: string): string => join(root, 'programs/c/build', `${name}.wasm`);
const work = mkdtempSync(join(tmpdir(), 'keel-run-test-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

interface Outcome { stdout: string; stderr: string; code: number | null }

function run(cmd: string[], input?: string): Outcome {
  const r = spawnSync(process.execPath, ['--no-warnings', ...cmd], { input: input ?? '', encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** Files under `dir` with their contents, for comparing what two runs left behind. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`);
      else if (e.isFile()) out[prefix + e.name] = readFileSync(p).toString('base64');
      else out[prefix + e.name] = '<special>';
    }
  };
  walk(dir, '');
  return out;
}

let caseNo = 0;
/** Run one case under both runtimes, each in its own copy of `seed` (if given) mounted at /sandbox. */
function compare(name: string, args: string[], opts: { env?: string[]; seed?: (dir: string) => void; stdin?: string } = {}): { keel: Outcome; node: Outcome } {
  const n = caseNo++;
  const flags: string[][] = [[], []];
  const dirs: string[] = [];
  if (opts.seed) {
    for (const [i, who] of ['keel', 'node'].entries()) {
      const d = join(work, `${n}-${who}`);
      mkdirSync(d);
      opts.seed(d);
      dirs.push(d);
      flags[i]!.push('--dir', `${d}::/sandbox`);
    }
  }
  for (const e of opts.env ?? []) for (const f of flags) f.push('--env', e);
  const k = run([keel, 'run', ...flags[0]!, prog(name), ...args], opts.stdin);
  const b = run([baseline, ...flags[1]!, prog(name), ...args], opts.stdin);
  assert.equal(k.stdout, b.stdout, `${name}: stdout`);
  assert.equal(k.stderr, b.stderr, `${name}: stderr`);
  assert.equal(k.code, b.code, `${name}: exit code`);
  if (dirs.length === 2) assert.deepEqual(snapshot(dirs[0]!), snapshot(dirs[1]!), `${name}: files left behind`);
  return { keel: k, node: b };
}

test('the C programs are built', () => {
  for (const p of ['hello', 'echo_args_env', 'copy_file', 'list_dir', 'large_file', 'exit_code', 'cat', 'trap', 'fileops']) {
    assert.ok(existsSync(prog(p)), `${p}.wasm missing: run npm run build:programs`);
  }
});

test('hello: same output as node:wasi', () => {
  const { keel } = compare('hello', []);
  assert.equal(keel.stdout, 'hello, world\n');
  assert.equal(keel.code, 0);
});

test('arguments and environment reach the program unchanged', () => {
  const { keel } = compare('echo_args_env', ['one', 'two words', '', 'ünïcödé'], { env: ['HOME=/nowhere', 'EMPTY=', 'LANG=C.UTF-8'] });
  assert.match(keel.stdout, /argv\[2\]=two words/);
  assert.match(keel.stdout, /env: EMPTY=\n/);
});

test('exit codes pass through, with stdout and stderr kept apart', () => {
  for (const code of ['0', '1', '42', '255']) {
    const { keel } = compare('exit_code', [code]);
    assert.equal(keel.code, Number(code));
    assert.equal(keel.stderr, 'bye\n');
  }
});

test('copy a file inside a --dir', () => {
  const { keel } = compare('copy_file', ['/sandbox/in.txt', '/sandbox/out.txt'], {
    seed: (d) => writeFileSync(join(d, 'in.txt'), 'the quick brown fox\n'.repeat(1000)),
  });
  assert.equal(keel.stdout, 'copied 20000 bytes\n');
});

test('copy a missing file: the error and exit code match', () => {
  const { keel } = compare('copy_file', ['/sandbox/missing', '/sandbox/out.txt'], { seed: () => {} });
  assert.equal(keel.code, 1);
  assert.match(keel.stderr, /No such file or directory/);
});

test('list a directory with files, subdirectories and symlinks', () => {
  compare('list_dir', ['/sandbox'], {
    seed: (d) => {
      writeFileSync(join(d, 'a.txt'), 'aaa');
      writeFileSync(join(d, 'B'), '');
      mkdirSync(join(d, 'sub'));
      writeFileSync(join(d, 'sub', 'inner'), 'x');
      symlinkSync('a.txt', join(d, 'link'));
      symlinkSync('/etc/passwd', join(d, 'outside'));
    },
  });
});

test('list a directory of 300 entries (readdir across several calls)', () => {
  const { keel } = compare('list_dir', ['/sandbox'], {
    seed: (d) => { for (let i = 0; i < 300; i++) writeFileSync(join(d, `file-${String(i).padStart(3, '0')}`), 'x'.repeat(i)); },
  });
  assert.equal(keel.stdout.split('\n').filter(Boolean).length, 300);
});

test('write and read back a large file (16 MiB, odd-sized reads, seeks)', () => {
  const { keel } = compare('large_file', ['/sandbox/big', '16'], { seed: () => {} });
  assert.equal(keel.stdout, 'wrote 16777216 bytes\nverified 16777216 bytes\n');
});

test('path operations behave like node:wasi, and .. cannot escape the --dir', () => {
  const { keel } = compare('fileops', ['/sandbox'], { seed: () => {} });
  assert.match(keel.stdout, /escape: refused/);
  assert.equal(keel.code, 0);
});

test('stdin is the host\'s stdin', () => {
  const text = 'line one\nline two\n' + 'z'.repeat(200_000) + '\n';
  const { keel } = compare('cat', [], { stdin: text });
  assert.equal(keel.stdout, text);
});

test('a trap prints one line naming the program and the trap, and exits 134', () => {
  const r = run([keel, 'run', prog('trap')]);
  assert.equal(r.stdout, 'about to trap\n');
  assert.equal(r.code, 134);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0]!, /trap\.wasm: trapped: unreachable/);
});

test('a missing program and an invalid module each print one line and exit non-zero', () => {
  const missing = run([keel, 'run', join(work, 'nope.wasm')]);
  assert.notEqual(missing.code, 0);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.match(missing.stderr, /cannot read .*nope\.wasm: no such file or directory/);
  const junk = join(work, 'junk.wasm');
  writeFileSync(junk, 'this is not wasm');
  const invalid = run([keel, 'run', junk]);
  assert.notEqual(invalid.code, 0);
  assert.equal(invalid.stderr.trim().split('\n').length, 1);
  assert.match(invalid.stderr, /junk\.wasm is not a valid WebAssembly module/);
  assert.doesNotMatch(invalid.stderr + missing.stderr, /\n\s+at /, 'no stack trace');
});

test('a --dir that does not exist is a one-line error', () => {
  const r = run([keel, 'run', '--dir', join(work, 'no-such-dir'), prog('hello')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^keel: directory .*no-such-dir: no such file or directory$/m);
});

test('symlinks inside a --dir cannot lead outside it', () => {
  const d = join(work, 'confine');
  mkdirSync(d);
  const outside = join(work, 'outside-secret');
  writeFileSync(outside, 'secret');
  symlinkSync(outside, join(d, 'abs-link'));
  symlinkSync('../outside-secret', join(d, 'rel-link'));
  cpSync(prog('cat'), join(d, 'cat.wasm'));
  for (const link of ['abs-link', 'rel-link']) {
    const r = run([keel, 'run', '--dir', `${d}::/sandbox`, prog('cat'), `/sandbox/${link}`]);
    assert.equal(r.code, 1, `${link} must not open`);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stdout, /secret/);
  }
});

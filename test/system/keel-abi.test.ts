/**
 * The keel import module end to end, through `keel run`: a C program checks spawn, wait, kill,
 * pipes (EOF, EPIPE, O_NONBLOCK), dup2, getpid/getppid and the confinement of spawn; and a C
 * pipeline runs two children joined by a pipe, streaming more than a pipe's buffer.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keel = join(root, 'bin/keel.js');
const build = join(root, 'programs/c/build');
const bin = mkdtempSync(join(tmpdir(), 'keel-abi-bin-'));
for (const p of ['seq', 'cat', 'exit_code']) copyFileSync(join(build, `${p}.wasm`), join(bin, `${p}.wasm`));
test.after(() => rmSync(bin, { recursive: true, force: true }));

function run(args: string[]): { stdout: string; stderr: string; code: number | null } {
  const r = spawnSync(process.execPath, [keel, 'run', '--dir', `${bin}::/bin`, ...args], { encoding: 'utf8', timeout: 60_000, input: '', maxBuffer: 64 << 20 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

test('keel ABI: every check of keel_abi passes', () => {
  const r = run([join(build, 'keel_abi.wasm'), '/bin']);
  const failed = r.stdout.split('\n').filter((l) => l.includes('FAIL'));
  assert.deepEqual(failed, []);
  assert.match(r.stdout, /all checks passed/);
  assert.match(r.stdout, /killed child status 137: ok/);
  assert.equal(r.code, 0, r.stderr);
});

test('pipeline: seq 1 5 | cat through a Keel pipe', () => {
  const r = run([join(build, 'pipeline.wasm'), '/bin']);
  assert.equal(r.stdout, '1\n2\n3\n4\n5\n');
  assert.match(r.stderr, /producer exited 0/);
  assert.match(r.stderr, /consumer exited 0/);
  assert.equal(r.code, 0);
});

test('pipeline: 1.3 MB through a 64 KiB pipe arrives intact (back-pressure)', () => {
  const r = run([join(build, 'pipeline.wasm'), '/bin', 'seq', 'cat', '200000']);
  assert.equal(r.code, 0, r.stderr);
  const expected = Array.from({ length: 200000 }, (_, i) => `${i + 1}\n`).join('');
  assert.equal(r.stdout.length, expected.length);
  assert.equal(createHash('sha256').update(r.stdout).digest('hex'), createHash('sha256').update(expected).digest('hex'));
});

test('pipeline: a child that is not there is a clean error', () => {
  const r = run([join(build, 'pipeline.wasm'), '/bin', 'nope', 'cat']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /pipeline: \/bin\/nope\.wasm: No such file or directory/);
});

test('poll_oneoff on pipes, a file and clocks', () => {
  const r = spawnSync(process.execPath, [keel, 'run', '--dir', `${bin}::/sandbox`, join(build, 'poll_pipe.wasm'), '/sandbox'], { encoding: 'utf8', timeout: 60_000, input: '' });
  assert.deepEqual(r.stdout.split('\n').filter((l) => l.includes('FAIL')), []);
  assert.match(r.stdout, /all checks passed/);
  assert.equal(r.status, 0, r.stderr);
});

test('the VFS\'s pipe depth is a manifest setting: poll reports the room a pipe of that size has', () => {
  const m = parseDocument(readFileSync(join(root, 'manifests/default.yaml'), 'utf8')).toJS() as { services: { vfs: { config: Record<string, unknown> } } };
  m.services.vfs.config['pipeBytes'] = 4096;
  const manifest = join(bin, 'small-pipes.json');
  writeFileSync(manifest, JSON.stringify(m));
  const poll = (args: string[]): string => spawnSync(process.execPath, [keel, 'run', ...args, '--dir', `${bin}::/sandbox`, join(build, 'poll_pipe.wasm'), '/sandbox', '4096'], { encoding: 'utf8', timeout: 60_000, input: '' }).stdout;
  const small = poll(['--manifest', manifest]);
  assert.deepEqual(small.split('\n').filter((l) => l.includes('FAIL')), [], small);
  assert.match(poll([]), /write end writable with room: FAIL/, 'the default pipe holds 64 KiB, not 4096 bytes');
  m.services.vfs.config['pipeBytes'] = 100;
  writeFileSync(manifest, JSON.stringify(m));
  const bad = spawnSync(process.execPath, [keel, 'run', '--manifest', manifest, join(build, 'hello.wasm')], { encoding: 'utf8', timeout: 60_000, input: '' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /pipeBytes/);
});

test('proc_raise: ignored signals return 0, bad ones EINVAL, fatal ones end the process as killed', () => {
  for (const [args, code, signal] of [[[], 134, 6], [['term'], 143, 15]] as const) {
    const r = spawnSync(process.execPath, [keel, 'run', join(build, 'raise.wasm'), ...args], { encoding: 'utf8', timeout: 60_000, input: '' });
    assert.equal(r.stdout, 'raise CHLD: 0\nraise 99: 28\n');
    assert.equal(r.status, code);
    assert.match(r.stderr, new RegExp(`killed by signal ${signal}`));
  }
});

test('poll_oneoff on stdin: readable with the bytes waiting, or at end of input', () => {
  const poll = (input: string) => spawnSync(process.execPath, [keel, 'run', join(build, 'poll_stdin.wasm')], { encoding: 'utf8', timeout: 60_000, input });
  const withData = poll('hi\n');
  assert.equal(withData.stdout, 'readable 3\ngot: hi\n');
  const atEnd = poll('');
  assert.equal(atEnd.stdout, 'readable 0\ngot: \n');
});

/**
 * Programs that would not link under wasmtime do not run under Keel either (src/abi/link-check.ts):
 * a hand-assembled module importing fd_write with the wrong signature, or whose `_start` takes a
 * parameter, is refused with one clear line — by keel.run (BAD_MODULE, for bytes and host paths),
 * by the loader inside Keel (the process ends crashed with the message), and by `keel run` (one
 * line on stderr, exit 1). A compiled module given to keel.run, which has no bytes to read, still
 * has its import names and its `_start`'s parameter count checked — names inherited from
 * Object.prototype included. The same tiny module with the right signature runs (the control).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeelError } from '../../src/platform/node/index.js';
import { withKeel, within } from '../support/api-helpers.js';
import { call, i32Const, tinyModule } from '../support/wasm-bytes.js';

const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));

const exitsSeven = tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'proc_exit', params: ['i32'] }], start: { body: [...i32Const(7), ...call(0)] } });
const wrongFdWrite = tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'fd_write', params: ['i32'], results: ['i32'] }], start: { body: [] } });
const startWithParam = tinyModule({ start: { params: ['i32'], body: [] } });
const inheritedName = tinyModule({ imports: [{ module: 'wasi_snapshot_preview1', name: 'toString', results: ['i32'] }], start: { body: [] } });

const FD_WRITE_MESSAGE = 'incompatible import type for `wasi_snapshot_preview1::fd_write`: expected func of type `(i32, i32, i32, i32) -> (i32)`, found func of type `(i32) -> (i32)`';
const START_MESSAGE = 'entry point `_start` must be a func of type `() -> ()`, found func of type `(i32) -> ()`';

const badModule = (message: string) => (e: unknown): boolean => {
  assert.ok(e instanceof KeelError, String(e));
  assert.equal(e.code, 'BAD_MODULE');
  assert.equal(e.message, message);
  return true;
};

test('keel.run refuses a module with a wrong import signature or a _start with a parameter', async () => {
  await withKeel(async (keel) => {
    const ok = await within(keel.run(exitsSeven), 30_000, 'control');
    assert.deepEqual(ok.status, { kind: 'exited', code: 7 }, 'the control module links and runs');
    await assert.rejects(keel.run(wrongFdWrite), badModule(`program: ${FD_WRITE_MESSAGE}`));
    await assert.rejects(keel.run(startWithParam), badModule(`program: ${START_MESSAGE}`));
  });
});

test('a program loaded inside Keel with a wrong signature ends crashed, with the message', async () => {
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/wrong-fd-write.wasm', wrongFdWrite);
    await keel.writeFile('/tmp/start-param.wasm', startWithParam);
    await keel.writeFile('/tmp/exit7.wasm', exitsSeven);
    assert.deepEqual((await within(keel.run({ path: '/tmp/exit7.wasm' }), 30_000, 'control')).status, { kind: 'exited', code: 7 });
    assert.deepEqual((await within(keel.run({ path: '/tmp/wrong-fd-write.wasm' }), 30_000, 'fd_write')).status, { kind: 'crashed', message: FD_WRITE_MESSAGE });
    assert.deepEqual((await within(keel.run({ path: '/tmp/start-param.wasm' }), 30_000, '_start')).status, { kind: 'crashed', message: START_MESSAGE });
  });
});

test('a compiled module still has its import names and _start parameters checked', async () => {
  await withKeel(async (keel) => {
    const start = await within(keel.run(new WebAssembly.Module(startWithParam)), 30_000, '_start');
    assert.deepEqual(start.status, { kind: 'crashed', message: 'entry point `_start` must be a func of type `() -> ()`, found one taking 1 parameter' });
    const inherited = await within(keel.run(new WebAssembly.Module(inheritedName)), 30_000, 'toString');
    assert.deepEqual(inherited.status, { kind: 'crashed', message: 'imports wasi_snapshot_preview1.toString, which Keel does not provide' });
  });
});

test('keel run prints one line and exits non-zero for a module that does not link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-linkage-'));
  try {
    const files = { 'exit7.wasm': exitsSeven, 'wrong-fd-write.wasm': wrongFdWrite, 'start-param.wasm': startWithParam };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const run = (name: string) => spawnSync(process.execPath, ['--no-warnings', keelBin, 'run', join(dir, name)], { encoding: 'utf8', timeout: 60_000 });
    const control = run('exit7.wasm');
    assert.equal(control.status, 7, control.stderr);
    for (const [name, message] of [['wrong-fd-write.wasm', FD_WRITE_MESSAGE], ['start-param.wasm', START_MESSAGE]] as const) {
      const r = run(name);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `keel: ${join(dir, name)}: ${message}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Keel as a library, through the package entry point only: boot, run programs given as bytes, a
 * compiled module or a path, with arguments, environment and host directories; typed errors; and a
 * shutdown that leaves no worker behind.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeelError, bootKeel } from '../../src/platform/node/index.js';

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('run programs as bytes, module and path; exit codes and traps come back typed', async () => {
  const before = timers();
  const keel = await bootKeel();
  try {
    const spinning = await keel.spawn(join(build, 'hog.wasm'), { args: ['hog', 'spin'] });
    assert.ok(keel.liveThreads() > 0, 'a program runs in a worker');
    spinning.kill(9);
    assert.equal((await spinning.exited).kind, 'killed');
    const bytes = new Uint8Array(readFileSync(join(build, 'exit_code.wasm')));
    assert.equal((await keel.run(bytes, { args: ['exit_code', '42'] })).exitCode, 42);
    assert.equal((await keel.run(new WebAssembly.Module(bytes), { args: ['exit_code', '7'] })).exitCode, 7);
    const trapped = await keel.run(join(build, 'trap.wasm'));
    assert.equal(trapped.exitCode, 134);
    assert.equal(trapped.status.kind, 'trapped');
    await assert.rejects(keel.run(new Uint8Array([1, 2, 3])), (e: unknown) => e instanceof KeelError && e.code === 'BAD_MODULE');
    await assert.rejects(keel.run(join(build, 'nope.wasm')), (e: unknown) => e instanceof KeelError && e.code === 'NOT_FOUND');
    // What a caller without TypeScript might pass: a typed error, and the system goes on (it used
    // to start a process with no name, and the kernel thread failed on it at shutdown).
    for (const wrong of [['/bin/ls'], {}, { path: 7 }, null, 42]) {
      await assert.rejects(keel.spawn(wrong as never), (e: unknown) => e instanceof KeelError && e.code === 'BAD_OPTION', JSON.stringify(wrong));
    }
    assert.equal((await keel.run(bytes, { args: ['exit_code', '3'] })).exitCode, 3);
  } finally {
    await keel.shutdown();
  }
  assert.equal(keel.liveThreads(), 0, 'no worker left after shutdown');
  assert.equal(timers(), before, 'no timer left after shutdown');
});

test('host directories and environment reach the program', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-lib-'));
  writeFileSync(join(dir, 'in.txt'), 'library data\n');
  const keel = await bootKeel({ dirs: { '/data': dir } });
  try {
    const r = await keel.run(join(build, 'copy_file.wasm'), { args: ['copy_file', '/data/in.txt', '/data/out.txt'], env: { MODE: 'test' } });
    assert.equal(r.exitCode, 0);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'library data\n');
    await assert.rejects(keel.run(join(build, 'hello.wasm'), { dirs: ['/elsewhere'] }), (e: unknown) => e instanceof KeelError && e.code === 'BAD_DIR');
  } finally {
    await keel.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory that does not exist is a typed error at boot, and nothing is left running', async () => {
  const before = timers();
  await assert.rejects(bootKeel({ dirs: { '/x': '/no/such/dir' } }), (e: unknown) => e instanceof KeelError && e.code === 'BAD_DIR');
  assert.equal(timers(), before, 'the kernel loop is not left running');
});

test('boot from a manifest file or object; an invalid manifest is a typed error and starts nothing', async () => {
  const manifests = fileURLToPath(new URL('../../../manifests/', import.meta.url));
  const keel = await bootKeel({ manifest: join(manifests, 'isolated.yaml') });
  try {
    assert.ok(keel.liveThreads() >= 5, 'every service in its own worker');
    assert.equal((await keel.run(join(build, 'exit_code.wasm'), { args: ['exit_code', '5'] })).exitCode, 5);
  } finally {
    await keel.shutdown();
  }
  const broken = {
    keel: 1,
    services: { console: { kind: 'console', class: 'kernel' }, vfs: { kind: 'vfs', class: 'nowhere', config: { mounts: [{ path: '/', fs: 'tmpfs' }] } } },
    programs: { capabilities: ['vfs', 'console'] },
  };
  await assert.rejects(bootKeel({ manifest: broken as never }), (e: unknown) => e instanceof KeelError && e.code === 'BAD_MANIFEST'
    && /services\.vfs\.class: expected "kernel", "isolated" or "coalesced:<group>"/.test(e.message));
  // Well formed, but naming a file system that is not there.
  broken.services.vfs.class = 'isolated';
  await assert.rejects(bootKeel({ manifest: broken as never }), (e: unknown) => e instanceof KeelError && e.code === 'BAD_MANIFEST'
    && /services\.vfs\.config\.mounts\.0\.fs: "tmpfs" is not a service in this manifest/.test(e.message));
  await assert.rejects(bootKeel({ manifest: join(manifests, 'absent.yaml') }), (e: unknown) => e instanceof KeelError && e.code === 'BAD_MANIFEST');
});

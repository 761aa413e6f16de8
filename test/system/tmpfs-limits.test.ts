/**
 * tmpfs against a hostile program (programs/c/tmpfs_flood.c) through the library API: long
 * symlink targets, long names, tiny files and a growing file fill the root tmpfs until ENOSPC;
 * the system keeps serving other programs meanwhile, what was written before is intact, and no
 * service was restarted (a tmpfs that ran its thread out of memory would have been, and lost
 * every file). The deepest and the longest directory chains tmpfs allows are made one level at
 * a time and removed by Keel's own `rm -r`. Runs under whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import type { Keel, ProgramResult } from '../../src/platform/node/index.js';
import type { Manifest } from '../../src/manifest/manifest-schema.js';
import { prog, withKeel, within } from '../support/api-helpers.js';
import { testManifest } from '../support/manifest.js';

const LIMIT_MS = 120_000;

/** The test manifest with `config` added to its tmpfs's. */
function withTmpfs(config: { maxBytes?: number; maxMetadataBytes?: number }): Manifest {
  const m = testManifest();
  const services = Object.fromEntries(Object.entries(m.services).map(([name, s]) => [name, s.kind === 'tmpfs' ? { ...s, config: { ...s.config, ...config } } : s]));
  return { ...m, services } as Manifest;
}

async function flood(keel: Keel, ...args: string[]): Promise<string> {
  const r = await within(keel.run(prog('tmpfs_flood'), { args: ['tmpfs_flood', ...args], dirs: ['/tmp'], limits: { timeMs: LIMIT_MS } }), LIMIT_MS + 10_000, `tmpfs_flood ${args.join(' ')}`);
  assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
  return r.stdout;
}

/** How many the flood made before the file system said `error`. */
function madeUntil(out: string, what: string, error: RegExp): number {
  const m = new RegExp(`^${what} (\\d+): (.*)\\n$`).exec(out);
  assert.ok(m && error.test(m[2]!), `expected "${what} N: ${error.source}", got ${JSON.stringify(out)}`);
  return Number(m[1]);
}

const NOSPC = /^No space left on device$/;
const NAMETOOLONG = /^File ?name too long$/i;

async function run(keel: Keel, path: string, ...args: string[]): Promise<ProgramResult> {
  return within(keel.run({ path }, { args: [path.slice(path.lastIndexOf('/') + 1), ...args], dirs: ['/'], cwd: '/' }), LIMIT_MS, args.join(' '));
}

/** Other programs are served, the file written at the start is whole, and no service restarted. */
async function stillServing(keel: Keel, keep: Uint8Array): Promise<void> {
  const hello = await within(keel.run(prog('hello')), 30_000, 'hello');
  assert.equal(hello.stdout, 'hello, world\n');
  const cat = await within(keel.run(prog('cat'), { args: ['cat', '/tmp/keep'], dirs: ['/tmp'] }), 30_000, 'cat /tmp/keep');
  assert.deepEqual(cat.stdoutBytes, keep);
  assert.deepEqual(await keel.readFile('/tmp/keep'), keep);
  for (const s of keel.services()) assert.deepEqual({ name: s.name, state: s.state, restarts: s.restarts }, { name: s.name, state: 'running', restarts: 0 });
}

const pattern = (n: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);

test('long symlink targets fill tmpfs at its default limits: ENOSPC, nothing lost, no restart', async () => {
  const keep = pattern(300_000);
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/keep', keep);
    await keel.mkdir('/tmp/links');
    await keel.mkdir('/tmp/names');
    // A target longer than PATH_MAX is refused outright, as on Linux.
    assert.equal(madeUntil(await flood(keel, 'symlinks', '/tmp/links', '32768'), 'symlinks', NAMETOOLONG), 0);
    // Other programs run while the flood fills the file system.
    const [out, hello] = await Promise.all([flood(keel, 'symlinks', '/tmp/links', '4095'), within(keel.run(prog('hello')), 60_000, 'hello beside the flood')]);
    assert.equal(hello.stdout, 'hello, world\n');
    const links = madeUntil(out, 'symlinks', NOSPC);
    // 64 MiB of metadata at ~4.7 KiB a link.
    assert.ok(links > 12_000 && links < 15_000, `${links} symlinks`);
    await stillServing(keel, keep);
    // Full, names get no room.
    assert.ok(madeUntil(await flood(keel, 'names', '/tmp/names'), 'names', NOSPC) < 10);
    await stillServing(keel, keep);
  });
});

test('long names, tiny files and a growing file fill a smaller tmpfs: ENOSPC, served meanwhile, nothing lost, space comes back', async () => {
  const keep = pattern(100_000);
  const rm = async (keel: Keel, path: string): Promise<void> => {
    const r = await run(keel, '/bin/rm', '-r', path);
    assert.deepEqual({ status: r.status, stderr: r.stderr }, { status: { kind: 'exited', code: 0 }, stderr: '' });
  };
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/keep', keep);
    await keel.mkdir('/tmp/names');
    const names = madeUntil(await flood(keel, 'names', '/tmp/names'), 'names', NOSPC);
    assert.ok(names > 2000, `${names} names of 255 bytes`);
    await stillServing(keel, keep);
    await rm(keel, '/tmp/names');
    await keel.mkdir('/tmp/small');
    const files = madeUntil(await flood(keel, 'files', '/tmp/small'), 'files', NOSPC);
    assert.ok(files > 1500, `${files} files of one byte`);
    await stillServing(keel, keep);
    await rm(keel, '/tmp/small');
    // One file grows until the file system is full, 64 KiB at a time; other programs' file calls
    // are served meanwhile (each write copies at most a page, never the file).
    const big = flood(keel, 'append', '/tmp/big');
    for (let i = 0; i < 3; i++) await stillServing(keel, keep);
    const kib = madeUntil(await big, 'append', NOSPC);
    assert.ok(kib > 40 * 1024 && kib <= 48 * 1024, `${kib} KiB appended`);
    await stillServing(keel, keep);
    await rm(keel, '/tmp/big');
    // Everything removed, everything comes back: the same flood makes as many again.
    await keel.mkdir('/tmp/names');
    assert.equal(madeUntil(await flood(keel, 'names', '/tmp/names'), 'names', NOSPC), names);
  }, { shell: true, manifest: withTmpfs({ maxBytes: 48 << 20, maxMetadataBytes: 2 << 20 }) });
});

test('the deepest and the longest directory chains tmpfs allows are made one level at a time, and rm -r removes them', async () => {
  await withKeel(async (keel) => {
    await keel.mkdir('/tmp/deep');
    await keel.mkdir('/tmp/long');
    // /tmp/deep is 2 levels down; directories stop at 256.
    assert.equal(madeUntil(await flood(keel, 'deep', '/tmp/deep', '8'), 'deep', NAMETOOLONG), 254);
    // /tmp/long is 10 units long; names of 255 take 256 a level, up to 3584 units.
    assert.equal(madeUntil(await flood(keel, 'deep', '/tmp/long', '255'), 'deep', NAMETOOLONG), 13);
    const rm = await run(keel, '/bin/rm', '-r', '/tmp/deep', '/tmp/long');
    assert.deepEqual({ status: rm.status, stderr: rm.stderr }, { status: { kind: 'exited', code: 0 }, stderr: '' });
    const ls = await run(keel, '/bin/ls', '/tmp');
    assert.doesNotMatch(ls.stdout, /deep|long/);
    for (const s of keel.services()) assert.equal(s.restarts, 0, s.name);
  }, { shell: true });
});

/**
 * Names a program passes are read strictly (src/abi/wasi/guest-path.ts), as wasmtime reads them:
 * bytes that are not UTF-8 are EILSEQ and a path of 70 KiB is ENAMETOOLONG — never replaced by
 * U+FFFD (so three names differing in one bad byte are not one file) and never EIO — for every
 * path-taking WASI call in each path position, and for keel.spawn's path, argv and environment.
 * The limits are Linux's, as the VFS applies them: 4095-byte paths and 255-byte names pass, one
 * byte more does not. Runs C programs (programs/c/bad_names.c, bad_spawn_names.c) on a host
 * directory (hostfs) and on Keel's tmpfs; nothing with a bad name reaches the host.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prog, withKeel, within } from '../support/api-helpers.js';

const CALLS = [
  'path_open', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link(old)', 'path_link(new)',
  'path_readlink', 'path_remove_directory', 'path_rename(old)', 'path_rename(new)', 'path_symlink(target)',
  'path_symlink(link)', 'path_unlink_file',
];

const EXPECTED = [
  'create a\\xffb: EILSEQ',
  'create a\\xfeb: EILSEQ',
  'stat a\\xfdb: EILSEQ',
  'create lone continuation: EILSEQ',
  'create overlong slash: EILSEQ',
  'create surrogate: EILSEQ',
  'create truncated: EILSEQ',
  'create caf\\xc3\\xa9: ok',
  'stat caf\\xc3\\xa9: ok',
  'create bom+file: ok',
  ...CALLS.map((c) => `${c} invalid: EILSEQ`),
  ...CALLS.map((c) => `${c} long: ENAMETOOLONG`),
  'path_filestat_get 4095 bytes: ENOENT',
  'path_filestat_get 4096 bytes: ENAMETOOLONG',
  'create 255-byte name: ok',
  'create 256-byte name: ENAMETOOLONG',
  'create 258-byte name of 86 characters: ENAMETOOLONG',
];

test('every path call refuses invalid UTF-8 (EILSEQ) and over-long paths (ENAMETOOLONG) on a host directory', async () => {
  const host = mkdtempSync(join(tmpdir(), 'keel-names-'));
  try {
    await withKeel(async (keel) => {
      const r = await within(keel.run(prog('bad_names'), { args: ['bad_names', '3'], dirs: { '/d': '/mnt/d' } }), 60_000, 'bad_names');
      assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split('\n'), EXPECTED);
    }, { dirs: { '/mnt/d': host } });
    // Only the well-formed names reached the host, each as its own file (the BOM kept).
    assert.deepEqual(readdirSync(host).sort(), ['\u{feff}file', 'café', 'file', 'n'.repeat(255), 'sub'].sort());
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

test('every path call refuses invalid UTF-8 and over-long paths on tmpfs', async () => {
  await withKeel(async (keel) => {
    await keel.mkdir('/tmp/d');
    const r = await within(keel.run(prog('bad_names'), { args: ['bad_names', '3'], dirs: { '/d': '/tmp/d' } }), 60_000, 'bad_names');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), EXPECTED);
  });
});

test('keel.spawn refuses an invalid or over-long path, argv or environment string, and still spawns a good one', async () => {
  const host = mkdtempSync(join(tmpdir(), 'keel-names-'));
  try {
    copyFileSync(prog('hello'), join(host, 'hello.wasm'));
    await withKeel(async (keel) => {
      const r = await within(keel.run(prog('bad_spawn_names'), { args: ['bad_spawn_names', '3', 'hello.wasm'], dirs: { '/d': '/mnt/d' } }), 60_000, 'bad_spawn_names');
      assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split('\n'), [
        'keel.spawn(path) invalid: EILSEQ',
        'keel.spawn(argv) invalid: EILSEQ',
        'keel.spawn(env) invalid: EILSEQ',
        'keel.spawn(path) long: ENAMETOOLONG',
        'keel.spawn(argv) long: E2BIG',
        'keel.spawn(env) long: E2BIG',
        'hello, world',
        'keel.spawn(good): ok, status 0',
      ]);
    }, { dirs: { '/mnt/d': host } });
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

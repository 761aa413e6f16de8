/**
 * The host-facing guards of issue 18, end to end with real wasm programs, under the manifest the
 * tests run with:
 *   - a program may hold at most `vfs.hostFiles` host files open through the VFS (EMFILE beyond;
 *     on Linux, besides those, the few its thread opened itself: decision 025), and while
 *     programs hold theirs, others still start and open files;
 *   - Keel's own disk image and its lock file, inside a `--dir`, cannot be read, overwritten,
 *     replaced or moved away by a program, and the next boot still finds /home.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prog, waitFor, within, withKeel } from '../support/api-helpers.js';
import { testManifest } from '../support/manifest.js';
import type { Manifest } from '../../src/manifest/manifest-schema.js';

/** The tests' manifest with `hostFiles` set on its VFS. */
function withHostFiles(n: number): Manifest {
  const m = testManifest();
  const vfs = m.services['vfs'];
  assert.ok(vfs?.kind === 'vfs');
  return { ...m, services: { ...m.services, vfs: { ...vfs, config: { ...vfs.config!, hostFiles: n } } } };
}

/** A sink that keeps what a program writes, for a test to watch. */
function collector(): { text: () => string; sink: { write(chunk: Uint8Array): boolean } } {
  let text = '';
  return { text: () => text, sink: { write: (c) => { text += new TextDecoder().decode(c); return true; } } };
}

test('a program holds at most vfs.hostFiles host files; others keep working meanwhile', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-hostfiles-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const d of ['a', 'b', 'c']) mkdirSync(join(dir, d));
  await withKeel(async (keel) => {
    const holders = ['a', 'b'].map((d) => {
      const out = collector();
      return { out, p: keel.spawn(prog('open_many'), { args: ['open_many', `/data/${d}`, '250', 'hold'], stdin: 'pipe', stdout: out.sink }) };
    });
    const procs = await Promise.all(holders.map((h) => h.p));
    for (const h of holders) await waitFor(() => h.out.text().includes('stopped'), 30_000, 'the holder to reach its limit');
    // 99 through the VFS (the preopened directory is one of the 100), and on Linux those the
    // program's thread opened itself first (decision 025: at most 64 host descriptors of its own,
    // the directory's handle among them — the bound on its descriptors decision 024 set).
    let held = 0;
    for (const h of holders) {
      const m = /^opened (\d+)\nstopped: No file descriptors available\n$/.exec(h.out.text());
      assert.ok(m, h.out.text());
      held = Number(m[1]);
      assert.ok(held >= 99 && held < 99 + 64, `opened ${held}`);
    }
    // While they hold their files, another program starts and opens some.
    const r = await within(keel.run(prog('open_many'), { args: ['open_many', '/data/c', '20'] }), 30_000, 'a third program');
    assert.equal(r.stdout, 'opened 20\n');
    for (const p of procs) await p.stdin!.end();
    for (const p of procs) assert.equal((await within(p.result(), 30_000, 'holder')).exitCode, 0);
    // Their files were closed at exit: a holder may open its full share again.
    const again = await within(keel.run(prog('open_many'), { args: ['open_many', '/data/a', String(held)] }), 30_000, 'again');
    assert.equal(again.stdout, `opened ${held}\n`);
  }, { manifest: withHostFiles(100), dirs: { '/data': dir } });
});

test("Keel's home image inside a --dir is out of the program's reach, and the next boot finds /home", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-image-guard-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, '.keel'));
  const image = join(dir, '.keel', 'home.img');
  const options = { disks: { '/home': image }, dirs: { '/host': dir } };
  await withKeel(async (keel) => {
    await keel.writeFile('/home/keep.txt', 'kept\n');
    const read = await keel.run(prog('cat'), { args: ['cat', '/host/.keel/home.img'] });
    assert.notEqual(read.exitCode, 0, 'reading the image is refused');
    assert.match(read.stderr, /Permission denied|not permitted/i);
    const overwrite = await keel.run(prog('copy_file'), { args: ['copy_file', '/host/.keel/home.img.lock', '/host/.keel/home.img'] });
    assert.equal(overwrite.exitCode, 1, overwrite.stdout);
    const list = await keel.run(prog('list_dir'), { args: ['list_dir', '/host/.keel'] });
    assert.equal(list.stdout, '', 'neither the image nor its lock is listed');
    const move = await keel.run(prog('rename_path'), { args: ['rename_path', '/host/.keel', '/host/moved'] });
    assert.equal(move.stdout, 'rename: Resource busy\n', 'the directory holding the image stays');
    await keel.writeFile('/host/fake.img', 'fake');
    const replace = await keel.run(prog('rename_path'), { args: ['rename_path', '/host/fake.img', '/host/.keel/home.img'] });
    assert.equal(replace.stdout, 'rename: Permission denied\n', 'the image cannot be replaced');
    await keel.sync();
  }, options);
  assert.deepEqual(readdirSync(join(dir, '.keel')).sort(), ['home.img']);
  assert.ok(statSync(image).size > 0);
  await withKeel(async (keel) => {
    assert.equal(new TextDecoder().decode(await keel.readFile('/home/keep.txt')), 'kept\n');
  }, options);
});

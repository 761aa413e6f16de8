/**
 * hostfs against the escapes a hostile-program review found (issue 18), on real host directories:
 *   1. one host tree served by two hostfs instances (nested roots): a directory held open through
 *      one is renamed away through the other and a symlink to the outside put in its place;
 *   2. a symlink planted by the host in place of a directory a client holds open;
 *   3. a host process swapping a directory and a symlink to the outside in a loop while a client
 *      opens, creates, links and reads through the path;
 * and the guards that came with the fix: Keel's images out of reach, the descriptor budget, and
 * symlinks that would climb above the root never made. Nothing outside a root may be read,
 * created or changed. Where the host cannot bind names to open directories (no /proc), the race
 * test is skipped: that platform's guarantee is documented as weaker.
 */

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Errno } from '../../src/abi/errno.js';
import { FileType, ROOT_NODE, unpackDirEntries } from '../../src/abi/protocols/fs.js';
import { Hostfs } from '../../src/services/hostfs/hostfs.js';
import { nodeHostFs } from '../../src/platform/node/node-host-fs.js';
import { startDirSwapper } from '../support/dir-swapper.js';
import { protectedImages } from '../../src/system/host-guards.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-hostfs-escape-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | number): string => (typeof b === 'number' ? `errno ${b}` : new TextDecoder().decode(b));

function ok<T>(r: T | number, what = ''): T {
  assert.ok(typeof r !== 'number', `${what}: expected success, got errno ${String(r)}`);
  return r;
}

/** A fresh tree: B/proj (served), B/outside/secret (must stay unread and unchanged). */
function tree(): { b: string; proj: string; outside: string } {
  const b = fs.mkdtempSync(path.join(base, 't-'));
  const proj = path.join(b, 'proj');
  const outside = path.join(b, 'outside');
  fs.mkdirSync(proj);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'SECRET');
  return { b, proj, outside };
}

function mkdirs(hfs: Hostfs, names: string[]): number {
  let dir = ROOT_NODE;
  for (const n of names) dir = ok(hfs.create(dir, n, FileType.DIRECTORY, false, ''), `mkdir ${n}`).node;
  return dir;
}

function names(hfs: Hostfs, dir: number): string[] {
  const r = ok(hfs.readdir(dir, 0, 1 << 16));
  return unpackDirEntries(r.entries, r.count).map((e) => e.name).sort();
}

function assertOutsideUntouched(outside: string): void {
  assert.deepEqual(fs.readdirSync(outside), ['secret'], 'nothing was made outside');
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'SECRET');
  assert.equal(fs.statSync(path.join(outside, 'secret')).nlink, 1, 'no hard link to the outside file');
}

test('one tree through two mounts: a directory held open through one follows itself when the other swaps in a symlink', () => {
  const { proj, outside } = tree();
  fs.mkdirSync(path.join(proj, 'out'));
  const whole = new Hostfs(nodeHostFs, proj);
  const out = new Hostfs(nodeHostFs, path.join(proj, 'out'));
  const etc = mkdirs(out, ['x', 'etc']);
  assert.equal(out.open(etc), Errno.SUCCESS);
  // Through the other mount: move x away, plant x -> ../../outside (refused by hostfs: climbs above
  // its root), so plant it as the host would, behind Keel's back.
  const outDir = ok(whole.lookup(ROOT_NODE, 'out')).node;
  assert.equal(whole.rename(outDir, 'x', ROOT_NODE, 'moved'), Errno.SUCCESS);
  assert.equal(whole.create(outDir, 'x', FileType.SYMBOLIC_LINK, true, '../../outside'), Errno.PERM, 'a link climbing above the root is never made');
  fs.symlinkSync('../outside', path.join(proj, 'out', 'x'));

  // Everything through the held directory lands in proj/moved/etc.
  const f = ok(out.create(etc, 'secret', FileType.REGULAR_FILE, false, '')).node;
  assert.equal(str(out.read(f, 0, 100)), '', 'the file made is a new one, not the outside secret');
  ok(out.write(f, 0, text('inside'), false));
  ok(out.create(etc, 'sub', FileType.DIRECTORY, false, ''));
  assert.deepEqual(names(out, etc), ['secret', 'sub']);
  assert.equal(fs.readFileSync(path.join(proj, 'moved', 'etc', 'secret'), 'utf8'), 'inside');
  // A fresh walk by name meets the symlink and stops there.
  const x = ok(out.lookup(ROOT_NODE, 'x'));
  assert.equal(x.type, FileType.SYMBOLIC_LINK);
  assert.equal(out.lookup(x.node, 'secret'), Errno.NOTDIR);
  assert.equal(out.close(etc), Errno.SUCCESS);
  assertOutsideUntouched(outside);
});

test('a symlink the host plants in place of an open directory changes nothing for its holder', () => {
  const { proj, outside } = tree();
  const hfs = new Hostfs(nodeHostFs, proj);
  const etc = mkdirs(hfs, ['a', 'etc']);
  assert.equal(hfs.open(etc), Errno.SUCCESS);
  fs.renameSync(path.join(proj, 'a'), path.join(proj, 'a.old'));
  fs.symlinkSync('../outside', path.join(proj, 'a'));
  fs.mkdirSync(path.join(outside, 'etc'));
  fs.writeFileSync(path.join(outside, 'etc', 'passwd'), 'ROOT');

  assert.equal(hfs.lookup(etc, 'passwd'), Errno.NOENT, 'the held directory is a.old/etc, which has no passwd');
  const f = ok(hfs.create(etc, 'made', FileType.REGULAR_FILE, true, '')).node;
  ok(hfs.write(f, 0, text('here'), false));
  ok(hfs.create(etc, 'dir', FileType.DIRECTORY, true, ''));
  assert.deepEqual(names(hfs, etc), ['dir', 'made']);
  assert.equal(hfs.unlink(etc, 'made', false), Errno.SUCCESS);
  assert.deepEqual(fs.readdirSync(path.join(proj, 'a.old', 'etc')), ['dir']);
  // An unheld node named through the planted link is stale: its name now stands for a symlink.
  const a = ok(hfs.lookup(ROOT_NODE, 'a'));
  assert.equal(a.type, FileType.SYMBOLIC_LINK);
  assert.equal(hfs.close(etc), Errno.SUCCESS);
  assert.deepEqual(fs.readdirSync(path.join(outside, 'etc')), ['passwd']);
  assert.equal(fs.readFileSync(path.join(outside, 'etc', 'passwd'), 'utf8'), 'ROOT');
});

test('a directory node whose name the host swapped for another directory is stale, not redirected', () => {
  const { proj } = tree();
  const hfs = new Hostfs(nodeHostFs, proj, { maxDescriptors: 4 });
  const d = mkdirs(hfs, ['d']);
  ok(hfs.create(d, 'mine', FileType.REGULAR_FILE, true, ''));
  fs.renameSync(path.join(proj, 'd'), path.join(proj, 'd.old'));
  fs.mkdirSync(path.join(proj, 'd'));
  fs.writeFileSync(path.join(proj, 'd', 'theirs'), '');
  // Push d's handle out of the cache (walk into many others) so it must be reopened by name.
  for (let i = 0; i < 70; i++) mkdirs(hfs, [`e${i}`, 'x']);
  assert.equal(hfs.lookup(d, 'theirs'), Errno.NOENT, 'd stands for the moved directory; it is not reopened as the new one');
  assert.equal(hfs.lookup(d, 'mine'), Errno.NOENT, 'and, its name gone, it is stale');
  const fresh = ok(hfs.lookup(ROOT_NODE, 'd')).node;
  assert.notEqual(fresh, d);
  assert.deepEqual(names(hfs, fresh), ['theirs']);
});

test('a host process swapping a directory and a symlink to the outside never lets a call through', { skip: !nodeHostFs.resolvesAtDirectory && 'this host cannot bind names to open directories (no /proc)', timeout: 120_000 }, async () => {
  const { b, proj, outside } = tree();
  fs.mkdirSync(path.join(proj, 'sw'));
  fs.writeFileSync(path.join(proj, 'sw', 'secret'), 'inside');
  fs.symlinkSync('../outside', path.join(proj, 'lnk'));
  const swapper = startDirSwapper(proj, 'sw', 'lnk', b);
  let swaps = 0;
  const hfs = new Hostfs(nodeHostFs, proj);
  let reads = 0, creates = 0;
  try {
    const deadline = Date.now() + 4000;
    for (let i = 0; Date.now() < deadline; i++) {
      const sw = hfs.lookup(ROOT_NODE, 'sw');
      if (typeof sw === 'number' || sw.type !== FileType.DIRECTORY) continue;
      const s = hfs.lookup(sw.node, 'secret');
      if (typeof s !== 'number' && hfs.open(s.node) === Errno.SUCCESS) {
        const got = str(hfs.read(s.node, 0, 100));
        assert.notEqual(got, 'SECRET', 'read the outside file through a swapped directory');
        if (got === 'inside') reads++;
        hfs.close(s.node);
      }
      if (typeof hfs.create(sw.node, `f${i}`, FileType.REGULAR_FILE, true, '') !== 'number') creates++;
      hfs.create(sw.node, `d${i}`, FileType.DIRECTORY, true, '');
      if (typeof s !== 'number') hfs.link(s.node, sw.node, `l${i}`);
      if (typeof s !== 'number') hfs.rename(sw.node, `f${i}`, sw.node, `g${i}`);
      await Promise.resolve();
    }
  } finally {
    swaps = await swapper.stop();
  }
  assert.ok(swaps > 100, `the host swapped often enough to race (${swaps} swaps)`);
  assert.ok(reads > 0 && creates > 0, `the client got through sometimes (${reads} reads, ${creates} creates)`);
  assertOutsideUntouched(outside);
});

test("Keel's own images and their directories are out of every client's reach", () => {
  const { b, proj } = tree();
  const keelDir = path.join(proj, '.keel');
  fs.mkdirSync(keelDir);
  const image = path.join(keelDir, 'home.img');
  fs.writeFileSync(image, 'IMAGE');
  fs.writeFileSync(`${image}.lock`, 'LOCK');
  fs.linkSync(image, path.join(proj, 'alias.img'));
  const protect = protectedImages(nodeHostFs, [image]);
  const hfs = new Hostfs(nodeHostFs, b, { protect });
  const p = ok(hfs.lookup(ROOT_NODE, 'proj')).node;
  const k = ok(hfs.lookup(p, '.keel')).node;
  assert.equal(hfs.lookup(k, 'home.img'), Errno.ACCES);
  assert.equal(hfs.lookup(k, 'home.img.lock'), Errno.ACCES);
  assert.equal(hfs.lookup(p, 'alias.img'), Errno.ACCES, 'another hard link to the image');
  assert.deepEqual(names(hfs, k), [], 'the image and its lock are not listed');
  assert.equal(hfs.create(k, 'home.img', FileType.REGULAR_FILE, false, ''), Errno.ACCES);
  const other = ok(hfs.create(p, 'other', FileType.REGULAR_FILE, true, '')).node;
  assert.equal(hfs.rename(p, 'other', k, 'home.img'), Errno.ACCES, 'replacing the image by a rename');
  assert.equal(hfs.link(other, k, 'home.img.lock'), Errno.ACCES);
  assert.equal(hfs.rename(p, '.keel', p, 'moved'), Errno.BUSY, 'moving the images\' directory away');
  assert.equal(hfs.rename(ROOT_NODE, 'proj', ROOT_NODE, 'moved'), Errno.BUSY, 'moving a directory above it');
  assert.equal(hfs.unlink(p, '.keel', true), Errno.BUSY);
  assert.equal(fs.readFileSync(image, 'utf8'), 'IMAGE');
  assert.equal(fs.readFileSync(`${image}.lock`, 'utf8'), 'LOCK');
});

test('host descriptors: a hostfs holds at most its share, closes cached directories first, then says ENFILE', () => {
  const { proj } = tree();
  const hfs = new Hostfs(nodeHostFs, proj, { maxDescriptors: 6 });
  const deep = mkdirs(hfs, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  ok(hfs.create(deep, 'leaf', FileType.REGULAR_FILE, true, ''));
  assert.ok(hfs.descriptors <= 6, `${hfs.descriptors} descriptors`);
  const files: number[] = [];
  for (let i = 0; i < 8; i++) files.push(ok(hfs.create(ROOT_NODE, `f${i}`, FileType.REGULAR_FILE, true, '')).node);
  const opened = files.map((f) => hfs.open(f));
  assert.deepEqual(opened, [0, 0, 0, 0, 0, Errno.NFILE, Errno.NFILE, Errno.NFILE], 'the root and five files');
  assert.equal(hfs.descriptors, 6);
  assert.equal(hfs.lookup(deep, 'leaf'), Errno.NFILE, 'no descriptor left to reopen the deep directory');
  hfs.close(files[0]!);
  hfs.close(files[1]!);
  assert.equal(ok(hfs.lookup(deep, 'leaf')).type, FileType.REGULAR_FILE, 'with two free it walks down again');
  for (const f of files.slice(2, 5)) hfs.close(f);
  hfs.stop();
  assert.equal(hfs.descriptors, 0);
});

test('symlinks: targets that climb above the root or are absolute are never made; those inside are', () => {
  const { proj } = tree();
  const hfs = new Hostfs(nodeHostFs, proj);
  const d = mkdirs(hfs, ['d', 'e']);
  ok(hfs.create(d, 'up2', FileType.SYMBOLIC_LINK, true, '../..'));
  assert.equal(hfs.create(d, 'up3', FileType.SYMBOLIC_LINK, true, '../../..'), Errno.PERM);
  ok(hfs.create(d, 'zig', FileType.SYMBOLIC_LINK, true, 'x/../../..'));
  assert.equal(hfs.create(d, 'zag', FileType.SYMBOLIC_LINK, true, '../../x/../..'), Errno.PERM);
  assert.equal(hfs.create(ROOT_NODE, 'abs', FileType.SYMBOLIC_LINK, true, '/tmp'), Errno.PERM);
  assert.deepEqual(fs.readdirSync(path.join(proj, 'd', 'e')).sort(), ['up2', 'zig']);
});

test('readdir pages through a large directory from one listing, in order, once each', () => {
  const { proj } = tree();
  const want: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const n = `n${String(i).padStart(5, '0')}`;
    fs.writeFileSync(path.join(proj, n), '');
    want.push(n);
  }
  const hfs = new Hostfs(nodeHostFs, proj);
  const got: string[] = [];
  let cookie = 0;
  for (;;) {
    const r = ok(hfs.readdir(ROOT_NODE, cookie, 256));
    if (r.count === 0) break;
    got.push(...unpackDirEntries(r.entries, r.count).map((e) => e.name));
    cookie = r.next;
  }
  assert.deepEqual(got, want);
});

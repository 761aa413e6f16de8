/**
 * hostfs's verified walks (services/hostfs/verified-walks.ts): a walk of several components found
 * before is reused only while the path still reaches the same host object and its last node still
 * stands for it. On real host directories:
 *   - a reused walk answers as a fresh one would, and costs two host calls, not one per component;
 *   - renames, removals and a symlink put in place of a directory on the path (by the host or
 *     through hostfs) are seen at the next walk;
 *   - a host symlink to the outside that reaches the very object an earlier walk found inside
 *     (a hard link outside) gains nothing: every operation still goes to the directories inside;
 *   - a host process swapping a directory and a symlink to the outside while a client walks and
 *     reads never lets an outside file be read.
 */

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileType, ROOT_NODE } from '../../src/abi/protocols/fs.js';
import { Errno } from '../../src/abi/errno.js';
import { Hostfs } from '../../src/services/hostfs/hostfs.js';
import type { HostFs } from '../../src/host/host-fs.js';
import { nodeHostFs } from '../../src/platform/node/node-host-fs.js';
import { startDirSwapper } from '../support/dir-swapper.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-hostfs-walks-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));
const str = (b: Uint8Array | number): string => (typeof b === 'number' ? `errno ${b}` : new TextDecoder().decode(b));

/** A fresh tree: B/proj/a/b/c/file (served: B/proj), B/outside/secret. */
function tree(): { b: string; proj: string; outside: string } {
  const b = fs.mkdtempSync(path.join(base, 't-'));
  const proj = path.join(b, 'proj');
  const outside = path.join(b, 'outside');
  fs.mkdirSync(path.join(proj, 'a', 'b', 'c'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'a', 'b', 'c', 'file'), 'inside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'SECRET');
  return { b, proj, outside };
}

/** nodeHostFs, counting the host calls that look a name or a path up. */
function counting(): { host: HostFs; lookups: () => number } {
  let n = 0;
  const host: HostFs = { ...nodeHostFs, lstat: (p) => { n++; return nodeHostFs.lstat(p); }, lstatAt: (d, name) => { n++; return nodeHostFs.lstatAt(d, name); }, lstatAtOrNull: (d, name) => { n++; return nodeHostFs.lstatAtOrNull(d, name); } };
  return { host, lookups: () => n };
}

const WALK = ['a', 'b', 'c', 'file'];

function walkOk(hfs: Hostfs, names = WALK): { node: number; type: number }[] {
  const r = hfs.walk(ROOT_NODE, names);
  assert.equal(r.error, 0);
  assert.equal(r.found.length, names.length, `walked all of ${names.join('/')}`);
  return [...r.found];
}

test('a walk found before is reused while it holds: the same nodes, two host calls', () => {
  const { proj } = tree();
  const { host, lookups } = counting();
  const hfs = new Hostfs(host, proj);
  const first = walkOk(hfs);
  const before = lookups();
  assert.deepEqual(walkOk(hfs), first);
  assert.equal(lookups() - before, 2, 'one lstat of the whole path, one of the last name');
  assert.equal(str(hfs.read(first[3]!.node, 0, 100)), 'inside');
});

test('renames, removals and a symlink on the path are seen at the next walk', () => {
  const { proj, outside } = tree();
  const hfs = new Hostfs(nodeHostFs, proj);
  walkOk(hfs);
  // The host renames a directory on the path: the path no longer leads anywhere.
  fs.renameSync(path.join(proj, 'a', 'b'), path.join(proj, 'a', 'b2'));
  const gone = hfs.walk(ROOT_NODE, WALK);
  assert.equal(gone.error, Errno.NOENT);
  assert.equal(gone.found.length, 1);
  // The host puts a symlink to the outside where the directory was: the walk stops at it.
  fs.symlinkSync(outside, path.join(proj, 'a', 'b'));
  fs.mkdirSync(path.join(outside, 'c'));
  fs.writeFileSync(path.join(outside, 'c', 'file'), 'SECRET');
  const stopped = hfs.walk(ROOT_NODE, WALK);
  assert.equal(stopped.error, 0);
  assert.deepEqual(stopped.found.map((f) => f.type), [FileType.DIRECTORY, FileType.SYMBOLIC_LINK]);
  // Back as it was (through hostfs this time): found again.
  fs.unlinkSync(path.join(proj, 'a', 'b'));
  const a = walkOk(hfs, ['a', 'b2'])[0]!;
  assert.equal(hfs.rename(a.node, 'b2', a.node, 'b'), 0);
  assert.equal(str(hfs.read(walkOk(hfs)[3]!.node, 0, 100)), 'inside');
  // Removed through hostfs: not found.
  const c = walkOk(hfs)[2]!;
  assert.equal(hfs.unlink(c.node, 'file', false), 0);
  assert.equal(hfs.walk(ROOT_NODE, WALK).error, Errno.NOENT);
});

test('a host symlink to the outside that reaches the same object gains nothing', () => {
  const { proj, outside } = tree();
  const hfs = new Hostfs(nodeHostFs, proj);
  walkOk(hfs);
  // The host moves a/b/c away, links its file from outside and points a/b/c there.
  fs.renameSync(path.join(proj, 'a', 'b', 'c'), path.join(proj, 'a', 'b', 'c.old'));
  fs.linkSync(path.join(proj, 'a', 'b', 'c.old', 'file'), path.join(outside, 'file'));
  fs.symlinkSync(outside, path.join(proj, 'a', 'b', 'c'));
  const found = hfs.walk(ROOT_NODE, WALK);
  if (found.error === 0 && found.found.length === 4) {
    // Reused: the very file found before, and its directory is still the one inside.
    assert.equal(str(hfs.read(found.found[3]!.node, 0, 100)), 'inside');
    const made = hfs.create(found.found[2]!.node, 'new', FileType.REGULAR_FILE, true, '');
    assert.ok(typeof made !== 'number');
    assert.ok(fs.existsSync(path.join(proj, 'a', 'b', 'c.old', 'new')), 'made inside, in the directory found before');
  }
  assert.deepEqual(fs.readdirSync(outside).sort(), ['file', 'secret'], 'nothing made outside');
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'SECRET');
});

test('a host process swapping a directory and a symlink to the outside never lets a walk read outside', { skip: !nodeHostFs.resolvesAtDirectory && 'this host cannot bind names to open directories (no /proc)', timeout: 120_000 }, async () => {
  const { b, proj, outside } = tree();
  fs.mkdirSync(path.join(proj, 'sw', 'in'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'sw', 'in', 'secret'), 'inside');
  fs.mkdirSync(path.join(outside, 'in'));
  fs.writeFileSync(path.join(outside, 'in', 'secret'), 'SECRET');
  fs.symlinkSync('../outside', path.join(proj, 'lnk'));
  const swapper = startDirSwapper(proj, 'sw', 'lnk', b);
  let swaps = 0;
  const hfs = new Hostfs(nodeHostFs, proj);
  let reads = 0;
  try {
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      const r = hfs.walk(ROOT_NODE, ['sw', 'in', 'secret']);
      const last = r.found[2];
      if (r.error === 0 && last && last.type === FileType.REGULAR_FILE && hfs.open(last.node) === Errno.SUCCESS) {
        const got = str(hfs.read(last.node, 0, 100));
        assert.notEqual(got, 'SECRET', 'read the outside file through a swapped directory');
        if (got === 'inside') reads++;
        hfs.close(last.node);
      }
      await Promise.resolve();
    }
  } finally {
    swaps = await swapper.stop();
  }
  assert.ok(swaps > 100, `the host swapped often enough to race (${swaps} swaps)`);
  assert.ok(reads > 0, `the client got through sometimes (${reads} reads)`);
  assert.equal(fs.readFileSync(path.join(outside, 'in', 'secret'), 'utf8'), 'SECRET');
});

/**
 * Unit tests of hostfs on a real host directory (a fresh temp dir per test): the file round trip,
 * readdir paging, renames and unlink-while-open keeping nodes usable, confinement (symlinks are
 * reported, never followed; malformed names and absolute symlink targets refused; nothing is
 * created outside the root) and read-only mode.
 */

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Errno } from '../../src/abi/errno.js';
import { FileType, ROOT_NODE, unpackDirEntries } from '../../src/abi/protocols/fs.js';
import { Hostfs, type HostfsConfig } from '../../src/services/hostfs/hostfs.js';
import { nodeHostFs } from '../../src/platform/node/node-host-fs.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-hostfs-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | number): string => {
  assert.ok(typeof b !== 'number', `expected data, got errno ${String(b)}`);
  return new TextDecoder().decode(b);
};

function ok<T>(r: T | number): T {
  assert.ok(typeof r !== 'number', `expected success, got errno ${String(r)}`);
  return r;
}

function fresh(config: HostfsConfig = {}): { root: string; hfs: Hostfs } {
  const root = fs.mkdtempSync(path.join(base, 'root-'));
  return { root, hfs: new Hostfs(nodeHostFs, root, config) };
}

function newFile(hfs: Hostfs, dir: number, name: string, contents = ''): number {
  const { node, created } = ok(hfs.create(dir, name, FileType.REGULAR_FILE, true, ''));
  assert.equal(created, 1);
  if (contents) ok(hfs.write(node, 0, text(contents), false));
  return node;
}

test('create, lookup, write, read and getattr round trip', () => {
  const { root, hfs } = fresh();
  const f = newFile(hfs, ROOT_NODE, 'hello.txt');
  assert.deepEqual(hfs.lookup(ROOT_NODE, 'hello.txt'), { node: f, type: FileType.REGULAR_FILE });
  assert.deepEqual(hfs.write(f, 0, text('hello'), false), { written: 5, end: 5 });
  assert.deepEqual(hfs.write(f, 99, text(', world'), true), { written: 7, end: 12 });
  assert.equal(str(hfs.read(f, 0, 100)), 'hello, world');
  assert.equal(str(hfs.read(f, 7, 3)), 'wor');
  assert.equal(str(hfs.read(f, 50, 10)), '');
  assert.equal(fs.readFileSync(path.join(root, 'hello.txt'), 'utf8'), 'hello, world');
  const st = ok(hfs.getattr(f));
  assert.equal(st.node, f);
  assert.equal(st.ino, fs.statSync(path.join(root, 'hello.txt')).ino, 'stat reports the host inode');
  assert.equal(st.type, FileType.REGULAR_FILE);
  assert.equal(st.size, 12);
  assert.equal(st.nlink, 1);
  assert.equal(hfs.truncate(f, 5), Errno.SUCCESS);
  assert.equal(str(hfs.read(f, 0, 100)), 'hello');

  assert.equal(hfs.create(ROOT_NODE, 'hello.txt', FileType.REGULAR_FILE, true, ''), Errno.EXIST);
  assert.deepEqual(hfs.create(ROOT_NODE, 'hello.txt', FileType.REGULAR_FILE, false, ''), { node: f, type: FileType.REGULAR_FILE, created: 0 });
  const d = ok(hfs.create(ROOT_NODE, 'sub', FileType.DIRECTORY, false, '')).node;
  assert.equal(hfs.create(ROOT_NODE, 'sub', FileType.DIRECTORY, false, ''), Errno.EXIST);
  assert.equal(hfs.create(ROOT_NODE, 'sub', FileType.REGULAR_FILE, false, ''), Errno.EXIST);
  assert.equal(hfs.read(d, 0, 10), Errno.ISDIR);
  assert.equal(hfs.lookup(ROOT_NODE, 'missing'), Errno.NOENT);
  assert.equal(hfs.lookup(f, 'x'), Errno.NOTDIR);

  assert.equal(hfs.setTimes(f, 1_000_000_000_000_000_000n, 1_500_000_000_000_000_000n, 1 | 4), Errno.SUCCESS);
  const t = ok(hfs.getattr(f));
  assert.equal(t.atim, 1_000_000_000_000_000_000n);
  assert.equal(t.mtim, 1_500_000_000_000_000_000n);
  assert.equal(hfs.setTimes(f, 0n, 0n, 1 | 2), Errno.INVAL);
  assert.equal(hfs.setTimes(f, 0n, 2_000_000_000_000_000_000n, 4), Errno.SUCCESS);
  assert.equal(ok(hfs.getattr(f)).atim, 1_000_000_000_000_000_000n, 'an unset time keeps its value');
  // Nanoseconds the host cannot store exactly are still reported exactly.
  assert.equal(hfs.setTimes(f, 1_795_447_659_251_844_252n, 1_795_447_659_251_844_153n, 1 | 4), Errno.SUCCESS);
  assert.equal(ok(hfs.getattr(f)).mtim, 1_795_447_659_251_844_153n);
  assert.equal(ok(hfs.getattr(f)).atim, 1_795_447_659_251_844_252n);
  // A change made on the host behind Keel's back wins over the remembered values.
  fs.utimesSync(path.join(root, 'hello.txt'), 1000, 2000);
  assert.equal(ok(hfs.getattr(f)).mtim, 2_000_000_000_000n);

  assert.equal(hfs.link(f, d, 'again'), Errno.SUCCESS);
  assert.equal(ok(hfs.getattr(f)).nlink, 2);
  assert.equal(hfs.link(d, ROOT_NODE, 'dirlink'), Errno.PERM);
  assert.equal(hfs.sync(f), Errno.SUCCESS);
  assert.equal(hfs.sync(d), Errno.SUCCESS);
});

test('readdir with a small max returns every entry once, with stable cookies', () => {
  const { hfs } = fresh();
  const names = ['delta', 'alpha', 'echo', 'bravo', 'charlie', 'foxtrot', 'golf'];
  for (const n of names) newFile(hfs, ROOT_NODE, n);
  ok(hfs.create(ROOT_NODE, 'zulu', FileType.DIRECTORY, true, ''));
  ok(hfs.create(ROOT_NODE, 'yankee', FileType.SYMBOLIC_LINK, true, 'alpha'));
  const seen: { name: string; type: number; node: number }[] = [];
  const pages: { cookie: number; names: string[] }[] = [];
  let cookie = 0;
  for (let calls = 0; calls < 50; calls++) {
    const r = ok(hfs.readdir(ROOT_NODE, cookie, 60));
    if (r.count === 0) break;
    assert.ok(r.count <= 2);
    const page = unpackDirEntries(r.entries, r.count);
    pages.push({ cookie, names: page.map((e) => e.name) });
    seen.push(...page);
    assert.equal(page[page.length - 1]!.next, r.next);
    cookie = r.next;
  }
  const all = [...names, 'zulu', 'yankee'].sort();
  assert.deepEqual(seen.map((e) => e.name), all);
  for (const e of seen) {
    const found = ok(hfs.lookup(ROOT_NODE, e.name));
    assert.equal(found.type, e.type);
    assert.equal(ok(hfs.getattr(found.node)).ino, e.node, 'a directory entry carries the inode number stat reports');
  }
  assert.equal(seen.find((e) => e.name === 'zulu')!.type, FileType.DIRECTORY);
  assert.equal(seen.find((e) => e.name === 'yankee')!.type, FileType.SYMBOLIC_LINK);
  for (const p of pages) {
    const again = ok(hfs.readdir(ROOT_NODE, p.cookie, 60));
    assert.deepEqual(unpackDirEntries(again.entries, again.count).map((e) => e.name), p.names);
  }
  assert.equal(hfs.readdir(ok(hfs.lookup(ROOT_NODE, 'alpha')).node, 0, 1000), Errno.NOTDIR);
});

test('renaming a directory keeps the nodes under it reachable', () => {
  const { root, hfs } = fresh();
  const d = ok(hfs.create(ROOT_NODE, 'd', FileType.DIRECTORY, true, '')).node;
  const sub = ok(hfs.create(d, 'sub', FileType.DIRECTORY, true, '')).node;
  const f = newFile(hfs, sub, 'f', 'inside');
  const other = ok(hfs.create(ROOT_NODE, 'other', FileType.DIRECTORY, true, '')).node;
  assert.equal(hfs.rename(ROOT_NODE, 'd', other, 'moved'), Errno.SUCCESS);
  assert.equal(hfs.lookup(ROOT_NODE, 'd'), Errno.NOENT);
  assert.equal(str(hfs.read(f, 0, 100)), 'inside');
  assert.equal(ok(hfs.getattr(sub)).type, FileType.DIRECTORY);
  assert.deepEqual(hfs.lookup(other, 'moved'), { node: d, type: FileType.DIRECTORY });
  assert.deepEqual(hfs.lookup(sub, 'f'), { node: f, type: FileType.REGULAR_FILE });
  assert.equal(fs.readFileSync(path.join(root, 'other', 'moved', 'sub', 'f'), 'utf8'), 'inside');
  assert.equal(hfs.rename(other, 'moved', sub, 'loop'), Errno.INVAL, 'a directory cannot move into itself');

  // Renaming over an open file leaves the replaced file readable until it is closed.
  const a = newFile(hfs, ROOT_NODE, 'a', 'AAA');
  const b = newFile(hfs, ROOT_NODE, 'b', 'BBB');
  assert.equal(hfs.open(b), Errno.SUCCESS);
  assert.equal(hfs.rename(ROOT_NODE, 'a', ROOT_NODE, 'b'), Errno.SUCCESS);
  assert.deepEqual(hfs.lookup(ROOT_NODE, 'b'), { node: a, type: FileType.REGULAR_FILE });
  assert.equal(str(hfs.read(b, 0, 10)), 'BBB');
  assert.equal(hfs.close(b), Errno.SUCCESS);
  assert.equal(hfs.read(b, 0, 10), Errno.NOENT);
  assert.equal(str(hfs.read(a, 0, 10)), 'AAA');
});

test('a file unlinked while open stays readable and writable until its last close', () => {
  const { root, hfs } = fresh();
  const f = newFile(hfs, ROOT_NODE, 'f', 'data');
  assert.equal(hfs.open(f), Errno.SUCCESS);
  assert.equal(hfs.open(f), Errno.SUCCESS);
  assert.equal(hfs.unlink(ROOT_NODE, 'f', true), Errno.NOTDIR);
  assert.equal(hfs.unlink(ROOT_NODE, 'f', false), Errno.SUCCESS);
  assert.equal(fs.existsSync(path.join(root, 'f')), false);
  assert.equal(hfs.lookup(ROOT_NODE, 'f'), Errno.NOENT);
  assert.equal(str(hfs.read(f, 0, 100)), 'data');
  assert.deepEqual(hfs.write(f, 0, text('more'), true), { written: 4, end: 8 });
  const st = ok(hfs.getattr(f));
  assert.equal(st.size, 8);
  assert.equal(st.nlink, 0);
  hfs.close(f);
  assert.equal(str(hfs.read(f, 0, 100)), 'datamore');
  hfs.close(f);
  assert.equal(hfs.read(f, 0, 100), Errno.NOENT);
  assert.equal(hfs.getattr(f), Errno.NOENT);
  const again = newFile(hfs, ROOT_NODE, 'f');
  assert.notEqual(again, f, 'a new file gets a new node');

  const d = ok(hfs.create(ROOT_NODE, 'd', FileType.DIRECTORY, true, '')).node;
  newFile(hfs, d, 'x');
  assert.equal(hfs.unlink(ROOT_NODE, 'd', true), Errno.NOTEMPTY);
  assert.equal(hfs.unlink(ROOT_NODE, 'd', false), Errno.ISDIR);
  assert.equal(hfs.unlink(d, 'x', false), Errno.SUCCESS);
  assert.equal(hfs.unlink(ROOT_NODE, 'd', true), Errno.SUCCESS);
  assert.equal(hfs.getattr(d), Errno.NOENT);
});

test('confinement: host symlinks are reported, never followed, and nothing escapes the root', () => {
  const { root, hfs } = fresh();
  const outside = path.join(base, `outside-${path.basename(root)}.txt`);
  fs.writeFileSync(outside, 'secret');
  fs.symlinkSync('/etc', path.join(root, 'etc'));
  fs.symlinkSync(outside, path.join(root, 'out'));
  const before = fs.readdirSync(base).sort();
  const etcBefore = fs.statSync('/etc').mtimeMs;

  const etc = ok(hfs.lookup(ROOT_NODE, 'etc'));
  assert.equal(etc.type, FileType.SYMBOLIC_LINK);
  assert.equal(hfs.readlink(etc.node), '/etc');
  assert.equal(ok(hfs.getattr(etc.node)).type, FileType.SYMBOLIC_LINK);
  assert.equal(hfs.open(etc.node), Errno.LOOP);
  assert.equal(hfs.lookup(etc.node, 'passwd'), Errno.NOTDIR);
  assert.equal(hfs.readdir(etc.node, 0, 4096), Errno.NOTDIR);
  assert.equal(hfs.create(etc.node, 'keel-x', FileType.REGULAR_FILE, false, ''), Errno.NOTDIR);
  assert.equal(hfs.rename(ROOT_NODE, 'etc', etc.node, 'x'), Errno.NOTDIR);

  const out = ok(hfs.lookup(ROOT_NODE, 'out')).node;
  assert.equal(hfs.open(out), Errno.LOOP);
  assert.equal(hfs.read(out, 0, 100), Errno.LOOP);
  assert.equal(hfs.write(out, 0, text('pwned'), false), Errno.LOOP);
  assert.equal(hfs.truncate(out, 0), Errno.LOOP);
  if (nodeHostFs.linkFollowsSymlinks) {
    assert.equal(hfs.link(out, ROOT_NODE, 'hard'), Errno.PERM, 'a link() that follows symlinks could reach outside');
  } else {
    // Linking the symlink makes a second name for the symlink itself, never for what it points to.
    assert.equal(hfs.link(out, ROOT_NODE, 'hard'), Errno.SUCCESS);
    assert.equal(ok(hfs.lookup(ROOT_NODE, 'hard')).type, FileType.SYMBOLIC_LINK);
    assert.equal(fs.statSync(outside).nlink, 1, 'the outside file gained no link');
    assert.equal(hfs.read(ok(hfs.lookup(ROOT_NODE, 'hard')).node, 0, 100), Errno.LOOP);
  }
  assert.equal(hfs.create(ROOT_NODE, 'out', FileType.REGULAR_FILE, false, ''), Errno.EXIST);
  assert.equal(hfs.setTimes(out, 0n, 0n, 1 | 4), Errno.SUCCESS, 'sets the link\'s own times');
  assert.equal(fs.readFileSync(outside, 'utf8'), 'secret');
  assert.notEqual(fs.statSync(outside).mtimeMs, 0);

  for (const bad of ['..', '.', 'a/b', '/etc', 'a\0b']) {
    assert.equal(hfs.lookup(ROOT_NODE, bad), Errno.INVAL, `lookup ${JSON.stringify(bad)}`);
    assert.equal(hfs.create(ROOT_NODE, bad, FileType.REGULAR_FILE, false, ''), Errno.INVAL);
    assert.equal(hfs.create(ROOT_NODE, bad, FileType.DIRECTORY, false, ''), Errno.INVAL);
    assert.equal(hfs.unlink(ROOT_NODE, bad, false), Errno.INVAL);
    assert.equal(hfs.rename(ROOT_NODE, 'out', ROOT_NODE, bad), Errno.INVAL);
    assert.equal(hfs.link(out, ROOT_NODE, bad), Errno.INVAL);
  }
  assert.equal(hfs.lookup(ROOT_NODE, ''), Errno.NOENT);
  assert.equal(hfs.create(ROOT_NODE, '', FileType.REGULAR_FILE, false, ''), Errno.INVAL);

  assert.equal(hfs.create(ROOT_NODE, 'abs', FileType.SYMBOLIC_LINK, true, '/etc/passwd'), Errno.PERM);
  assert.equal(hfs.create(ROOT_NODE, 'abs', FileType.SYMBOLIC_LINK, true, '/'), Errno.PERM);
  assert.equal(fs.existsSync(path.join(root, 'abs')), false);
  const rel = ok(hfs.create(ROOT_NODE, 'rel', FileType.SYMBOLIC_LINK, true, 'sub/file'));
  assert.equal(hfs.readlink(rel.node), 'sub/file');

  assert.deepEqual(fs.readdirSync(base).sort(), before);
  assert.equal(fs.statSync('/etc').mtimeMs, etcBefore);
  assert.deepEqual(fs.readdirSync(root).filter((n) => n !== 'hard').sort(), ['etc', 'out', 'rel']);
});

test('read-only mode refuses every change with EROFS', () => {
  const { root, hfs } = fresh({ readOnly: true });
  fs.writeFileSync(path.join(root, 'f'), 'keep');
  fs.mkdirSync(path.join(root, 'd'));
  const f = ok(hfs.lookup(ROOT_NODE, 'f')).node;
  const d = ok(hfs.lookup(ROOT_NODE, 'd')).node;
  assert.equal(hfs.open(f), Errno.SUCCESS);
  assert.equal(str(hfs.read(f, 0, 10)), 'keep');
  assert.equal(hfs.write(f, 0, text('x'), false), Errno.ROFS);
  assert.equal(hfs.truncate(f, 0), Errno.ROFS);
  assert.equal(hfs.setTimes(f, 0n, 0n, 2 | 8), Errno.ROFS);
  assert.equal(hfs.create(ROOT_NODE, 'new', FileType.REGULAR_FILE, false, ''), Errno.ROFS);
  assert.equal(hfs.create(ROOT_NODE, 'new', FileType.DIRECTORY, false, ''), Errno.ROFS);
  assert.equal(hfs.create(ROOT_NODE, 'new', FileType.SYMBOLIC_LINK, false, 'f'), Errno.ROFS);
  assert.equal(hfs.unlink(ROOT_NODE, 'f', false), Errno.ROFS);
  assert.equal(hfs.unlink(ROOT_NODE, 'd', true), Errno.ROFS);
  assert.equal(hfs.rename(ROOT_NODE, 'f', d, 'g'), Errno.ROFS);
  assert.equal(hfs.link(f, d, 'g'), Errno.ROFS);
  assert.equal(hfs.close(f), Errno.SUCCESS);
  assert.equal(fs.readFileSync(path.join(root, 'f'), 'utf8'), 'keep');
  assert.deepEqual(fs.readdirSync(root).sort(), ['d', 'f']);
});

test('a name that does not exist is ENOENT without a host error thrown; other host errors still surface', () => {
  const { root } = fresh();
  let thrown = 0;
  const counted = (fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (e) {
      thrown++;
      throw e;
    }
  };
  const host = { ...nodeHostFs, lstatAt: (d: number, n: string) => counted(() => nodeHostFs.lstatAt(d, n)) as ReturnType<typeof nodeHostFs.lstatAt>, lstatAtOrNull: (d: number, n: string) => counted(() => nodeHostFs.lstatAtOrNull(d, n)) as ReturnType<typeof nodeHostFs.lstatAtOrNull> };
  const hfs = new Hostfs(host, root);
  fs.writeFileSync(path.join(root, 'there'), 'x');
  for (let i = 0; i < 3; i++) assert.equal(hfs.lookup(ROOT_NODE, 'missing'), Errno.NOENT);
  const { created } = ok(hfs.create(ROOT_NODE, 'missing', FileType.REGULAR_FILE, false, ''));
  assert.equal(created, 1, 'a create that finds no such name makes the file');
  assert.equal(thrown, 0, 'no host call threw for a missing name');
  assert.equal(ok(hfs.lookup(ROOT_NODE, 'there')).type, FileType.REGULAR_FILE);
  // A name too long for the host is its own error, not "no such file".
  assert.equal(hfs.lookup(ROOT_NODE, 'n'.repeat(300)), Errno.NAMETOOLONG);
  assert.equal(thrown, 1);
});

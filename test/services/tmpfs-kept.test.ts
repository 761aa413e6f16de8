/**
 * Unit tests of a tmpfs kept in shared memory (services/tmpfs/kept-tmpfs.ts,
 * services/contract/kept-log.ts): after any mix of changes — and compactions at any point — a new
 * instance on the same memory holds exactly the tree the old one held (nodes, numbers, entries in
 * order, times, data, charges); a record cut off by a kill, or an image a compaction left half
 * written, is never seen; a node removed while open is not kept; a log that cannot be trusted, or
 * one too large to keep, leaves the next instance empty instead of wrong.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Errno } from '../../src/abi/errno.js';
import { FileType, ROOT_NODE, unpackDirEntries } from '../../src/abi/protocols/fs.js';
import { KeptTmpfs } from '../../src/services/tmpfs/kept-tmpfs.js';
import type { Tmpfs } from '../../src/services/tmpfs/tmpfs.js';
import { KeepStatus, KeptLog, type KeptMemory, makeKeptMemory } from '../../src/services/contract/kept-log.js';

const { REGULAR_FILE: FILE, DIRECTORY: DIR, SYMBOLIC_LINK: LINK } = FileType;
const CONFIG = { firstNode: 2 ** 33, dirs: ['/etc'], files: { '/etc/motd': 'hello\n' } };
/** Compact at every idle moment the changes outgrow the image (the default waits for 1 MiB). */
const EAGER = { idleMin: 0, forceMin: 1 << 20 };

function memory(maxLogBytes?: number): KeptMemory {
  const m = makeKeptMemory(maxLogBytes);
  assert.ok(m, 'this host has growable shared memory');
  return m;
}

/** A clock that moves 1 ns a reading: every change gets its own time. */
function ticking(): () => bigint {
  let t = 1_000_000n;
  return () => t++;
}

function ok<T>(r: T | number): T {
  assert.ok(typeof r !== 'number', `expected success, got errno ${String(r)}`);
  return r;
}

/** Everything a tmpfs holds, in a form deepEqual compares: the image, the next node number and the charges. */
function held(fs: Tmpfs): unknown {
  const nodes: unknown[] = [], entries: unknown[] = [];
  fs.image(
    (n) => nodes.push({ ...n, pages: n.pages.map(([i, b]) => [i, Buffer.from(b).toString('hex')]) }),
    (e) => entries.push(e),
  );
  return { nodes, entries, next: fs.nextNode, used: fs.space.used, metadata: fs.space.metadata, recount: fs.recount() };
}

/** A directory's names, in readdir order. */
function names(fs: Tmpfs, dir: number): string[] {
  const r = ok(fs.readdir(dir, 0, 1 << 16));
  return unpackDirEntries(r.entries, r.count).map((e) => e.name);
}

type Change =
  | { op: 'make'; dir: number; name: string; type: number }
  | { op: 'write'; file: number; at: number; length: number; fill: number; append: boolean }
  | { op: 'truncate'; file: number; size: number }
  | { op: 'unlink'; dir: number; name: string; directory: boolean }
  | { op: 'rename'; from: number; fromName: string; to: number; toName: string }
  | { op: 'link'; file: number; dir: number; name: string }
  | { op: 'times'; file: number; flags: number }
  | { op: 'orphan'; file: number }
  | { op: 'idle' };

const NAMES = ['a', 'b', 'c', 'dd', 'é'];
const pick = fc.integer({ min: 0, max: 63 });
const name = fc.constantFrom(...NAMES);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ op: fc.constant('make' as const), dir: pick, name, type: fc.constantFrom(FILE, FILE, DIR, LINK) }),
  fc.record({ op: fc.constant('write' as const), file: pick, at: fc.integer({ min: 0, max: 200_000 }), length: fc.integer({ min: 0, max: 3000 }), fill: fc.integer({ min: 0, max: 255 }), append: fc.boolean() }),
  fc.record({ op: fc.constant('truncate' as const), file: pick, size: fc.integer({ min: 0, max: 140_000 }) }),
  fc.record({ op: fc.constant('unlink' as const), dir: pick, name, directory: fc.boolean() }),
  fc.record({ op: fc.constant('rename' as const), from: pick, fromName: name, to: pick, toName: name }),
  fc.record({ op: fc.constant('link' as const), file: pick, dir: pick, name }),
  fc.record({ op: fc.constant('times' as const), file: pick, flags: fc.constantFrom(1 | 4, 2 | 8, 2, 4) }),
  fc.record({ op: fc.constant('orphan' as const), file: pick }),
  fc.constant({ op: 'idle' as const }),
);

/** The nodes of `fs` a path reaches, directories and files apart (what a change picks from, by index). */
function live(fs: Tmpfs): { dirs: number[]; files: number[] } {
  const dirs: number[] = [], files: number[] = [];
  fs.image((n) => (n.type === DIR ? dirs : files).push(n.id), () => {});
  return { dirs, files };
}

/** Make `c` on `kept` (a change that fails changes nothing: that is tmpfs's own rule); the files it left open, if any. */
function apply(kept: KeptTmpfs, c: Change, open: number[]): void {
  const { dirs, files } = live(kept.fs);
  const dir = (i: number): number => dirs[i % dirs.length]!;
  const file = (i: number): number => (files.length ? files[i % files.length]! : ROOT_NODE);
  switch (c.op) {
    case 'make': kept.create(dir(c.dir), c.name, c.type, false, c.type === LINK ? `t/${c.name}` : ''); break;
    case 'write': kept.write(file(c.file), c.at, new Uint8Array(c.length).fill(c.fill), c.append); break;
    case 'truncate': kept.truncate(file(c.file), c.size); break;
    case 'unlink': kept.unlink(dir(c.dir), c.name, c.directory); break;
    case 'rename': kept.rename(dir(c.from), c.fromName, dir(c.to), c.toName); break;
    case 'link': kept.link(file(c.file), dir(c.dir), c.file % 2 ? 'l' : 'm'); break;
    case 'times': kept.setTimes(file(c.file), 5n, 7n, c.flags); break;
    case 'orphan': {
      // Open a file, remove its last name, and write to it: kept while open, gone after a restart.
      const f = kept.create(dir(c.file), 'o', FILE, false, '');
      if (typeof f === 'number') break;
      kept.open(f.node);
      open.push(f.node);
      kept.unlink(dir(c.file), 'o', false);
      kept.write(f.node, 0, new Uint8Array(100).fill(1), false);
      break;
    }
    case 'idle': kept.idle(); break;
  }
}

test('after any mix of changes and compactions, each new instance on the same memory holds the same tree', () => {
  fc.assert(fc.property(fc.array(fc.array(change, { maxLength: 60 }), { minLength: 2, maxLength: 4 }), (lives) => {
    const m = memory();
    let last: KeptTmpfs | null = null;
    for (const changes of lives) {
      // The next instance re-attaches what the last one kept; its changes may write into pages
      // it borrowed from the log's image, and its compactions reuse the log they came from.
      const next = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
      if (last) assert.deepEqual(held(next.fs), held(last.fs));
      assert.equal(next.stats.unkept, false);
      const open: number[] = [];
      for (const c of changes) apply(next, c, open);
      // A file open only is not kept: closed, this instance lets it go too, and the two must match.
      for (const id of open) next.close(id);
      last = next;
    }
    assert.deepEqual(held(new KeptTmpfs(ticking(), CONFIG, m, EAGER).fs), held(last!.fs));
  }), { numRuns: 150 });
});

test('a kept tree keeps its data, its readdir order and its node numbers; compaction shrinks the log', () => {
  const m = memory();
  const a = new KeptTmpfs(ticking(), CONFIG, m, { idleMin: 0, forceMin: 1 << 30 });
  const d = ok(a.create(ROOT_NODE, 'd', DIR, true, ''));
  const files = ['z', 'y', 'x'].map((n) => ok(a.create(d.node, n, FILE, true, '')));
  // 1.2 MB written, 120 KiB held: each file's ten blocks written ten times.
  for (let i = 0; i < 300; i++) ok(a.write(files[i % 3]!.node, (Math.floor(i / 3) % 10) * 4096, new Uint8Array(4096).fill(i), false));
  const before = a.loggedBytes;
  a.idle();
  assert.equal(a.stats.compactions, 1);
  assert.ok(a.loggedBytes < before / 5, `compacted: ${a.loggedBytes} < ${before} / 5`);
  const b = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  assert.deepEqual(names(b.fs, d.node), ['z', 'y', 'x']);
  assert.equal(ok(b.lookup(d.node, 'y')).node, files[1]!.node);
  // The third file's last block was last written by the 300th write (i = 299).
  assert.equal(ok(b.read(files[2]!.node, 9 * 4096, 4096))[4095], 299 & 255);
  assert.equal(ok(b.getattr(files[2]!.node)).size, 10 * 4096);
  assert.equal(new TextDecoder().decode(ok(b.read(ok(b.lookup(ok(b.lookup(ROOT_NODE, 'etc')).node, 'motd')).node, 0, 100))), 'hello\n');
  // New nodes continue past the old ones: a number a client kept never names another file.
  assert.ok(ok(b.create(ROOT_NODE, 'new', FILE, true, '')).node > files[2]!.node);
});

test('a record cut off by a kill, and a half-written image, are not seen', () => {
  const m = memory();
  const a = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  const f = ok(a.create(ROOT_NODE, 'f', FILE, true, ''));
  ok(a.write(f.node, 0, new Uint8Array([1, 2, 3]), false));
  const tree = held(a.fs);
  const log = new KeptLog(m);
  // A record written but not made part of the log (the tail not moved): what a kill mid-append leaves.
  const w = log.activeWriter();
  w.begin(10, 0n).num(f.node).num(0).bytes(new Uint8Array([9, 9, 9]));
  // An image begun in the spare log and never switched to: what a kill mid-compaction leaves.
  log.spareWriter().begin(2, 0n).num(12345).end();
  const b = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  assert.deepEqual(held(b.fs), tree);
  assert.deepEqual([...ok(b.read(f.node, 0, 10))], [1, 2, 3]);
});

test('a log that cannot be made again leaves the next instance empty, not wrong', () => {
  const m = memory();
  const a = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  ok(a.create(ROOT_NODE, 'f', FILE, true, ''));
  // A record whose change fails again (a rename of a name that does not exist) means the log lies.
  const w = new KeptLog(m).activeWriter();
  w.begin(14, 0n).num(ROOT_NODE).text('missing').num(ROOT_NODE).text('x').end();
  const b = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  assert.equal(b.lookup(ROOT_NODE, 'f'), Errno.NOENT);
  assert.ok(typeof b.lookup(ROOT_NODE, 'etc') !== 'number', 'made afresh from its configuration');
  // And it keeps again from there.
  ok(b.create(ROOT_NODE, 'g', FILE, true, ''));
  assert.ok(typeof new KeptTmpfs(ticking(), CONFIG, m, EAGER).lookup(ROOT_NODE, 'g') !== 'number');
});

test('a tree too large for its log is given up: this instance carries on, the next starts empty', () => {
  const m = memory(256 * 1024);
  const a = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  const f = ok(a.create(ROOT_NODE, 'big', FILE, true, ''));
  for (let i = 0; i < 8; i++) ok(a.write(f.node, i * 65536, new Uint8Array(65536).fill(i), false));
  assert.equal(a.stats.unkept, true);
  assert.equal(new KeptLog(m).status, KeepStatus.GIVEN_UP);
  assert.equal(ok(a.read(f.node, 7 * 65536, 1))[0], 7, 'the live instance still has everything');
  const b = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  assert.equal(b.lookup(ROOT_NODE, 'big'), Errno.NOENT);
  assert.equal(b.stats.unkept, false);
});

test('without kept memory a tmpfs works as before, and keeps nothing', () => {
  const a = new KeptTmpfs(ticking(), CONFIG, null);
  ok(a.create(ROOT_NODE, 'f', FILE, true, ''));
  assert.equal(a.stats.unkept, true);
  assert.equal(a.loggedBytes, 0);
});

test('a change cut off before its record never reaches the image a restarted instance borrowed its pages from', () => {
  const m = memory();
  const a = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  const f = ok(a.create(ROOT_NODE, 'f', FILE, true, ''));
  ok(a.write(f.node, 0, new Uint8Array(70_000).fill(1), false));
  a.idle();
  assert.equal(a.stats.compactions, 1, 'the tree is in an image');
  const b = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  // What a kill between a change and its record leaves: the change made, nothing logged. Both
  // write paths (into a page with room; across pages) and a truncate that zeroes in place.
  assert.equal(b.fs.truncate(f.node, 69_736), Errno.SUCCESS); // page 1 keeps its 8 KiB buffer, zeroed past 4,200
  ok(b.fs.write(f.node, 10, new Uint8Array([7, 7, 7]), false));
  ok(b.fs.write(f.node, 65_530, new Uint8Array(20).fill(8), false));
  const c = new KeptTmpfs(ticking(), CONFIG, m, EAGER);
  assert.equal(ok(c.getattr(f.node)).size, 70_000);
  assert.deepEqual([...ok(c.read(f.node, 9, 5))], [1, 1, 1, 1, 1]);
  assert.deepEqual([...ok(c.read(f.node, 65_529, 30))], new Array(30).fill(1));
  assert.deepEqual([...ok(c.read(f.node, 69_730, 270))], new Array(270).fill(1));
});

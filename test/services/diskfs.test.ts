/**
 * diskfs on an in-memory device: the file operations (as the VFS calls them), persistence across
 * remounts, ENOSPC and fail-stop on device errors, and crash consistency — random operations on a
 * device that loses power at a random write, after which the image must mount, pass fsck and
 * hold exactly the state of the last commit (or of the commit cut short).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memoryDevice } from '../../src/services/diskfs/block-device.js';
import { formatDevice } from '../../src/services/diskfs/mkfs.js';
import { Diskfs } from '../../src/services/diskfs/diskfs.js';
import { Journal } from '../../src/services/diskfs/journal.js';
import { fsck } from '../../src/services/diskfs/image-check.js';
import { BlockCache } from '../../src/services/diskfs/block-cache.js';
import { splitNode } from '../../src/services/diskfs/layout.js';
import { FileType, unpackDirEntries } from '../../src/abi/protocols/fs.js';
import { Errno } from '../../src/abi/errno.js';
import { CrashDevice } from '../support/crash-device.js';

const enc = new TextEncoder(), dec = new TextDecoder();
const counter = (): (() => bigint) => { let t = 1_000_000_000n; return () => (t += 1000n); };

function fresh(blocks = 2048): { dev: ReturnType<typeof memoryDevice>; fs: Diskfs } {
  const dev = memoryDevice(blocks);
  formatDevice(dev, 1n);
  return { dev, fs: Diskfs.mount(dev, counter()) };
}

function ok<T>(r: T | number): T {
  if (typeof r === 'number') assert.fail(`errno ${r}`);
  return r;
}

/** Every entry of a directory, through readdir with a small buffer (so cookies are exercised). */
function list(fs: Diskfs, dir: number): { node: number; type: number; name: string }[] {
  const out: { node: number; type: number; name: string }[] = [];
  for (let cookie = 0; ;) {
    const r = ok(fs.readdir(dir, cookie, 200));
    if (r.count === 0) return out;
    out.push(...unpackDirEntries(r.entries, r.count));
    cookie = r.next;
  }
}

/** The whole tree as sorted lines: path, type, and content (files) or target (symlinks). */
function snapshot(fs: Diskfs): string {
  const lines: string[] = [];
  const walk = (dir: number, path: string): void => {
    for (const e of list(fs, dir)) {
      const p = `${path}/${e.name}`;
      const st = ok(fs.getattr(e.node));
      if (e.type === FileType.DIRECTORY) {
        lines.push(`${p}/ nlink=${st.nlink}`);
        walk(e.node, p);
      } else if (e.type === FileType.SYMBOLIC_LINK) lines.push(`${p} -> ${ok(fs.readlink(e.node))}`);
      else {
        const data = ok(fs.read(e.node, 0, st.size + 1));
        let sum = 0;
        for (const b of data) sum = (sum * 31 + b) >>> 0;
        lines.push(`${p} size=${st.size} nlink=${st.nlink} sum=${sum}`);
      }
    }
  };
  walk(1, '');
  return lines.sort().join('\n');
}

test('files, directories, links and symlinks behave as the VFS expects', () => {
  const { fs } = fresh();
  const home = ok(fs.create(1, 'home', FileType.DIRECTORY, true, ''));
  const f = ok(fs.create(home.node, 'notes.txt', FileType.REGULAR_FILE, true, ''));
  assert.deepEqual(ok(fs.write(f.node, 0, enc.encode('hello'), false)), { written: 5, end: 5 });
  assert.deepEqual(ok(fs.write(f.node, 0, enc.encode(', world'), true)), { written: 7, end: 12 });
  assert.equal(dec.decode(ok(fs.read(f.node, 0, 100))), 'hello, world');
  assert.equal(ok(fs.create(home.node, 'notes.txt', FileType.REGULAR_FILE, false, '')).created, 0);
  assert.equal(fs.create(home.node, 'notes.txt', FileType.REGULAR_FILE, true, ''), Errno.EXIST);
  assert.equal(fs.create(home.node, 'x'.repeat(256), FileType.REGULAR_FILE, true, ''), Errno.NAMETOOLONG);
  assert.equal(fs.create(home.node, '..', FileType.REGULAR_FILE, true, ''), Errno.INVAL);
  assert.equal(fs.lookup(f.node, 'x'), Errno.NOTDIR);
  assert.equal(fs.read(home.node, 0, 1), Errno.ISDIR);
  // Hard links and nlink.
  assert.equal(fs.link(f.node, 1, 'alias'), Errno.SUCCESS);
  assert.equal(ok(fs.getattr(f.node)).nlink, 2);
  assert.equal(fs.link(home.node, 1, 'dirlink'), Errno.PERM);
  // Symlinks keep their target as data.
  const s = ok(fs.create(1, 'ln', FileType.SYMBOLIC_LINK, true, 'home/notes.txt'));
  assert.equal(fs.readlink(s.node), 'home/notes.txt');
  assert.equal(ok(fs.getattr(s.node)).size, 14);
  // Directory link counts, rmdir of a non-empty directory, renames of directories.
  const sub = ok(fs.create(home.node, 'sub', FileType.DIRECTORY, true, ''));
  assert.equal(ok(fs.getattr(home.node)).nlink, 3);
  assert.equal(fs.unlink(1, 'home', true), Errno.NOTEMPTY);
  assert.equal(fs.rename(1, 'home', sub.node, 'loop'), Errno.INVAL, 'a directory cannot move into itself');
  assert.equal(fs.rename(home.node, 'sub', 1, 'top'), Errno.SUCCESS);
  assert.equal(ok(fs.getattr(home.node)).nlink, 2);
  assert.equal(ok(fs.getattr(1)).nlink, 4);
  assert.equal(fs.rename(1, 'alias', 1, 'top'), Errno.ISDIR);
  assert.equal(fs.rename(1, 'top', home.node, 'notes.txt'), Errno.NOTDIR);
  assert.deepEqual(list(fs, 1).map((e) => e.name).sort(), ['alias', 'home', 'ln', 'top']);
  // Rename over a file replaces it; the replaced node is gone.
  const other = ok(fs.create(1, 'other', FileType.REGULAR_FILE, true, ''));
  assert.equal(fs.rename(1, 'other', 1, 'alias'), Errno.SUCCESS);
  assert.equal(ok(fs.lookup(1, 'alias')).node, other.node);
  assert.equal(ok(fs.getattr(f.node)).nlink, 1);
  assert.equal(fs.unlink(1, 'top', true), Errno.SUCCESS);
  assert.equal(fs.getattr(sub.node), Errno.NOENT);
});

test('truncate zeroes what it cuts, holes read as zeros, and a reused inode does not answer to an old node number', () => {
  const { fs } = fresh();
  const f = ok(fs.create(1, 'f', FileType.REGULAR_FILE, true, ''));
  ok(fs.write(f.node, 0, new Uint8Array(10_000).fill(7), false));
  assert.equal(fs.truncate(f.node, 5000), Errno.SUCCESS);
  assert.equal(fs.truncate(f.node, 9000), Errno.SUCCESS);
  const back = ok(fs.read(f.node, 0, 20_000));
  assert.equal(back.length, 9000);
  assert.ok(back.subarray(0, 5000).every((b) => b === 7) && back.subarray(5000).every((b) => b === 0));
  // A sparse file far past the direct blocks (through the double indirect block).
  const far = 5 * 1024 * 1024 * 1024 / 1024; // 5 MiB
  ok(fs.write(f.node, far, enc.encode('end'), false));
  assert.equal(ok(fs.getattr(f.node)).size, far + 3);
  assert.equal(dec.decode(ok(fs.read(f.node, far, 3))), 'end');
  assert.ok(ok(fs.read(f.node, far - 100, 100)).every((b) => b === 0));
  assert.ok(fs.usage().used < 64 * 1024, 'holes take no blocks');
  assert.equal(fs.unlink(1, 'f', false), Errno.SUCCESS);
  assert.equal(fs.getattr(f.node), Errno.NOENT);
  const again = ok(fs.create(1, 'g', FileType.REGULAR_FILE, true, ''));
  assert.notEqual(again.node, f.node, 'the same inode comes back with a new generation');
  assert.equal(fs.read(f.node, 0, 1), Errno.NOENT);
});

test('a file unlinked while open lives until its last close; after a crash, it is gone, and freed before the first change', () => {
  const { dev, fs } = fresh();
  const f = ok(fs.create(1, 'tmp', FileType.REGULAR_FILE, true, ''));
  ok(fs.write(f.node, 0, new Uint8Array(100_000).fill(1), false));
  fs.open(f.node);
  const before = fs.usage().used;
  assert.equal(fs.unlink(1, 'tmp', false), Errno.SUCCESS);
  assert.equal(ok(fs.read(f.node, 0, 5)).length, 5, 'still readable while open');
  assert.equal(fs.usage().used, before);
  assert.equal(fs.sync(0), Errno.SUCCESS);
  // The system dies with the file open: the orphan is on disk, and mount frees it.
  const report = fsck(dev);
  assert.deepEqual(report.errors, []);
  const after = Diskfs.mount(dev, counter());
  // The mount does not read the inode table: the orphan is not reachable meanwhile, and the
  // first change frees it (the pass that finds orphans runs before any change).
  assert.equal(after.getattr(f.node), Errno.NOENT);
  assert.equal(after.read(f.node, 0, 1), Errno.NOENT);
  ok(after.create(1, 'first-change', FileType.REGULAR_FILE, true, ''));
  assert.equal(after.stats.orphansFreed, 1);
  assert.ok(after.usage().used < before - 90_000);
  assert.deepEqual(fsck(dev).errors, []);
  // Without a crash, the last close frees it.
  const g = ok(after.create(1, 'g', FileType.REGULAR_FILE, true, ''));
  ok(after.write(g.node, 0, new Uint8Array(50_000), false));
  after.open(g.node);
  after.unlink(1, 'g', false);
  const used = after.usage().used;
  after.close(g.node);
  assert.ok(after.usage().used <= used - 50_000);
});

test('what was synced survives a remount; directories of many entries keep their cookies', () => {
  const { dev, fs } = fresh(4096);
  const d = ok(fs.create(1, 'many', FileType.DIRECTORY, true, ''));
  for (let i = 0; i < 600; i++) ok(fs.create(d.node, `entry-number-${i}`, FileType.REGULAR_FILE, true, ''));
  for (let i = 0; i < 600; i += 3) assert.equal(fs.unlink(d.node, `entry-number-${i}`, false), Errno.SUCCESS);
  const f = ok(fs.create(1, 'data', FileType.REGULAR_FILE, true, ''));
  const bytes = new Uint8Array(1_000_000).map((_, i) => (i * 7) % 256);
  assert.equal(ok(fs.write(f.node, 0, bytes, false)).written, bytes.length);
  const expected = snapshot(fs);
  assert.equal(fs.sync(0), Errno.SUCCESS);
  fs.unmount();
  const again = Diskfs.mount(dev, counter());
  assert.equal(snapshot(again), expected);
  assert.equal(list(again, ok(again.lookup(1, 'many')).node).length, 400);
  assert.deepEqual(ok(again.read(ok(again.lookup(1, 'data')).node, 0, 2_000_000)), bytes);
  assert.deepEqual(fsck(dev).errors, []);
});

test('a full device gives ENOSPC, loses nothing, and space comes back on delete', () => {
  const { dev, fs } = fresh(256);
  const f = ok(fs.create(1, 'fill', FileType.REGULAR_FILE, true, ''));
  let total = 0;
  for (;;) {
    const r = fs.write(f.node, total, new Uint8Array(32 * 1024).fill(9), false);
    if (typeof r === 'number') {
      assert.equal(r, Errno.NOSPC);
      break;
    }
    total += r.written;
  }
  assert.ok(total > 100_000);
  const late = ok(fs.create(1, 'late', FileType.REGULAR_FILE, true, ''));
  assert.equal(fs.write(late.node, 0, new Uint8Array(4096), false), Errno.NOSPC);
  assert.equal(ok(fs.getattr(f.node)).size, total);
  assert.equal(fs.sync(0), Errno.SUCCESS);
  assert.deepEqual(fsck(dev).errors, []);
  assert.equal(fs.unlink(1, 'fill', false), Errno.SUCCESS);
  assert.equal(ok(fs.write(late.node, 0, new Uint8Array(4096), false)).written, 4096);
  assert.equal(fs.sync(0), Errno.SUCCESS);
  assert.deepEqual(fsck(dev).errors, []);
  // Inodes run out too: one per 16 KiB of device.
  let made = 0;
  for (;;) {
    const r = fs.create(1, `n${made}`, FileType.REGULAR_FILE, true, '');
    if (typeof r === 'number') {
      assert.equal(r, Errno.NOSPC);
      break;
    }
    made++;
  }
  assert.ok(made > 0 && made < 64);
  assert.equal(fs.sync(0), Errno.SUCCESS);
  assert.deepEqual(fsck(dev).errors, []);
});

test('a device error stops the file system (EIO), and the image still mounts as of its last commit', () => {
  const dev = new CrashDevice(1024);
  formatDevice(dev, 1n);
  dev.flush();
  const fs = Diskfs.mount(dev, counter());
  const f = ok(fs.create(1, 'kept', FileType.REGULAR_FILE, true, ''));
  ok(fs.write(f.node, 0, enc.encode('synced'), false));
  assert.equal(fs.sync(f.node), Errno.SUCCESS);
  ok(fs.write(f.node, 6, enc.encode(' and lost'), false));
  dev.crashAfter(1);
  assert.equal(fs.sync(f.node), Errno.IO);
  assert.match(fs.failed ?? '', /lost power/);
  assert.equal(fs.read(f.node, 0, 10), Errno.IO);
  assert.equal(fs.usage().readOnly, true);
  const image = new CrashDevice(1024, dev.image(() => true));
  const after = Diskfs.mount(image, counter());
  assert.equal(dec.decode(ok(after.read(ok(after.lookup(1, 'kept')).node, 0, 100))), 'synced');
  assert.deepEqual(fsck(image).errors, []);
});

test('a damaged image is refused at mount with the reason', () => {
  const dev = memoryDevice(512);
  assert.throws(() => Diskfs.mount(dev, counter()), /bad magic/);
  formatDevice(dev, 1n);
  dev.bytes[20] = dev.bytes[20]! ^ 0xff;
  assert.throws(() => Diskfs.mount(dev, counter()), /checksum/);
});

// ─── crash consistency ────────────────────────────────────────────────────────

const NAMES = ['a', 'b', 'c', 'dir'];
type Op =
  | { kind: 'mkdir' | 'unlink' | 'rmdir' | 'symlink'; dir: number; name: number }
  | { kind: 'write'; dir: number; name: number; offset: number; length: number; byte: number }
  | { kind: 'truncate'; dir: number; name: number; size: number }
  | { kind: 'rename' | 'link'; dir: number; name: number; toDir: number; toName: number }
  | { kind: 'sync' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('mkdir' as const, 'unlink' as const, 'rmdir' as const, 'symlink' as const), dir: fc.nat(), name: fc.nat() }),
  fc.record({ kind: fc.constant('write' as const), dir: fc.nat(), name: fc.nat(), offset: fc.integer({ min: 0, max: 60_000 }), length: fc.integer({ min: 0, max: 20_000 }), byte: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('write' as const), dir: fc.nat(), name: fc.nat(), offset: fc.integer({ min: 0, max: 60_000 }), length: fc.integer({ min: 0, max: 20_000 }), byte: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), dir: fc.nat(), name: fc.nat(), size: fc.integer({ min: 0, max: 80_000 }) }),
  fc.record({ kind: fc.constantFrom('rename' as const, 'link' as const), dir: fc.nat(), name: fc.nat(), toDir: fc.nat(), toName: fc.nat() }),
  fc.constant({ kind: 'sync' as const }),
);

/** The directories of the tree, by path, in a stable order. */
function directories(fs: Diskfs): number[] {
  const out = [1];
  const walk = (dir: number): void => {
    for (const e of list(fs, dir).sort((a, b) => (a.name < b.name ? -1 : 1))) if (e.type === FileType.DIRECTORY) {
      out.push(e.node);
      walk(e.node);
    }
  };
  walk(1);
  return out;
}

/**
 * Apply `op` (directories picked by index into `dirs`); the result, to compare between twins.
 * `midway` is called between the two calls an op may take (a write creates the file, then writes
 * it): a commit may fall between them, so that state is one a crash may leave too.
 */
function apply(fs: Diskfs, op: Op, dirs: readonly number[], midway: () => void = () => {}): string {
  if (op.kind === 'sync') return String(fs.sync(0));
  const dir = dirs[op.dir % dirs.length]!, name = NAMES[op.name % NAMES.length]!;
  const node = (): number | null => { const r = fs.lookup(dir, name); return typeof r === 'number' ? null : r.node; };
  switch (op.kind) {
    case 'mkdir': return JSON.stringify(fs.create(dir, name, FileType.DIRECTORY, true, ''));
    case 'symlink': return JSON.stringify(fs.create(dir, name, FileType.SYMBOLIC_LINK, true, `../${name}/target`));
    case 'unlink': return String(fs.unlink(dir, name, false));
    case 'rmdir': return String(fs.unlink(dir, name, true));
    case 'write': {
      const c = fs.create(dir, name, FileType.REGULAR_FILE, false, '');
      if (typeof c === 'number' || c.type !== FileType.REGULAR_FILE) return JSON.stringify(c);
      midway();
      return JSON.stringify(fs.write(c.node, op.offset, new Uint8Array(op.length).fill(op.byte), false));
    }
    case 'truncate': {
      const n = node();
      return n === null ? 'none' : String(fs.truncate(n, op.size));
    }
    case 'rename': return String(fs.rename(dir, name, dirs[op.toDir % dirs.length]!, NAMES[op.toName % NAMES.length]!));
    case 'link': {
      const n = node();
      return n === null ? 'none' : String(fs.link(n, dirs[op.toDir % dirs.length]!, NAMES[op.toName % NAMES.length]!));
    }
  }
}

test('crash consistency: after power loss at any write the image mounts, passes fsck and holds a committed state', () => {
  fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 600 }), fc.infiniteStream(fc.boolean()), (ops, crashAt, keeps) => {
    const BLOCKS = 512;
    const dev = new CrashDevice(BLOCKS);
    formatDevice(dev, 1n);
    dev.flush();
    const twinDev = memoryDevice(BLOCKS);
    formatDevice(twinDev, 1n);
    // Commit only on sync and when a transaction fills: the states a crash may leave are then known.
    const fs = Diskfs.mount(dev, counter(), { commitMs: Infinity });
    const twin = Diskfs.mount(twinDev, counter(), { commitMs: Infinity });
    let candidates = [snapshot(twin)];
    dev.crashAfter(crashAt);
    for (const op of ops) {
      const before = snapshot(twin);
      const dirs = directories(twin);
      const commits = fs.stats.commits;
      const midways: string[] = [];
      const expected = apply(twin, op, dirs, () => midways.push(snapshot(twin)));
      const got = apply(fs, op, dirs);
      if (dev.crashed) {
        // Cut short: the commit in progress may have landed (at the op's start, between its calls, or at its end).
        candidates = [...candidates, before, ...midways, snapshot(twin)];
        break;
      }
      assert.equal(got, expected, `the twins disagree on ${JSON.stringify(op)}`);
      if (fs.stats.commits !== commits) candidates = [before, ...midways, snapshot(twin)];
    }
    const keep = keeps[Symbol.iterator]();
    const after = new CrashDevice(BLOCKS, dev.image(() => keep.next().value === true));
    const report = fsck(after);
    assert.deepEqual(report.errors, [], `fsck before mount: ${report.errors.join('; ')}`);
    const mounted = Diskfs.mount(after, counter());
    const state = snapshot(mounted);
    assert.ok(candidates.includes(state), `state after the crash is not a committed one:\n${state}\n--- candidates:\n${candidates.join('\n---\n')}`);
    assert.deepEqual(fsck(after).errors, []);
  }), { numRuns: 150 });
});

test('the journal replays whole transactions only: a torn one (commit block written, a data block not) is ignored', () => {
  const dev = new CrashDevice(512);
  formatDevice(dev, 1n);
  const g = Diskfs.mount(dev, counter()).geometry;
  const journal = Journal.open(dev, g.journalStart, g.journalBlocks);
  const image = (byte: number): Uint8Array => new Uint8Array(4096).fill(byte);
  const [a, b] = [g.dataStart + 10, g.dataStart + 11];
  journal.commit(new Map([[a, image(1)], [b, image(1)]]));
  // The second commit dies at its flush; of the writes since the first commit's flush (its two
  // home writes, then descriptor, images, commit block) the disk keeps all but the first image.
  const writesBefore = dev.writes;
  dev.crashAfter(5);
  assert.throws(() => journal.commit(new Map([[a, image(2)], [b, image(2)]])), /lost power/);
  assert.equal(dev.writes - writesBefore, 4, 'descriptor, two images and the commit block were written; the flush failed');
  let i = 0;
  const torn = new CrashDevice(512, dev.image(() => i++ !== 3));
  const replayed = Journal.open(torn, g.journalStart, g.journalBlocks);
  const read = (n: number): number => { const x = new Uint8Array(4096); torn.read(n, x); return x[0]!; };
  assert.equal(replayed.stats.replayed, 1, 'only the first transaction');
  assert.deepEqual([read(a), read(b)], [1, 1]);
});

test('fsck finds a corrupted bitmap on a real image made by diskfs', () => {
  const { dev, fs } = fresh(512);
  const f = ok(fs.create(1, 'f', FileType.REGULAR_FILE, true, ''));
  ok(fs.write(f.node, 0, new Uint8Array(40_000).fill(3), false));
  fs.unmount();
  assert.deepEqual(fsck(dev).errors, []);
  const g = Diskfs.mount(dev, counter()).geometry;
  // Clear the bit of the file's first data block (the first block after the metadata).
  const bit = g.dataStart;
  dev.bytes[g.bitmapStart * 4096 + (bit >> 3)]! &= ~(1 << (bit & 7));
  assert.ok(fsck(dev).errors.some((e) => new RegExp(`block ${bit}\\b`).test(e)), fsck(dev).errors.join('\n'));
});


test('a pass over a region (the inode table at mount) reads the device in runs and sees what the cache and the journal hold over it', () => {
  const { dev, fs } = fresh(512);
  const g = fs.geometry;
  const journal = Journal.open(dev, g.journalStart, g.journalBlocks);
  const cache = new BlockCache(dev, journal);
  const first = g.dataStart, count = 150; // more than one run of 64 blocks
  cache.modify(first + 3)[0] = 0xaa;
  cache.commit(); // committed to the journal, not yet written home
  cache.modify(first + 100)[0] = 0xbb; // dirty, not committed
  const onDevice = new Uint8Array(4096);
  dev.read(first + 3, onDevice);
  assert.equal(onDevice[0], 0, 'the committed block is not home yet');
  const seen: number[] = [];
  cache.readThrough(first, count, (n, block) => {
    seen.push(n);
    const expected = n === first + 3 ? 0xaa : n === first + 100 ? 0xbb : dev.bytes[n * 4096];
    assert.equal(block[0], expected, `block ${n}`);
  });
  assert.deepEqual(seen, Array.from({ length: count }, (_, i) => first + i));
  assert.throws(() => dev.readRun(dev.blockCount - 1, new Uint8Array(2 * 4096)), RangeError);
});

test('a remount finds the free inodes again: the lowest free first, then the one freed last before any other', () => {
  const { dev, fs } = fresh();
  const ino = (r: { node: number } | number): number => splitNode(ok(r).node).ino;
  const made: number[] = [];
  for (let i = 0; i < 5; i++) made.push(ino(fs.create(1, `f${i}`, FileType.REGULAR_FILE, true, '')));
  assert.equal(fs.unlink(1, 'f1', false), Errno.SUCCESS);
  assert.equal(fs.unlink(1, 'f3', false), Errno.SUCCESS);
  assert.equal(fs.sync(0), Errno.SUCCESS);
  const again = Diskfs.mount(dev, counter());
  // Every free inode was found by the mount: the lowest (f1's) first, then f3's.
  const a = ino(again.create(1, 'g0', FileType.REGULAR_FILE, true, ''));
  const b = ino(again.create(1, 'g1', FileType.REGULAR_FILE, true, ''));
  assert.deepEqual([a, b], [made[1], made[3]]);
  // One freed since the mount is taken before any the mount found.
  assert.equal(again.unlink(1, 'g1', false), Errno.SUCCESS);
  assert.equal(ino(again.create(1, 'g2', FileType.REGULAR_FILE, true, '')), b);
  const c = ino(again.create(1, 'g3', FileType.REGULAR_FILE, true, ''));
  assert.ok(!made.includes(c) && c > made[4]!, `${c}`);
  assert.equal(again.sync(0), Errno.SUCCESS);
  assert.deepEqual(fsck(dev).errors, []);
});

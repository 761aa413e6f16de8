/**
 * Unit tests of tmpfs: what it charges (every node, entry name, symlink target and data page,
 * against maxBytes and maxMetadataBytes; ENOSPC at the limit changes nothing; space comes back;
 * after any mix of operations the charge equals a recount), its paged file data (random writes,
 * appends and truncates against a plain byte-array model; holes allocate nothing; an append
 * copies no earlier page), and its depth and path-length limits. The last test fills tmpfs
 * instances with its default limits in workers whose heap is capped, with each hostile mix.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { Errno } from '../../src/abi/errno.js';
import { FileType, ROOT_NODE, unpackDirEntries } from '../../src/abi/protocols/fs.js';
import { MAX_DEPTH, MAX_DIR_PATH, SYMLINK_MAX, Tmpfs, type TmpfsConfig } from '../../src/services/tmpfs/tmpfs.js';
import { DATA_PAGE_BYTES } from '../../src/services/tmpfs/tmpfs-data.js';
import { PageCache } from '../../src/services/fs/page-cache.js';
import { Arena, CacheWord, PAGE_BYTES } from '../../src/ipc/arena.js';
import { readCached } from '../../src/ipc/page-cache-read.js';
import {
  DEFAULT_MAX_METADATA_BYTES, DIRECTORY_BYTES, ENTRY_BYTES, INODE_BYTES, PAGE_RECORD_BYTES,
} from '../../src/services/tmpfs/tmpfs-space.js';

const enc = new TextEncoder();
const { REGULAR_FILE: FILE, DIRECTORY: DIR, SYMBOLIC_LINK: LINK } = FileType;

function ok<T>(r: T | number): T {
  assert.ok(typeof r !== 'number', `expected success, got errno ${String(r)}`);
  return r;
}

function fresh(config: TmpfsConfig = {}): Tmpfs {
  let t = 1000n;
  return new Tmpfs(() => t++, { firstNode: 2 ** 33, ...config });
}

/** The charge equals a recount from the nodes, and stays within both budgets. */
function audited(fs: Tmpfs): void {
  assert.deepEqual(fs.recount(), { used: fs.space.used, metadata: fs.space.metadata });
  assert.ok(fs.space.used <= fs.space.maxBytes && fs.space.metadata <= fs.space.maxMetadataBytes);
}

const ROOT_COST = INODE_BYTES + DIRECTORY_BYTES;

test('each kind of thing is charged what tmpfs-space says, and given back', () => {
  const fs = fresh();
  assert.equal(fs.space.used, ROOT_COST);
  const f = ok(fs.create(ROOT_NODE, 'file', FILE, true, ''));
  assert.equal(fs.space.used, ROOT_COST + INODE_BYTES + ENTRY_BYTES + 4);
  ok(fs.create(ROOT_NODE, 'dir', DIR, true, ''));
  ok(fs.create(ROOT_NODE, 'ln', LINK, true, 'a'.repeat(1000)));
  assert.equal(fs.link(f.node, ROOT_NODE, 'hard'), Errno.SUCCESS);
  // A name with a character past U+00FF costs two bytes a unit (the engine's two-byte string).
  ok(fs.create(ROOT_NODE, 'ā'.repeat(10), FILE, true, ''));
  const meta = ROOT_COST + (INODE_BYTES + ENTRY_BYTES + 4) + (INODE_BYTES + DIRECTORY_BYTES + ENTRY_BYTES + 3)
    + (INODE_BYTES + ENTRY_BYTES + 2 + 1000) + (ENTRY_BYTES + 4) + (INODE_BYTES + ENTRY_BYTES + 20);
  assert.equal(fs.space.metadata, meta);
  assert.equal(fs.usage().used, meta);
  // Data: one page record and a buffer (64 bytes, the smallest).
  ok(fs.write(f.node, 0, enc.encode('hello'), false));
  assert.equal(fs.space.metadata, meta + PAGE_RECORD_BYTES);
  assert.equal(fs.space.used, meta + PAGE_RECORD_BYTES + 64);
  audited(fs);
  for (const [name, dir] of [['file', false], ['hard', false], ['dir', true], ['ln', false], ['ā'.repeat(10), false]] as const) {
    assert.equal(fs.unlink(ROOT_NODE, name, dir), Errno.SUCCESS);
  }
  assert.equal(fs.space.used, ROOT_COST, 'everything given back');
  audited(fs);
});

/** Fill with `make(i)` until it fails; the failure must be ENOSPC and must have changed nothing. */
function fillUntilFull(fs: Tmpfs, make: (i: number) => number | object): number {
  for (let i = 0; ; i++) {
    const before = { used: fs.space.used, metadata: fs.space.metadata };
    const r = make(i);
    if (typeof r === 'number' && r !== Errno.SUCCESS) {
      assert.equal(r, Errno.NOSPC, `the ${i}th call failed with errno ${r}`);
      assert.deepEqual({ used: fs.space.used, metadata: fs.space.metadata }, before, 'a refused call charges nothing');
      audited(fs);
      return i;
    }
    assert.ok(i < 1_000_000, 'never full');
  }
}

test('ENOSPC at the limit for every kind of metadata, and nothing made by the refused call', () => {
  const limit = { maxBytes: 256 * 1024 };
  const kinds: [string, (fs: Tmpfs, i: number) => number | object][] = [
    ['empty files', (fs, i) => fs.create(ROOT_NODE, `f${i}`, FILE, true, '')],
    ['long names', (fs, i) => fs.create(ROOT_NODE, String(i).padStart(255, 'n'), FILE, true, '')],
    ['long symlink targets', (fs, i) => fs.create(ROOT_NODE, `l${i}`, LINK, true, 't'.repeat(SYMLINK_MAX))],
    ['directories', (fs, i) => fs.create(ROOT_NODE, `d${i}`, DIR, true, '')],
    ['nested directories', (fs, i) => fs.create(i === 0 ? ROOT_NODE : ok(fs.lookup(ROOT_NODE, 'n0')).node, `n${i}`, DIR, true, '')],
    ['hard links', (fs, i) => {
      const target = fs.lookup(ROOT_NODE, 'target');
      const node = typeof target === 'number' ? ok(fs.create(ROOT_NODE, 'target', FILE, true, '')).node : target.node;
      return fs.link(node, ROOT_NODE, String(i).padStart(200, 'h'));
    }],
    ['file data', (fs, i) => {
      const f = i === 0 ? ok(fs.create(ROOT_NODE, 'data', FILE, true, '')) : ok(fs.lookup(ROOT_NODE, 'data'));
      return fs.write(f.node, 0, new Uint8Array(1000), true);
    }],
  ];
  for (const [what, make] of kinds) {
    const fs = fresh(limit);
    const made = fillUntilFull(fs, (i) => make(fs, i));
    assert.ok(made > 10, `${what}: only ${made} made`);
    assert.ok(fs.space.used > limit.maxBytes - 5000, `${what}: full at ${fs.space.used} of ${limit.maxBytes}`);
    // Every earlier one is still there; the refused one is not.
    assert.equal(fs.lookup(ROOT_NODE, `f${made}`), Errno.NOENT);
    if (what === 'empty files') for (let i = 0; i < made; i++) ok(fs.lookup(ROOT_NODE, `f${i}`));
  }
});

test('a rename to a longer name is charged, and refused when full', () => {
  const fs = fresh({ maxBytes: 64 * 1024 });
  const a = ok(fs.create(ROOT_NODE, 'a', FILE, true, ''));
  fillUntilFull(fs, (i) => fs.create(ROOT_NODE, `filler-${i}`, FILE, true, ''));
  fillUntilFull(fs, (i) => fs.link(a.node, ROOT_NODE, `${i}`)); // less than an entry left
  const used = fs.space.used;
  assert.equal(fs.rename(ROOT_NODE, 'a', ROOT_NODE, 'b'.repeat(255)), Errno.NOSPC);
  ok(fs.lookup(ROOT_NODE, 'a'));
  assert.equal(fs.space.used, used);
  // A shorter name gives space back; replacing an entry frees the replaced one.
  assert.equal(fs.rename(ROOT_NODE, 'filler-10', ROOT_NODE, 'x'), Errno.SUCCESS);
  assert.equal(fs.space.used, used - 8);
  assert.equal(fs.rename(ROOT_NODE, 'x', ROOT_NODE, 'filler-11'), Errno.SUCCESS);
  assert.equal(fs.space.used, used - 8 - (INODE_BYTES + ENTRY_BYTES + 1));
  assert.equal(fs.rename(ROOT_NODE, '0', ROOT_NODE, '1'), Errno.SUCCESS, 'over a link to the same file: nothing to do');
  audited(fs);
});

test('the metadata budget holds on its own: data still fits when metadata is full, and not the reverse', () => {
  const fs = fresh({ maxBytes: 4 << 20, maxMetadataBytes: 64 * 1024 });
  const big = ok(fs.create(ROOT_NODE, 'big', FILE, true, ''));
  ok(fs.write(big.node, 0, enc.encode('x'), false));
  const files = fillUntilFull(fs, (i) => fs.create(ROOT_NODE, `f${i}`, FILE, true, ''));
  fillUntilFull(fs, (i) => fs.link(big.node, ROOT_NODE, `l${i}`));
  assert.ok(fs.space.metadata > 60 * 1024 && fs.space.used < 128 * 1024, 'metadata full, the whole far from it');
  // A page the file holds grows with data only; a new page needs a record, and there is no room.
  ok(fs.write(big.node, 0, new Uint8Array(DATA_PAGE_BYTES).fill(1), false));
  assert.equal(fs.write(big.node, DATA_PAGE_BYTES, enc.encode('x'), false), Errno.NOSPC);
  audited(fs);
  // With records to spare, data fills the rest of maxBytes and stops there.
  for (let i = 0; i < files; i++) assert.equal(fs.unlink(ROOT_NODE, `f${i}`, false), Errno.SUCCESS);
  fillUntilFull(fs, () => fs.write(big.node, 0, new Uint8Array(DATA_PAGE_BYTES), true));
  assert.ok(fs.space.used > (4 << 20) - DATA_PAGE_BYTES - PAGE_RECORD_BYTES && fs.space.metadata < 64 * 1024, `${fs.space.used} used`);
});

test('space comes back after unlink, rmdir and truncate; an open file keeps its space until closed', () => {
  const fs = fresh();
  const base = fs.space.used;
  const d = ok(fs.create(ROOT_NODE, 'd', DIR, true, ''));
  const f = ok(fs.create(d.node, 'f', FILE, true, ''));
  ok(fs.write(f.node, 0, new Uint8Array(10 * DATA_PAGE_BYTES + 5).fill(3), false));
  const full = fs.space.used;
  assert.equal(fs.truncate(f.node, DATA_PAGE_BYTES + 100), Errno.SUCCESS);
  assert.ok(fs.space.used <= full - 8 * (DATA_PAGE_BYTES + PAGE_RECORD_BYTES), 'cut pages freed');
  audited(fs);
  assert.equal(fs.truncate(f.node, 10), Errno.SUCCESS);
  audited(fs);
  assert.equal(fs.open(f.node), Errno.SUCCESS);
  assert.equal(fs.unlink(d.node, 'f', false), Errno.SUCCESS);
  assert.equal(ok(fs.read(f.node, 0, 100)).length, 10, 'readable while open');
  assert.equal(fs.unlink(ROOT_NODE, 'd', true), Errno.SUCCESS);
  assert.ok(fs.space.used > base, 'the open file is still charged');
  assert.equal(fs.close(f.node), Errno.SUCCESS);
  assert.equal(fs.space.used, base);
  audited(fs);
});

test('nothing is made in a removed directory, so nothing outlives it', () => {
  const fs = fresh();
  const base = fs.space.used;
  const d = ok(fs.create(ROOT_NODE, 'gone', DIR, true, ''));
  const f = ok(fs.create(ROOT_NODE, 'f', FILE, true, ''));
  fs.open(d.node);
  assert.equal(fs.unlink(ROOT_NODE, 'gone', true), Errno.SUCCESS);
  assert.equal(fs.create(d.node, 'x', FILE, true, ''), Errno.NOENT);
  assert.equal(fs.create(d.node, 'y', DIR, true, ''), Errno.NOENT);
  assert.equal(fs.link(f.node, d.node, 'z'), Errno.NOENT);
  assert.equal(fs.rename(ROOT_NODE, 'f', d.node, 'f'), Errno.NOENT);
  fs.close(d.node);
  assert.equal(fs.unlink(ROOT_NODE, 'f', false), Errno.SUCCESS);
  assert.equal(fs.space.used, base);
});

test('after any mix of operations, what was charged equals a recount', () => {
  const name = fc.constantFrom('a', 'b', 'long-'.repeat(40), 'ā', 'c');
  const op = fc.oneof(
    fc.record({ k: fc.constant('create' as const), dir: fc.nat(5), name, type: fc.constantFrom(FILE, DIR, LINK), target: fc.string({ maxLength: 300 }) }),
    fc.record({ k: fc.constant('unlink' as const), dir: fc.nat(5), name, directory: fc.boolean() }),
    fc.record({ k: fc.constant('rename' as const), from: fc.nat(5), fromName: name, to: fc.nat(5), toName: name }),
    fc.record({ k: fc.constant('link' as const), node: fc.nat(20), dir: fc.nat(5), name }),
    fc.record({ k: fc.constant('write' as const), node: fc.nat(20), at: fc.nat(3 * DATA_PAGE_BYTES), len: fc.nat(2 * DATA_PAGE_BYTES) }),
    fc.record({ k: fc.constant('truncate' as const), node: fc.nat(20), size: fc.nat(4 * DATA_PAGE_BYTES) }),
    fc.record({ k: fc.constant('open' as const), node: fc.nat(20), close: fc.boolean() }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 60 }), fc.constantFrom(40_000, 200_000, 4 << 20), (ops, maxBytes) => {
    const fs = fresh({ maxBytes });
    // Nodes by small index: the root, then every node made, in order.
    const nodes = [ROOT_NODE];
    const at = (i: number): number => nodes[i % nodes.length]!;
    for (const o of ops) {
      switch (o.k) {
        case 'create': {
          const r = fs.create(at(o.dir), o.name, o.type, true, o.target);
          if (typeof r !== 'number') nodes.push(r.node);
          break;
        }
        case 'unlink': fs.unlink(at(o.dir), o.name, o.directory); break;
        case 'rename': fs.rename(at(o.from), o.fromName, at(o.to), o.toName); break;
        case 'link': fs.link(at(o.node), at(o.dir), o.name); break;
        case 'write': fs.write(at(o.node), o.at, new Uint8Array(o.len).fill(1), false); break;
        case 'truncate': fs.truncate(at(o.node), o.size); break;
        case 'open': if (o.close) fs.close(at(o.node)); else fs.open(at(o.node)); break;
      }
      audited(fs);
    }
  }), { numRuns: 150 });
});

/** A byte array standing for a file: what tmpfs must read back. */
class Model {
  bytes = new Uint8Array(0);
  write(at: number, data: Uint8Array): void {
    if (at + data.length > this.bytes.length) this.resize(at + data.length);
    this.bytes.set(data, at);
  }
  resize(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, Math.min(size, this.bytes.length)));
    this.bytes = next;
  }
}

test('paged file data reads back as a plain byte array under random writes, appends and truncates', () => {
  const span = 5 * DATA_PAGE_BYTES;
  const op = fc.oneof(
    fc.record({ k: fc.constant('write' as const), at: fc.nat(span), len: fc.nat(DATA_PAGE_BYTES * 2), fill: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ k: fc.constant('append' as const), len: fc.nat(3000), fill: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ k: fc.constant('truncate' as const), size: fc.nat(span + DATA_PAGE_BYTES) }),
    fc.record({ k: fc.constant('read' as const), at: fc.nat(span), len: fc.nat(3 * DATA_PAGE_BYTES) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
    const fs = fresh();
    const f = ok(fs.create(ROOT_NODE, 'f', FILE, true, ''));
    const model = new Model();
    for (const o of ops) {
      if (o.k === 'write' || o.k === 'append') {
        // A pattern, not one byte, so misplaced copies show.
        const data = new Uint8Array(o.len).map((_, i) => (o.fill + i) & 255);
        const at = o.k === 'append' ? model.bytes.length : o.at;
        assert.deepEqual(fs.write(f.node, o.k === 'append' ? 0 : at, data, o.k === 'append'), { written: o.len, end: at + o.len });
        if (o.len > 0) model.write(at, data);
      } else if (o.k === 'truncate') {
        assert.equal(fs.truncate(f.node, o.size), Errno.SUCCESS);
        model.resize(o.size);
      } else {
        const want = model.bytes.subarray(Math.min(o.at, model.bytes.length), Math.min(model.bytes.length, o.at + o.len));
        assert.deepEqual(ok(fs.read(f.node, o.at, o.len)), want);
      }
      assert.equal(ok(fs.getattr(f.node)).size, model.bytes.length);
    }
    assert.deepEqual(ok(fs.read(f.node, 0, span * 2)), model.bytes);
    audited(fs);
    // Never more than the pages the file spans, each at most a page.
    const pages = Math.ceil(model.bytes.length / DATA_PAGE_BYTES);
    assert.ok(fs.space.used - fs.space.metadata <= pages * DATA_PAGE_BYTES);
  }), { numRuns: 200 });
});

test('holes allocate nothing: a write far past the end, a truncate up', () => {
  const fs = fresh();
  const f = ok(fs.create(ROOT_NODE, 'sparse', FILE, true, ''));
  const empty = fs.space.used;
  const far = 2 ** 40;
  ok(fs.write(f.node, far, enc.encode('end'), false));
  assert.equal(ok(fs.getattr(f.node)).size, far + 3);
  assert.equal(fs.space.used, empty + PAGE_RECORD_BYTES + 64, 'one page record and the smallest buffer');
  assert.equal(new TextDecoder().decode(ok(fs.read(f.node, far, 10))), 'end');
  assert.deepEqual(ok(fs.read(f.node, far - 3 * DATA_PAGE_BYTES, 100)), new Uint8Array(100));
  assert.equal(fs.truncate(f.node, 2 ** 52), Errno.SUCCESS);
  assert.equal(fs.space.used, empty + PAGE_RECORD_BYTES + 64);
  // A read of a hole is bounded, whatever length is asked.
  assert.equal(ok(fs.read(f.node, 0, 0xffff_ffff)).length, 16 << 20);
  assert.equal(fs.truncate(f.node, Number.MAX_SAFE_INTEGER), Errno.SUCCESS);
  assert.equal(fs.write(f.node, Number.MAX_SAFE_INTEGER - 1, enc.encode('xy'), false), Errno.FBIG);
  assert.equal(fs.read(f.node, -1, 10), Errno.INVAL);
  assert.equal(fs.truncate(f.node, 0), Errno.SUCCESS);
  assert.equal(fs.space.used, empty);
});

test('an append copies no earlier page: page 0 keeps its buffer while the file grows', () => {
  const fs = fresh();
  const f = ok(fs.create(ROOT_NODE, 'log', FILE, true, ''));
  ok(fs.write(f.node, 0, new Uint8Array(DATA_PAGE_BYTES).fill(1), false));
  const first = ok(fs.read(f.node, 0, 16)).buffer;
  const chunk = new Uint8Array(4000).fill(2);
  for (let i = 0; i < 2000; i++) ok(fs.write(f.node, 0, chunk, true));
  assert.equal(ok(fs.read(f.node, 0, 16)).buffer, first, 'the first page was not reallocated');
  assert.equal(ok(fs.getattr(f.node)).size, DATA_PAGE_BYTES + 2000 * 4000);
  // Buffers double within a page only: at most the pages spanned, plus the last one's doubling.
  const data = fs.space.used - fs.space.metadata;
  assert.ok(data <= Math.ceil((DATA_PAGE_BYTES + 8_000_000) / DATA_PAGE_BYTES) * DATA_PAGE_BYTES, `${data} bytes of buffers`);
});

test('the page cache copies a paged file whole (holes, odd-sized writes, many pages) and reads it back under a token', () => {
  const arena = Arena.create({ maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024, cacheEntries: 4, cachePages: 512 });
  const cache = new PageCache(arena, { firstEntry: 0, entries: 4, firstPage: 0, pages: 512 });
  const fs = fresh();
  const f = ok(fs.create(ROOT_NODE, 'cached', FILE, true, ''));
  const model = new Model();
  const put = (at: number, len: number, seed: number): void => {
    const data = new Uint8Array(len).map((_, i) => (seed + i * 13) & 255);
    ok(fs.write(f.node, at, data, false));
    model.write(at, data);
  };
  put(0, 12_345, 1);
  put(12_345, 100_000, 2); // across the first page boundary
  put(5 * DATA_PAGE_BYTES + 17, 70_000, 3); // after a hole of pages
  put(900_000, 3, 4);
  assert.equal(fs.truncate(f.node, 1_000_000), Errno.SUCCESS);
  model.resize(1_000_000);
  const size = ok(fs.getattr(f.node)).size;
  const t = cache.map(f.node, size, 'v1', (offset, length) => {
    const d = fs.read(f.node, offset, length);
    assert.ok(typeof d !== 'number');
    return d;
  });
  assert.ok(typeof t !== 'number', `map: errno ${String(t)}`);
  const out = new Uint8Array(size);
  assert.equal(readCached(arena, { ...t, word: arena.cacheEntryWord(t.entry) + CacheWord.GENERATION }, 0, [out]), size);
  assert.deepEqual(out, model.bytes);
  assert.equal(Math.ceil(size / PAGE_BYTES), arena.i32[arena.cacheEntryWord(t.entry) + CacheWord.PAGES]);
});

test('directories stop at MAX_DEPTH levels and MAX_DIR_PATH units, with ENAMETOOLONG', () => {
  const fs = fresh();
  let dir = ROOT_NODE;
  for (let depth = 1; depth <= MAX_DEPTH; depth++) dir = ok(fs.create(dir, 'd', DIR, true, '')).node;
  assert.equal(fs.create(dir, 'd', DIR, true, ''), Errno.NAMETOOLONG);
  // Files and symlinks may still live in the deepest directory.
  ok(fs.create(dir, 'f'.repeat(255), FILE, true, ''));
  ok(fs.create(dir, 'l', LINK, true, '../x'));
  // Long names reach the path limit first: 14 levels of 255 units are 3584.
  let long = ROOT_NODE, levels = 0;
  for (;;) {
    const r = fs.create(long, `${levels}`.padStart(255, 'x'), DIR, true, '');
    if (typeof r === 'number') {
      assert.equal(r, Errno.NAMETOOLONG);
      break;
    }
    long = r.node;
    levels++;
  }
  assert.equal(levels, Math.floor(MAX_DIR_PATH / 256));
  assert.equal(fs.create(ROOT_NODE, 's', LINK, true, 't'.repeat(SYMLINK_MAX + 1)), Errno.NAMETOOLONG);
  audited(fs);
});

test('a rename may not take a directory tree past the limits, nor into itself', () => {
  const fs = fresh();
  const chain = (top: number, levels: number, name = 'd'): number[] => {
    const made: number[] = [];
    for (let i = 0, d = top; i < levels; i++) made.push((d = ok(fs.create(d, name, DIR, true, '')).node));
    return made;
  };
  const a = ok(fs.create(ROOT_NODE, 'a', DIR, true, ''));
  const b = ok(fs.create(ROOT_NODE, 'b', DIR, true, ''));
  const aTree = chain(a.node, 200); // a is at depth 1, its deepest at 201
  const bTree = chain(b.node, 60); // b's deepest at 61
  // a under b's deepest: a's deepest would be at 61 + 1 + 200 = 262.
  assert.equal(fs.rename(ROOT_NODE, 'a', bTree[59]!, 'a'), Errno.NAMETOOLONG);
  assert.equal(fs.rename(ROOT_NODE, 'a', bTree[53]!, 'a'), Errno.SUCCESS, '55 + 1 + 200 = 256');
  ok(fs.lookup(bTree[53]!, 'a'));
  assert.equal(fs.create(aTree[199]!, 'deeper', DIR, true, ''), Errno.NAMETOOLONG);
  // Into itself.
  assert.equal(fs.rename(bTree[53]!, 'a', aTree[10]!, 'loop'), Errno.INVAL);
  assert.equal(fs.rename(ROOT_NODE, 'b', bTree[0]!, 'b'), Errno.INVAL);
  // Moving up is always allowed, and a longer name is checked against the path limit too.
  assert.equal(fs.rename(bTree[53]!, 'a', ROOT_NODE, 'a'), Errno.SUCCESS);
  const c = ok(fs.create(ROOT_NODE, 'c', DIR, true, ''));
  const cTree = chain(c.node, 13, 'y'.repeat(255)); // 13 × 256 = 3328 units below c
  const p = ok(fs.create(ROOT_NODE, 'p', DIR, true, ''));
  // Under /p as 254 units: 2 + 255 + 3328 = 3585, one too long; 253 fits exactly.
  assert.equal(fs.rename(ROOT_NODE, 'c', p.node, 'c'.repeat(254)), Errno.NAMETOOLONG);
  assert.equal(fs.rename(ROOT_NODE, 'c', p.node, 'c'.repeat(253)), Errno.SUCCESS);
  assert.equal(ok(fs.lookup(p.node, 'c'.repeat(253))).node, c.node);
  assert.equal(fs.create(cTree[12]!, 'z', DIR, true, ''), Errno.NAMETOOLONG);
  ok(fs.create(cTree[12]!, 'z', FILE, true, ''));
  audited(fs);
});

test('readdir and lookup see every entry after renames across directories', () => {
  const fs = fresh();
  const a = ok(fs.create(ROOT_NODE, 'a', DIR, true, ''));
  for (let i = 0; i < 50; i++) ok(fs.create(a.node, `e${i}`, FILE, true, ''));
  const b = ok(fs.create(ROOT_NODE, 'b', DIR, true, ''));
  for (let i = 0; i < 50; i += 2) assert.equal(fs.rename(a.node, `e${i}`, b.node, `moved${i}`), Errno.SUCCESS);
  const r = ok(fs.readdir(b.node, 0, 1 << 16));
  assert.deepEqual(unpackDirEntries(r.entries, r.count).map((e) => e.name), Array.from({ length: 25 }, (_, i) => `moved${i * 2}`));
  assert.equal(ok(fs.getattr(ROOT_NODE)).nlink, 4);
  audited(fs);
});

/**
 * A worker with a capped heap fills a tmpfs built with the default limits, with one hostile mix,
 * until ENOSPC, and reports what it made. If the charge undercounted what tmpfs keeps, the heap
 * would run out first and the worker would die (ERR_WORKER_OUT_OF_MEMORY).
 */
function fillInWorker(mix: string, heapMb: number): Promise<{ made: number; errno: number; metadata: number }> {
  const url = new URL('../support/tmpfs-filler.js', import.meta.url);
  return new Promise((resolve, reject) => {
    const w = new Worker(url, { workerData: { mix }, resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 } });
    let result: { made: number; errno: number; metadata: number } | null = null;
    const timer = setTimeout(() => void w.terminate(), 120_000);
    w.on('message', (m: { made: number; errno: number; metadata: number }) => { result = m; });
    w.on('error', (e) => { clearTimeout(timer); reject(e); });
    w.on('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${mix}: the worker exited (${code}) without a result`));
    });
  });
}

test('filled to its default limits with any hostile mix, tmpfs fits in a worker heap of 4x its metadata budget', async () => {
  const heapMb = 4 * DEFAULT_MAX_METADATA_BYTES / (1 << 20);
  for (const mix of ['tiny-files', 'long-names', 'long-targets', 'deep-dirs', 'sparse-pages', 'mixed']) {
    const r = await fillInWorker(mix, heapMb);
    assert.equal(r.errno, Errno.NOSPC, `${mix}: stopped by errno ${r.errno} after ${r.made}`);
    assert.ok(r.metadata > DEFAULT_MAX_METADATA_BYTES - 64 * 1024, `${mix}: full (${r.metadata} bytes of metadata, ${r.made} made)`);
  }
});

/**
 * diskfs: a persistent file system on a block device (a host disk image), crash-consistent
 * through a write-ahead journal of whole operations.
 *
 * Every change goes through the block cache; the dirty blocks of whole operations are committed
 * together (block-cache.ts, journal.ts) on `sync` (fd_sync, fd_datasync, sync(1)), when the
 * dirty set nears a transaction's limit, and `commitMs` after the first uncommitted change
 * (checked after each operation and by `tick` when the service is idle). A crash at any point
 * leaves the image as of the last commit: mount replays the journal, and orphans (inodes whose
 * last link went while they were open) are freed before the first change (`finishMount`). That
 * pass reads the whole inode table (8 MiB for a 1 GiB image: 5–30 ms, most of a boot's mount),
 * and nothing but a change needs it — an orphan is reachable from no directory, and which inodes
 * are free matters only to a change — so a boot that only reads never pays it.
 *
 * Node numbers are generation × 2^32 + inode (the root is 1), so a number kept across a
 * restart names the same file, and one kept past a delete names nothing (ENOENT).
 *
 * Failure is fail-stop: a device error (the host disk full, an I/O error) or a damaged block
 * met during an operation stops all commits and every later call gets EIO, so nothing half-done
 * is ever written; a restart of the service remounts the image as of its last commit.
 */

import { Errno } from '../../abi/errno.js';
import { FileType, packDirEntries } from '../../abi/protocols/fs.js';
import type { FileSystemOps, NodeStat } from '../fs/fs-service.js';
import { BlockAllocator } from './block-allocator.js';
import { BlockCache } from './block-cache.js';
import { BLOCK_SIZE, type BlockDevice } from './block-device.js';
import { DirectoryStore } from './directory.js';
import { FileMap } from './file-map.js';
import { InodeTable } from './inode-table.js';
import { Journal } from './journal.js';
import { type Geometry, type Inode, MAX_FILE_BLOCKS, NAME_MAX, ROOT_INO, decodeSuperblock, nodeOf, splitNode } from './layout.js';
import { decodeText } from '../../abi/text-codec.js';

export interface DiskfsOptions {
  /** Commit this long after the first uncommitted change (default 5000 ms, as ext4). */
  readonly commitMs?: number;
  /** Clean blocks kept in memory (default 2048: 8 MiB). */
  readonly cacheBlocks?: number;
  /** A millisecond clock for commit timing (default Date.now is not available here: supply one). */
  readonly now?: () => number;
}

export interface DiskfsStats {
  readonly commits: number;
  readonly blocksJournaled: number;
  readonly checkpoints: number;
  readonly replayed: number;
  readonly orphansFreed: number;
}

const FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8;
/** Blocks one operation step may dirty at most: a 16-block write chunk plus its pointer, bitmap and inode blocks. */
const STEP_BLOCKS = 48;
const WRITE_CHUNK_BLOCKS = 16;
/** Most blocks one host read of a file's data takes (readData: 256 KiB). */
const READ_RUN_BLOCKS = 64;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Diskfs implements FileSystemOps {
  private readonly cache: BlockCache;
  private readonly alloc: BlockAllocator;
  private readonly inodes: InodeTable;
  private readonly files: FileMap;
  private readonly dirs: DirectoryStore;
  private readonly opens = new Map<number, number>();
  private readonly commitMs: number;
  private readonly now: () => number;
  private orphansFreed = 0;
  /** Whether the inode table has been read whole (free inodes known, orphans freed): finishMount. */
  private scanned = false;
  /** Why the file system stopped (fail-stop), or null. */
  private failure: string | null = null;

  private constructor(private readonly dev: BlockDevice, readonly geometry: Geometry, private readonly journal: Journal, private readonly clock: () => bigint, options: DiskfsOptions) {
    this.now = options.now ?? (() => Number(clock() / 1_000_000n));
    this.commitMs = options.commitMs ?? 5000;
    this.cache = new BlockCache(dev, journal, options.cacheBlocks ?? 2048, this.now);
    this.alloc = new BlockAllocator(geometry, this.cache);
    this.inodes = new InodeTable(geometry, this.cache);
    this.files = new FileMap(this.cache, this.alloc);
    this.dirs = new DirectoryStore(this.cache, this.files);
  }

  /** Mount the diskfs on `dev`: replay its journal, free its orphans. Throws with the reason if it cannot. */
  static mount(dev: BlockDevice, clock: () => bigint, options: DiskfsOptions = {}): Diskfs {
    const sb = new Uint8Array(BLOCK_SIZE);
    dev.read(0, sb);
    const g = decodeSuperblock(sb, dev.blockCount);
    if (typeof g === 'string') throw new Error(g);
    const journal = Journal.open(dev, g.journalStart, g.journalBlocks);
    return new Diskfs(dev, g, journal, clock, options);
  }

  /** Read the inode table whole once: note the free inodes, free the orphans (committed). Before any change. */
  private finishMount(): void {
    if (this.scanned) return;
    this.scanned = true;
    for (const ino of this.inodes.scan()) {
      this.files.truncateBlocks(this.inodes.get(ino), 0);
      this.inodes.release(ino);
      this.orphansFreed++;
      if (this.cache.dirtyCount > this.journal.capacity - STEP_BLOCKS) this.commit();
    }
    this.commit();
  }

  get stats(): DiskfsStats {
    this.run(false, () => this.finishMount());
    return { ...this.journal.stats, orphansFreed: this.orphansFreed };
  }

  /** Why the file system stopped taking changes, or null while it is healthy. */
  get failed(): string | null {
    return this.failure;
  }

  // ─── running operations ─────────────────────────────────────────────────────

  /** Run one operation: EIO once failed; any exception inside stops the file system (fail-stop). */
  private run<T>(changes: boolean, op: () => T | number): T | number {
    if (this.failure !== null) return Errno.IO;
    try {
      if (changes) {
        this.finishMount();
        this.makeRoom();
      }
      const r = op();
      if (changes) this.commitIfDue();
      return this.failure !== null && typeof r === 'number' ? Errno.IO : r;
    } catch (e) {
      this.fail(e);
      return Errno.IO;
    } finally {
      this.inodes.trim();
      this.dirs.trim();
    }
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e.message : String(e);
  }

  /** Commit the dirty blocks, the new ones written in place (BlockCache.commit, docs/diskfs.md). */
  private commit(): void {
    this.cache.commit((n) => this.alloc.isNew(n));
    this.alloc.committed();
  }

  /** Commit now if one more step might not fit in a transaction. */
  private makeRoom(): void {
    if (this.cache.dirtyCount > this.journal.capacity - STEP_BLOCKS) this.commit();
  }

  private commitIfDue(): void {
    const since = this.cache.dirtySince;
    if (since !== null && this.now() - since >= this.commitMs) this.commit();
  }

  /** Commit if changes have waited `commitMs` (the service calls this when idle). */
  tick(): void {
    if (this.failure !== null) return;
    try {
      this.commitIfDue();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Commit everything and empty the journal; the device is closed. */
  unmount(): void {
    if (this.failure === null) {
      try {
        this.commit();
        this.journal.checkpoint();
      } catch (e) {
        this.fail(e);
      }
    }
    this.dev.close();
  }

  // ─── nodes ──────────────────────────────────────────────────────────────────

  private inodeOf(node: number): { ino: number; n: Inode } | number {
    if (!Number.isSafeInteger(node) || node <= 0) return Errno.NOENT;
    const { ino, generation } = splitNode(node);
    if (ino < 1 || ino > this.inodes.count || (ino === ROOT_INO && node !== 1)) return Errno.NOENT;
    const n = this.inodes.get(ino);
    if (n.type === 0 || (ino !== ROOT_INO && n.generation !== generation)) return Errno.NOENT;
    // An orphan left by the last mount is gone, freed or not yet (finishMount): nothing of this
    // mount can have opened it, since every file made or unlinked since came after the scan.
    if (!this.scanned && n.nlink === 0 && ino !== ROOT_INO) return Errno.NOENT;
    return { ino, n };
  }

  private dirOf(node: number): { ino: number; n: Inode } | number {
    const d = this.inodeOf(node);
    if (typeof d === 'number') return d;
    return d.n.type === FileType.DIRECTORY ? d : Errno.NOTDIR;
  }

  private nodeNumber(ino: number): number {
    return nodeOf(ino, this.inodes.get(ino).generation);
  }

  private static nameError(name: string): number {
    if (name.length === 0 || name.includes('/') || name === '.' || name === '..') return Errno.INVAL;
    return encoder.encode(name).length > NAME_MAX ? Errno.NAMETOOLONG : Errno.SUCCESS;
  }

  /** Free an inode nothing links to and nobody has open. */
  private maybeFree(ino: number, n: Inode): void {
    if (n.nlink > 0 || (this.opens.get(ino) ?? 0) > 0 || ino === ROOT_INO) return;
    this.files.truncateBlocks(n, 0);
    this.inodes.release(ino);
    this.dirs.forget(ino);
  }

  private touch(n: Inode, data: boolean): void {
    const now = this.clock();
    n.ctim = now;
    if (data) n.mtim = now;
  }

  // ─── FileSystemOps ──────────────────────────────────────────────────────────

  usage(): { total: number; used: number; readOnly: boolean } {
    this.run(false, () => this.finishMount());
    return { total: this.alloc.dataBlocks * BLOCK_SIZE, used: this.alloc.usedBlocks * BLOCK_SIZE, readOnly: this.failure !== null };
  }

  lookup(dir: number, name: string): { node: number; type: number } | number {
    return this.run(false, () => {
      const d = this.dirOf(dir);
      if (typeof d === 'number') return d;
      const e = this.dirs.entries(d.ino, d.n).get(name);
      return e ? { node: this.nodeNumber(e.ino), type: e.type } : Errno.NOENT;
    });
  }

  getattr(node: number): NodeStat | number {
    return this.run(false, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      const { n } = f;
      return { node, ino: f.ino, type: n.type, nlink: n.nlink, size: n.size, atim: n.atim, mtim: n.mtim, ctim: n.ctim };
    });
  }

  read(node: number, offset: number, length: number): Uint8Array | number {
    return this.run(false, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      if (f.n.type === FileType.DIRECTORY) return Errno.ISDIR;
      if (!Number.isSafeInteger(offset) || offset < 0) return Errno.INVAL;
      return this.readData(f.n, offset, length);
    });
  }

  private readData(n: Inode, offset: number, length: number): Uint8Array {
    const end = Math.min(n.size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    for (let pos = offset; pos < end;) {
      const i = Math.floor(pos / BLOCK_SIZE), off = pos % BLOCK_SIZE;
      const len = Math.min(BLOCK_SIZE - off, end - pos);
      const b = this.files.map(n, i, false);
      const run = b > 0 && off === 0 ? this.wholeRun(n, i, b, end - pos) : 0;
      if (run > 1) {
        this.cache.readRunInto(b, run, out.subarray(pos - offset, pos - offset + run * BLOCK_SIZE));
        pos += run * BLOCK_SIZE;
        continue;
      }
      if (b > 0) out.set(this.cache.read(b).subarray(off, off + len), pos - offset);
      pos += len;
    }
    return out;
  }

  /**
   * How many whole blocks from file block `i` (on device block `b`) lie one after another on the
   * device, within the `left` bytes still to read: a run readRunInto reads with one host call.
   */
  private wholeRun(n: Inode, i: number, b: number, left: number): number {
    const most = Math.min(Math.floor(left / BLOCK_SIZE), READ_RUN_BLOCKS);
    return most > 1 ? this.files.run(n, i, b, most) : most;
  }

  write(node: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number {
    return this.run(true, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      if (f.n.type === FileType.DIRECTORY) return Errno.ISDIR;
      const at = append ? f.n.size : offset;
      if (!Number.isSafeInteger(at) || at < 0) return Errno.INVAL;
      if (at + data.length > MAX_FILE_BLOCKS * BLOCK_SIZE) return Errno.FBIG;
      const written = this.writeData(f.ino, f.n, at, data);
      if (written === 0 && data.length > 0) return Errno.NOSPC;
      return { written, end: at + written };
    });
  }

  /** Write `data` at `at`, committing between chunks when needed; the bytes written (short when the device fills). */
  private writeData(ino: number, n: Inode, at: number, data: Uint8Array): number {
    let done = 0;
    const fresh = { made: false };
    let blocks = 0;
    while (done < data.length) {
      const pos = at + done;
      const i = Math.floor(pos / BLOCK_SIZE), off = pos % BLOCK_SIZE;
      const len = Math.min(BLOCK_SIZE - off, data.length - done);
      const b = this.files.map(n, i, true, fresh);
      if (b < 0) break;
      const block = len === BLOCK_SIZE && !fresh.made ? this.cache.fresh(b) : this.cache.modify(b);
      block.set(data.subarray(done, done + len), off);
      done += len;
      if (pos + len > n.size) n.size = pos + len;
      if (++blocks % WRITE_CHUNK_BLOCKS === 0 && done < data.length) {
        this.touch(n, true);
        this.inodes.save(ino, n);
        this.makeRoom();
      }
    }
    this.touch(n, true);
    this.inodes.save(ino, n);
    return done;
  }

  truncate(node: number, size: number): number {
    return this.run(true, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      if (f.n.type === FileType.DIRECTORY) return Errno.ISDIR;
      if (!Number.isSafeInteger(size) || size < 0) return Errno.INVAL;
      if (size > MAX_FILE_BLOCKS * BLOCK_SIZE) return Errno.FBIG;
      const n = f.n;
      if (size < n.size) {
        this.files.truncateBlocks(n, Math.ceil(size / BLOCK_SIZE));
        const tail = size % BLOCK_SIZE;
        const last = tail === 0 ? 0 : this.files.map(n, Math.floor(size / BLOCK_SIZE), false);
        if (last > 0) this.cache.modify(last).fill(0, tail);
      }
      n.size = size;
      this.touch(n, true);
      this.inodes.save(f.ino, n);
      return Errno.SUCCESS;
    });
  }

  create(dir: number, name: string, type: number, exclusive: boolean, target: string): { node: number; type: number; created: number } | number {
    return this.run(true, () => {
      const d = this.dirOf(dir);
      if (typeof d === 'number') return d;
      const bad = Diskfs.nameError(name);
      if (bad) return bad;
      const existing = this.dirs.entries(d.ino, d.n).get(name);
      if (existing) {
        if (exclusive || type !== FileType.REGULAR_FILE) return Errno.EXIST;
        return { node: this.nodeNumber(existing.ino), type: existing.type, created: 0 };
      }
      if (type !== FileType.REGULAR_FILE && type !== FileType.DIRECTORY && type !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
      const now = this.clock();
      const ino = this.inodes.allocate(type, now);
      if (ino === 0) return Errno.NOSPC;
      const n = this.inodes.get(ino);
      n.nlink = type === FileType.DIRECTORY ? 2 : 1;
      if (type === FileType.DIRECTORY) n.parent = d.ino;
      const link = type === FileType.SYMBOLIC_LINK ? encoder.encode(target) : null;
      const added = (!link || this.writeData(ino, n, 0, link) === link.length) && this.dirs.add(d.ino, d.n, name, ino, type);
      if (!added) {
        n.nlink = 0;
        this.maybeFree(ino, n);
        this.inodes.save(d.ino, d.n);
        return Errno.NOSPC;
      }
      this.inodes.save(ino, n);
      if (type === FileType.DIRECTORY) d.n.nlink++;
      d.n.mtim = d.n.ctim = now;
      this.inodes.save(d.ino, d.n);
      return { node: nodeOf(ino, n.generation), type, created: 1 };
    });
  }

  unlink(dir: number, name: string, directory: boolean): number {
    return this.run(true, () => {
      const d = this.dirOf(dir);
      if (typeof d === 'number') return d;
      const e = this.dirs.entries(d.ino, d.n).get(name);
      if (!e) return Errno.NOENT;
      const n = this.inodes.get(e.ino);
      if (directory) {
        if (n.type !== FileType.DIRECTORY) return Errno.NOTDIR;
        if (this.dirs.entries(e.ino, n).size > 0) return Errno.NOTEMPTY;
        d.n.nlink--;
        n.nlink = 0;
      } else {
        if (n.type === FileType.DIRECTORY) return Errno.ISDIR;
        n.nlink--;
      }
      this.dirs.remove(d.ino, d.n, name);
      this.touch(d.n, true);
      this.touch(n, false);
      this.inodes.save(d.ino, d.n);
      this.inodes.save(e.ino, n);
      this.maybeFree(e.ino, n);
      return Errno.SUCCESS;
    });
  }

  /** True if directory `ancestor` is `ino` or holds it (walks up the parent links). */
  private contains(ancestor: number, ino: number): boolean {
    for (let at = ino, steps = 0; steps <= this.inodes.count; steps++) {
      if (at === ancestor) return true;
      if (at === ROOT_INO) return false;
      at = this.inodes.get(at).parent;
    }
    throw new Error('directory parent links form a cycle');
  }

  rename(fromDir: number, fromName: string, toDir: number, toName: string): number {
    return this.run(true, () => {
      const fd = this.dirOf(fromDir);
      if (typeof fd === 'number') return fd;
      const td = this.dirOf(toDir);
      if (typeof td === 'number') return td;
      const src = this.dirs.entries(fd.ino, fd.n).get(fromName);
      if (!src) return Errno.NOENT;
      const bad = Diskfs.nameError(toName);
      if (bad) return bad;
      const moving = this.inodes.get(src.ino);
      const isDir = moving.type === FileType.DIRECTORY;
      if (isDir && this.contains(src.ino, td.ino)) return Errno.INVAL;
      const dst = this.dirs.entries(td.ino, td.n).get(toName);
      if (dst) {
        if (dst.ino === src.ino) return Errno.SUCCESS;
        const victim = this.inodes.get(dst.ino);
        const victimDir = victim.type === FileType.DIRECTORY;
        if (isDir && !victimDir) return Errno.NOTDIR;
        if (!isDir && victimDir) return Errno.ISDIR;
        if (victimDir && this.dirs.entries(dst.ino, victim).size > 0) return Errno.NOTEMPTY;
        this.dirs.replace(td.ino, td.n, toName, src.ino, moving.type);
        if (victimDir) {
          td.n.nlink--;
          victim.nlink = 0;
        } else victim.nlink--;
        this.touch(victim, false);
        this.inodes.save(dst.ino, victim);
        this.maybeFree(dst.ino, victim);
      } else if (!this.dirs.add(td.ino, td.n, toName, src.ino, moving.type)) {
        this.inodes.save(td.ino, td.n);
        return Errno.NOSPC;
      }
      this.dirs.remove(fd.ino, fd.n, fromName);
      if (isDir && fd.ino !== td.ino) {
        fd.n.nlink--;
        td.n.nlink++;
        moving.parent = td.ino;
      }
      this.touch(fd.n, true);
      this.touch(td.n, true);
      this.touch(moving, false);
      this.inodes.save(fd.ino, fd.n);
      this.inodes.save(td.ino, td.n);
      this.inodes.save(src.ino, moving);
      return Errno.SUCCESS;
    });
  }

  readdir(dir: number, cookie: number, max: number): { count: number; next: number; entries: Uint8Array } | number {
    return this.run(false, () => {
      const d = this.dirOf(dir);
      if (typeof d === 'number') return d;
      if (!Number.isSafeInteger(cookie) || cookie < 0) return Errno.INVAL;
      // Collect no more than can fit (as tmpfs: a packed entry takes at least 21 bytes plus one per UTF-16 unit of its name).
      let estimate = 0;
      const found = this.dirs.list(d.n, cookie, (name) => (estimate += 21 + name.length) > max);
      const list = found.map((e) => ({ node: this.nodeNumber(e.ino), type: e.type, name: e.name, next: e.next }));
      const { bytes, count } = packDirEntries(list, max);
      return { count, next: count > 0 ? list[count - 1]!.next : cookie, entries: bytes };
    });
  }

  setTimes(node: number, atim: bigint, mtim: bigint, flags: number): number {
    return this.run(true, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      if ((flags & FST_ATIM && flags & FST_ATIM_NOW) || (flags & FST_MTIM && flags & FST_MTIM_NOW)) return Errno.INVAL;
      const now = this.clock();
      const n = f.n;
      if (flags & FST_ATIM) n.atim = atim;
      if (flags & FST_ATIM_NOW) n.atim = now;
      if (flags & FST_MTIM) n.mtim = mtim;
      if (flags & FST_MTIM_NOW) n.mtim = now;
      n.ctim = now;
      this.inodes.save(f.ino, n);
      return Errno.SUCCESS;
    });
  }

  readlink(node: number): string | number {
    return this.run(false, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      if (f.n.type !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
      return decodeText(decoder, this.readData(f.n, 0, f.n.size));
    });
  }

  link(node: number, dir: number, name: string): number {
    return this.run(true, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      if (f.n.type === FileType.DIRECTORY) return Errno.PERM;
      const d = this.dirOf(dir);
      if (typeof d === 'number') return d;
      if (this.dirs.entries(d.ino, d.n).has(name)) return Errno.EXIST;
      const bad = Diskfs.nameError(name);
      if (bad) return bad;
      if (f.n.nlink >= 0xffff_ffff) return Errno.MLINK;
      const added = this.dirs.add(d.ino, d.n, name, f.ino, f.n.type);
      this.inodes.save(d.ino, d.n);
      if (!added) return Errno.NOSPC;
      f.n.nlink++;
      this.touch(f.n, false);
      this.touch(d.n, true);
      this.inodes.save(f.ino, f.n);
      this.inodes.save(d.ino, d.n);
      return Errno.SUCCESS;
    });
  }

  open(node: number): number {
    return this.run(false, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return f;
      this.opens.set(f.ino, (this.opens.get(f.ino) ?? 0) + 1);
      return Errno.SUCCESS;
    });
  }

  close(node: number): number {
    return this.run(true, () => {
      const f = this.inodeOf(node);
      if (typeof f === 'number') return Errno.SUCCESS;
      const left = (this.opens.get(f.ino) ?? 0) - 1;
      if (left > 0) this.opens.set(f.ino, left);
      else this.opens.delete(f.ino);
      this.maybeFree(f.ino, f.n);
      return Errno.SUCCESS;
    });
  }

  /** Commit every change (node 0: the whole file system, as sync(2)); durable on the host disk when it returns. */
  sync(node: number): number {
    return this.run(false, () => {
      if (node !== 0) {
        const f = this.inodeOf(node);
        if (typeof f === 'number') return f;
      }
      this.commit();
      return Errno.SUCCESS;
    });
  }
}

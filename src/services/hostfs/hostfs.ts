/**
 * hostfs: a directory of the host served as a Keel file system, strictly confined to it.
 *
 * Node ROOT_NODE is the host directory `root`; every other node is one host object met by name
 * (hostfs-nodes.ts). Confinement invariants:
 *   - every host call names ONE validated component ('' '.' '..' '/' NUL refused) inside a
 *     directory the host holds open (HostFs *At calls); no path from a client reaches the host;
 *   - a directory handle is opened without following symlinks and must be the object its node
 *     stands for; so a lookup never passes through a symlink, whoever planted it, and (where the
 *     host binds handles to directories: Linux) a host process renaming or swapping directories
 *     cannot move a call outside the directory it is made in;
 *   - no final symlink is followed: lookup/getattr use lstat, open uses O_NOFOLLOW (a symlink is
 *     ELOOP), times are set with lutimes, only regular files (and symlinks where link() does not
 *     follow them) are hard-linked, and a regular file is only created with O_CREAT|O_EXCL;
 *   - no symlink is made whose target is absolute or climbs above the root (EPERM);
 *   - Keel's own disk images inside the tree are out of reach (hostfs-guard.ts).
 * Renames re-parent the moved node, so everything under it follows. Unlink and rmdir forget the
 * name; a node that is open lives on detached (an orphan) and is reached through its host fd
 * (or directory handle) until its last close.
 * readdir cookies are indexes into the sorted listing taken at cookie 0, kept while the client
 * pages through it.
 */

import type { FileSystemOps } from '../fs/fs-service.js';
import { Errno } from '../../abi/errno.js';
import { FileType, ROOT_NODE, packDirEntries, symlinkLeavesRoot, walkNames, type DirEntry } from '../../abi/protocols/fs.js';
import { type HostFs, type HostStat, errnoOfHostError, isComponent } from '../../host/host-fs.js';
import { DETACHED, Fail, HostNodeTable, type HostNode, fail } from './hostfs-nodes.js';
import { ImageGuard, type ProtectedSet } from './hostfs-guard.js';
import { type VerifiedWalk, VerifiedWalks } from './verified-walks.js';

export interface HostfsConfig {
  readonly name?: string;
  readonly readOnly?: boolean;
  /** Wall-clock nanoseconds for the *_NOW time flags (default Date.now). */
  readonly clock?: () => bigint;
  /**
   * The first node number after the root's (default 2). A supervisor-restarted instance starts
   * elsewhere (services/kinds.ts: a random multiple of 2^32), so a node number a client kept
   * from the previous instance names nothing (ENOENT), never another file.
   */
  readonly firstNode?: number;
  /** Host descriptors this instance may hold at once (its share of the process's limit). */
  readonly maxDescriptors?: number;
  /** Keel's own images inside the tree, out of every client's reach. */
  readonly protect?: ProtectedSet;
  /**
   * The arena word it marks (not 0) once it keeps exact times the host rounded (setTimes), and
   * mark to do so; a local kernel reading a host file's attributes itself asks hostfs instead
   * while it is marked (docs/decisions/024-direct-host-files.md).
   */
  readonly exactTimes?: { readonly word: number; mark(): void };
}

/** Largest read served in one call; shorter reads are always allowed. */
const MAX_READ = 16 << 20;
/** Reads up to this size go through one buffer kept for them (no allocation per read). */
const REUSED_READ_BYTES = 1 << 20;
/** Directory listings kept for clients paging through them. */
const LISTINGS = 8;
const DEFAULT_MAX_DESCRIPTORS = 1024;
const FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8;
const encoder = new TextEncoder();

export class Hostfs implements FileSystemOps {
  private readonly t: HostNodeTable;
  private readonly guard: ImageGuard;
  private readonly readOnly: boolean;
  private readonly clock: () => bigint;
  /** Exact times last set per node, with what the host stored for them (see setTimes). */
  private readonly setTimesExact = new Map<number, { atim: bigint; mtim: bigint; hostA: bigint; hostM: bigint }>();
  /** Sorted listings taken at cookie 0, by directory node, most recent last. */
  private readonly listings = new Map<number, string[]>();
  /** Walks of several components found before, reused while they hold (verified-walks.ts). */
  private readonly walks = new VerifiedWalks();
  /** See HostfsConfig.exactTimes: without one, nothing is granted (hostFile). */
  private readonly timesMark: HostfsConfig['exactTimes'];
  /** Descriptors held for files whose copies are listed (pin). */
  private readonly pinned = new Set<number>();

  constructor(private readonly host: HostFs, private readonly root: string, config: HostfsConfig = {}) {
    this.readOnly = config.readOnly ?? false;
    this.clock = config.clock ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.guard = new ImageGuard(config.protect);
    this.timesMark = config.exactTimes;
    this.t = new HostNodeTable(host, root, config.firstNode ?? ROOT_NODE + 1, config.maxDescriptors ?? DEFAULT_MAX_DESCRIPTORS);
  }

  usage(): { total: number; used: number; readOnly: boolean } {
    try {
      const s = this.host.statfs(this.root);
      return { total: s.total, used: s.total - s.free, readOnly: this.readOnly };
    } catch {
      return { total: 0, used: 0, readOnly: this.readOnly };
    }
  }

  /** Host descriptors this instance holds now. */
  get descriptors(): number {
    return this.t.descriptors;
  }

  /** Close every host descriptor (the service stops). */
  stop(): void {
    for (const fd of this.pinned) this.t.closeFile(fd);
    this.pinned.clear();
    this.t.closeAll();
  }

  /**
   * Run an operation, turning every exception into an errno. Our descriptors are always valid, so
   * a host EBADF means a write through one the host would only open read-only: EACCES.
   */
  private run<T>(fn: () => T): T | number {
    try {
      return fn();
    } catch (e) {
      return e instanceof Fail ? e.errno : errnoOfHostError(e);
    }
  }

  /** The directory handle of node `dir`, for a call about `name` in it (refused if `name` is guarded). */
  private within(dir: number, name: string): number {
    if (!isComponent(name)) fail(name === '' ? Errno.NOENT : Errno.INVAL);
    const d = this.t.get(dir);
    if (this.guard.hidesName(d, name)) fail(Errno.ACCES);
    return this.t.dirHandle(dir);
  }

  /** lstat `name` in `handle`; a guarded object is EACCES. */
  private lstatIn(handle: number, name: string): HostStat {
    const st = this.host.lstatAt(handle, name);
    if (this.guard.hidesObject(st)) fail(Errno.ACCES);
    return st;
  }

  /** As lstatIn, but null when nothing has that name. */
  private lstatOrNull(handle: number, name: string): HostStat | null {
    const st = this.host.lstatAtOrNull(handle, name);
    if (st !== null && this.guard.hidesObject(st)) fail(Errno.ACCES);
    return st;
  }

  /** What the host reports for node `n` now; ENOENT if its name stands for another object. */
  private statOf(n: HostNode): HostStat {
    if (n.fd >= 0) return this.host.fstat(n.fd);
    if (n.dir >= 0) return this.host.fstatDir(n.dir);
    if (n.parent === DETACHED) fail(Errno.NOENT);
    const st = this.host.lstatAt(this.t.dirHandle(n.parent), n.name);
    if (st.dev !== n.dev || st.ino !== n.ino) fail(Errno.NOENT);
    return st;
  }

  /**
   * The handle of the directory holding `n`, for a call that names it there: only while its name
   * still stands for it (ENOENT otherwise). A local kernel may remove or replace the name without
   * telling hostfs (direct host directories, decisions/024), as a host process may.
   */
  private stillNamed(n: HostNode): number {
    if (n.parent === DETACHED) fail(Errno.NOENT);
    const h = this.t.dirHandle(n.parent);
    const st = this.host.lstatAtOrNull(h, n.name);
    if (st === null || st.dev !== n.dev || st.ino !== n.ino) fail(Errno.NOENT);
    return h;
  }

  /** Run `fn` on the regular file's open descriptor, or on one opened for the call. */
  private withFd<T>(id: number, fn: (fd: number) => T): T {
    const n = this.t.get(id);
    if (n.fd >= 0) return fn(n.fd);
    if (n.type === FileType.DIRECTORY) fail(Errno.ISDIR);
    if (n.type === FileType.SYMBOLIC_LINK) fail(Errno.LOOP);
    if (n.type !== FileType.REGULAR_FILE) fail(Errno.NOTSUP);
    const fd = this.t.openFile(n);
    try {
      return fn(fd);
    } finally {
      this.t.closeFile(fd);
    }
  }

  /** Reused by reads up to REUSED_READ_BYTES (FileSystemOps.read: the caller copies the bytes out before its next call). */
  private reused = new Uint8Array(0);

  /** A buffer of `length` bytes to read into: the reused one, grown as needed, or (a larger read) one of its own. */
  private readBuffer(length: number): Uint8Array {
    if (length > REUSED_READ_BYTES) return new Uint8Array(length);
    if (this.reused.length < length) this.reused = new Uint8Array(Math.max(length, 64 * 1024));
    return this.reused.subarray(0, length);
  }

  /** A directory's entries changed through this instance: its kept listing is out of date. */
  private changed(dir: number): void {
    this.listings.delete(dir);
  }

  /**
   * Several components from `dir` (fs `walk`): a walk found before is reused while it still holds
   * (verified-walks.ts), else each component is looked up as `lookup` does.
   */
  walk(dir: number, names: readonly string[]): { found: readonly { node: number; type: number }[]; error: number } {
    const slow = (): { found: { node: number; type: number }[]; error: number } => walkNames(dir, names, (d, name) => this.lookup(d, name));
    if (names.length < 2) return slow();
    const key = VerifiedWalks.key(dir, names);
    const known = this.walks.get(key);
    if (known && this.stillLeadsTo(dir, names, known)) return { found: known, error: 0 };
    const r = slow();
    if (r.error === 0 && r.found.length === names.length) this.walks.set(key, r.found);
    else if (known) this.walks.forget(key);
    return r;
  }

  /**
   * Whether `known`, walked from `dir` before, still holds: every node it names is attached, the
   * path lstat'ed whole reaches the same host object, and the last node still stands for that
   * object under its directory's handle and name. Two host calls, whatever the depth.
   */
  private stillLeadsTo(dir: number, names: readonly string[], known: VerifiedWalk): boolean {
    for (const f of known) {
      const n = this.t.find(f.node);
      if (!n || n.parent === DETACHED) return false;
    }
    const below = this.t.pathOf(dir);
    if (below === null) return false;
    try {
      const last = this.t.get(known[known.length - 1]!.node);
      const whole = this.host.lstat(`${this.root}/${below === '' ? '' : `${below}/`}${names.join('/')}`);
      if (whole.dev !== last.dev || whole.ino !== last.ino) return false;
      const named = this.host.lstatAt(this.t.dirHandle(last.parent), last.name);
      return named.dev === last.dev && named.ino === last.ino && named.type === last.type;
    } catch {
      return false;
    }
  }

  lookup(dir: number, name: string): { node: number; type: number } | number {
    return this.run(() => {
      const st = this.lstatOrNull(this.within(dir, name), name) ?? fail(Errno.NOENT);
      return { node: this.t.bind(dir, name, st).id, type: st.type };
    });
  }

  getattr(id: number) {
    return this.run(() => {
      const st = this.statOf(this.t.get(id));
      const { atim, mtim } = this.exactTimes(id, st);
      return { node: id, ino: st.ino, type: st.type, nlink: st.nlink, size: st.size, atim, mtim, ctim: st.ctimeNs };
    });
  }

  /**
   * An open regular file's descriptor, or an open directory's handle, for a local kernel to reopen
   * (fs-service `open`; docs/decisions/024-direct-host-files.md): only where descriptors name
   * objects, not paths (resolvesAtDirectory), never on a read-only instance (a reopened
   * descriptor is not checked against it), and a directory only where no image is guarded (the
   * guard's names would not be hidden from a local kernel working in it).
   */
  hostFile(id: number): { fd: number; dev: number; ino: number; directory: boolean; times: number } | null {
    const n = this.t.find(id);
    if (n === undefined || this.readOnly || !this.host.resolvesAtDirectory || this.timesMark === undefined) return null;
    const times = this.timesMark.word;
    if (n.fd >= 0) return { fd: n.fd, dev: n.dev, ino: n.ino, directory: false, times };
    if (n.type !== FileType.DIRECTORY || n.dir < 0 || (n.opens === 0 && id !== ROOT_NODE) || !this.guard.empty) return null;
    return { fd: n.dir, dev: n.dev, ino: n.ino, directory: true, times };
  }

  /** The host file node `id` is (device and inode), as the node table knows it: no host call. */
  hostFileId(id: number): { dev: number; ino: number } | null {
    const n = this.t.find(id);
    return n === undefined ? null : { dev: n.dev, ino: n.ino };
  }

  /**
   * The host file node `id` is, with its host mtime now: the page cache's identity of a copy of it
   * (docs/decisions/026-host-write-words.md); null if it is not that file any more. `pin` holds a
   * read-only descriptor of it until the function it returns is called (null: none taken), so
   * that its inode names no other file while local kernels may find its copy by device and inode.
   */
  hostIdentity(id: number): { dev: number; ino: number; mtimeNs: bigint; pin: () => (() => void) | null } | null {
    const n = this.t.find(id);
    if (n === undefined) return null;
    const st = this.run(() => this.statOf(n));
    if (typeof st === 'number' || st.dev !== n.dev || st.ino !== n.ino) return null;
    return { dev: n.dev, ino: n.ino, mtimeNs: st.mtimeNs, pin: () => this.pin(n) };
  }

  /** Hold a read-only descriptor of regular file `n` until the returned function is called (null: none taken). */
  private pin(n: HostNode): (() => void) | null {
    if (n.type !== FileType.REGULAR_FILE) return null;
    let fd: number;
    try {
      fd = this.t.openFile(n, true);
    } catch {
      return null;
    }
    this.pinned.add(fd);
    return () => {
      if (this.pinned.delete(fd)) this.t.closeFile(fd);
    };
  }

  read(id: number, offset: number, length: number): Uint8Array | number {
    if (!Number.isSafeInteger(offset) || offset < 0) return Errno.INVAL;
    return this.run(() => this.withFd(id, (fd) => {
      const buf = this.readBuffer(Math.min(length, MAX_READ));
      return buf.subarray(0, this.host.read(fd, buf, offset));
    }));
  }

  write(id: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number {
    if (this.readOnly) return Errno.ROFS;
    if (!append && (!Number.isSafeInteger(offset) || offset < 0)) return Errno.INVAL;
    return this.run(() => this.withFd(id, (fd) => {
      const at = append ? this.host.fstat(fd).size : offset;
      const written = this.host.write(fd, data, at); // short only when the host ran out of room
      return { written, end: at + written };
    }));
  }

  truncate(id: number, size: number): number {
    if (this.readOnly) return Errno.ROFS;
    if (!Number.isSafeInteger(size) || size < 0) return Errno.INVAL;
    return this.run(() => this.withFd(id, (fd) => {
      this.host.ftruncate(fd, size);
      return Errno.SUCCESS;
    }));
  }

  /** Node 0 (sync(2) of the whole file system): the host writes back on its own schedule. */
  sync(id: number): number {
    if (id === 0) return Errno.SUCCESS;
    return this.run(() => {
      const n = this.t.get(id);
      if (n.type === FileType.DIRECTORY) this.host.fsyncDir(this.t.dirHandle(id));
      else this.withFd(id, (fd) => this.host.fsync(fd));
      return Errno.SUCCESS;
    });
  }

  create(dir: number, name: string, type: number, exclusive: boolean, target: string) {
    if (this.readOnly) return Errno.ROFS;
    if (!isComponent(name)) return Errno.INVAL;
    if (type === FileType.SYMBOLIC_LINK) {
      if (target === '') return Errno.NOENT;
      if (target.includes('\0')) return Errno.INVAL;
    } else if (type !== FileType.REGULAR_FILE && type !== FileType.DIRECTORY) return Errno.INVAL;
    return this.run(() => {
      const h = this.within(dir, name);
      if (type === FileType.REGULAR_FILE) {
        const st = exclusive ? null : this.lstatOrNull(h, name);
        if (st) return st.type === FileType.REGULAR_FILE ? { node: this.t.bind(dir, name, st).id, type, created: 0 } : Errno.EXIST;
        const fd = this.host.openAt(h, name, true, true); // O_EXCL: never opens through a symlink
        let made: HostStat;
        try {
          made = this.host.fstat(fd);
        } finally {
          this.host.close(fd);
        }
        this.changed(dir);
        return { node: this.t.bind(dir, name, made).id, type, created: 1 };
      }
      if (type === FileType.DIRECTORY) this.host.mkdirAt(h, name);
      else {
        const depth = this.t.depth(dir);
        if (depth === null || symlinkLeavesRoot(depth, target)) return Errno.PERM;
        this.host.symlinkAt(target, h, name);
      }
      this.changed(dir);
      return { node: this.t.bind(dir, name, this.host.lstatAt(h, name)).id, type, created: 1 };
    });
  }

  unlink(dir: number, name: string, directory: boolean): number {
    if (this.readOnly) return Errno.ROFS;
    return this.run(() => {
      const h = this.within(dir, name);
      const st = this.lstatIn(h, name);
      const isDir = st.type === FileType.DIRECTORY;
      if (directory && !isDir) return Errno.NOTDIR;
      if (!directory && isDir) return Errno.ISDIR;
      if (isDir && this.guard.pins(st)) return Errno.BUSY;
      if (isDir) this.host.rmdirAt(h, name);
      else this.host.unlinkAt(h, name);
      this.changed(dir);
      this.t.detach(dir, name);
      return Errno.SUCCESS;
    });
  }

  rename(fromDir: number, fromName: string, toDir: number, toName: string): number {
    if (this.readOnly) return Errno.ROFS;
    return this.run(() => {
      const from = this.within(fromDir, fromName);
      const to = this.within(toDir, toName);
      const moving = this.lstatIn(from, fromName);
      const victim = this.lstatOrNull(to, toName);
      if (this.guard.pins(moving) || (victim && this.guard.pins(victim))) return Errno.BUSY;
      this.host.renameAt(from, fromName, to, toName);
      this.changed(fromDir);
      this.changed(toDir);
      // Renaming onto another link of the same file (or onto itself) changes nothing on the host.
      if (this.lstatOrNull(from, fromName)) return Errno.SUCCESS;
      this.t.moved(fromDir, fromName, toDir, toName);
      return Errno.SUCCESS;
    });
  }

  readdir(dir: number, cookie: number, max: number) {
    if (!Number.isSafeInteger(cookie) || cookie < 0) return Errno.INVAL;
    return this.run(() => {
      const h = this.t.dirHandle(dir);
      const names = this.listing(dir, h, cookie);
      const list: (DirEntry & { next: number })[] = [];
      let budget = max;
      for (let i = cookie; i < names.length; i++) {
        const name = names[i]!;
        const size = 21 + encoder.encode(name).length;
        if (size > budget) break;
        budget -= size;
        let type: number = FileType.UNKNOWN;
        let ino = 0;
        try {
          const st = this.host.lstatAt(h, name);
          type = st.type;
          ino = st.ino;
        } catch {
          // Gone since the listing: report it with an unknown type rather than shift the cookies.
        }
        list.push({ node: ino, type, name, next: i + 1 });
      }
      const { bytes, count } = packDirEntries(list, max);
      return { count, next: count > 0 ? list[count - 1]!.next : cookie, entries: bytes };
    });
  }

  /** The sorted names of `dir`: listed afresh at cookie 0, else the listing the client is paging through. */
  private listing(dir: number, handle: number, cookie: number): string[] {
    const kept = cookie > 0 ? this.listings.get(dir) : undefined;
    if (kept) return kept;
    const d = this.t.get(dir);
    const names = this.host.readdirAt(handle).filter((n) => isComponent(n) && !this.guard.hidesName(d, n)).sort();
    this.listings.delete(dir);
    this.listings.set(dir, names);
    for (const key of this.listings.keys()) {
      if (this.listings.size <= LISTINGS) break;
      this.listings.delete(key);
    }
    return names;
  }

  /**
   * Set times. The host may keep them less exactly than asked (Node sets seconds as a double), so
   * the exact values are remembered beside what the host stored; while the host still has those,
   * stat reports the exact ones. Any other change on the host wins.
   */
  setTimes(id: number, atim: bigint, mtim: bigint, flags: number): number {
    if (this.readOnly) return Errno.ROFS;
    if ((flags & FST_ATIM && flags & FST_ATIM_NOW) || (flags & FST_MTIM && flags & FST_MTIM_NOW)) return Errno.INVAL;
    return this.run(() => {
      const n = this.t.get(id);
      const cur = this.exactTimes(id, this.statOf(n));
      const now = this.clock();
      const a = flags & FST_ATIM ? atim : flags & FST_ATIM_NOW ? now : cur.atim;
      const m = flags & FST_MTIM ? mtim : flags & FST_MTIM_NOW ? now : cur.mtim;
      if (n.type === FileType.DIRECTORY) this.host.utimesAt(this.t.dirHandle(id), null, a, m);
      else this.host.utimesAt(this.stillNamed(n), n.name, a, m);
      const stored = this.statOf(n);
      this.setTimesExact.set(id, { atim: a, mtim: m, hostA: stored.atimeNs, hostM: stored.mtimeNs });
      if (stored.atimeNs !== a || stored.mtimeNs !== m) this.timesMark?.mark();
      return Errno.SUCCESS;
    });
  }

  /**
   * The times to report for `id`: each the exact one last set, while the host still holds what it
   * stored for it (reading a file moves its atime but leaves its mtime, and so on).
   */
  private exactTimes(id: number, st: HostStat): { atim: bigint; mtim: bigint } {
    const t = this.setTimesExact.get(id);
    const sameA = t !== undefined && t.hostA === st.atimeNs;
    const sameM = t !== undefined && t.hostM === st.mtimeNs;
    if (t && !sameA && !sameM) this.setTimesExact.delete(id);
    return { atim: sameA ? t!.atim : st.atimeNs, mtim: sameM ? t!.mtim : st.mtimeNs };
  }

  readlink(id: number): string | number {
    return this.run(() => {
      const n = this.t.get(id);
      if (n.type !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
      this.statOf(n);
      return this.host.readlinkAt(this.t.dirHandle(n.parent), n.name);
    });
  }

  link(id: number, dir: number, name: string): number {
    if (this.readOnly) return Errno.ROFS;
    if (!isComponent(name)) return Errno.INVAL;
    return this.run(() => {
      const n = this.t.get(id);
      // Directories cannot be linked. A symlink can be, but only where the host's link() makes a
      // link to the symlink itself: where it follows it, the new name could reach outside the root.
      const type = this.statOf(n).type;
      if (type === FileType.DIRECTORY) return Errno.PERM;
      if (type !== FileType.REGULAR_FILE && (type !== FileType.SYMBOLIC_LINK || this.host.linkFollowsSymlinks)) return Errno.PERM;
      if (n.parent === DETACHED) return Errno.NOENT;
      const to = this.within(dir, name);
      this.host.linkAt(this.stillNamed(n), n.name, to, name);
      this.changed(dir);
      return Errno.SUCCESS;
    });
  }

  open(id: number): number {
    return this.run(() => {
      const n = this.t.get(id);
      if (n.opens === 0 && id !== ROOT_NODE) {
        if (n.type === FileType.SYMBOLIC_LINK) return Errno.LOOP;
        if (n.type === FileType.REGULAR_FILE) n.fd = this.t.openFile(n);
        else if (n.type === FileType.DIRECTORY) this.t.pin(id);
      }
      n.opens++;
      return Errno.SUCCESS;
    });
  }

  close(id: number): number {
    return this.run(() => {
      const n = this.t.find(id);
      if (!n || n.opens === 0 || --n.opens > 0) return Errno.SUCCESS;
      if (n.fd >= 0) this.t.closeFile(n.fd);
      n.fd = -1;
      if (n.parent === DETACHED) this.t.drop(n);
      else this.t.unpin(n);
      return Errno.SUCCESS;
    });
  }
}

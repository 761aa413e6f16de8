/**
 * hostfs: a directory of the host served as a Keel file system, strictly confined to it.
 *
 * Node ROOT_NODE is the host directory `root`. Every other node is named by (parent node, one
 * component) and is given its number the first time lookup, create or readdir meets it; its host
 * path is rebuilt on each use by joining the root with the validated components of its chain.
 * Confinement invariants:
 *   - a host path is only ever `root` joined with single components that are not '', '.', '..'
 *     and hold no '/' or NUL; no path from a client reaches the host in any other form;
 *   - a node used as a directory is lstat'ed and must be a directory (never a symlink), so every
 *     component of a host path was a real directory when the guest walked it;
 *   - no final symlink is followed: lookup/getattr use lstat, open uses O_NOFOLLOW (a symlink is
 *     ELOOP), HostFs.utimes must not follow either (Node: lutimes), only regular files are
 *     hard-linked, and a regular file is only created with O_CREAT|O_EXCL;
 *   - no symlink with an absolute target is created; the VFS resolves relative ones itself.
 * Renames re-parent the moved node, so everything under it follows. Unlink and rmdir forget the
 * name; a node that is open lives on detached (an orphan) and is reached through its host fd
 * until its last close. Guarantees hold against the guest; a host process racing to swap a
 * directory for a symlink is outside them (Node has no openat/O_BENEATH).
 * readdir cookies are indexes into the sorted listing: stable while the directory is unchanged.
 */

import { type FileSystemOps, fileSystemService } from './fs-service.js';
import type { PageCache } from './page-cache.js';
import type { Service } from '../../ipc/call-context.js';
import { Errno, errnoFromCode } from '../../abi/wasi/errno.js';
import { FileType, ROOT_NODE, packDirEntries, type DirEntry } from './fs-protocol.js';
import { type HostFs, HostFsError, type HostStat } from './host-fs-api.js';

export interface HostfsConfig {
  readonly name?: string;
  readonly readOnly?: boolean;
  /** Wall-clock nanoseconds for the *_NOW time flags (default Date.now). */
  readonly clock?: () => bigint;
  /**
   * The first node number after the root's (default 2). A supervisor-restarted instance starts
   * elsewhere (services/registry.ts: a random multiple of 2^32), so a node number a client kept
   * from the previous instance names nothing (ENOENT), never another file.
   */
  readonly firstNode?: number;
}

interface HostNode {
  readonly id: number;
  /** Parent node, or DETACHED for the root and for orphans (unlinked while open). */
  parent: number;
  name: string;
  /** Host descriptor while open (regular files only), else -1. */
  fd: number;
  opens: number;
}

const DETACHED = 0;
const MAX_DEPTH = 4096;
/** Largest read served in one call; shorter reads are always allowed. */
const MAX_READ = 16 << 20;
const FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8;
const encoder = new TextEncoder();

/** An errno raised inside an operation; `run` turns it into the reply. */
class Fail {
  constructor(readonly errno: number) {}
}

function fail(errno: number): never {
  throw new Fail(errno);
}

function validName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

export class Hostfs implements FileSystemOps {
  private readonly nodes = new Map<number, HostNode>();
  /** `${parent}/${name}` → node, for attached nodes. */
  private readonly children = new Map<string, number>();
  private nextId = ROOT_NODE + 1;
  private readonly readOnly: boolean;
  private readonly clock: () => bigint;
  /** Exact times last set per node, with what the host stored for them (see setTimes). */
  private readonly setTimesExact = new Map<number, { atim: bigint; mtim: bigint; hostA: bigint; hostM: bigint }>();

  usage(): { total: number; used: number; readOnly: boolean } {
    try {
      const s = this.host.statfs(this.root);
      return { total: s.total, used: s.total - s.free, readOnly: this.readOnly };
    } catch {
      return { total: 0, used: 0, readOnly: this.readOnly };
    }
  }

  constructor(private readonly host: HostFs, private readonly root: string, config: HostfsConfig = {}) {
    this.readOnly = config.readOnly ?? false;
    this.nextId = config.firstNode ?? ROOT_NODE + 1;
    this.clock = config.clock ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.nodes.set(ROOT_NODE, { id: ROOT_NODE, parent: DETACHED, name: '', fd: -1, opens: 0 });
  }

  /**
   * Run an operation, turning every exception into an errno. Our descriptors are always valid, so
   * a host EBADF means a write through one the host would only open read-only: EACCES.
   */
  private run<T>(fn: () => T): T | number {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Fail) return e.errno;
      if (!(e instanceof HostFsError)) return Errno.IO;
      return e.code === 'EBADF' ? Errno.ACCES : errnoFromCode(e.code);
    }
  }

  /** Host path of an attached node: the root joined with each component of its chain. */
  private pathOf(id: number): string {
    const names: string[] = [];
    let n = this.nodes.get(id);
    while (n && n.id !== ROOT_NODE) {
      if (n.parent === DETACHED || names.length > MAX_DEPTH) fail(Errno.NOENT);
      names.push(n.name);
      n = this.nodes.get(n.parent);
    }
    if (!n) fail(Errno.NOENT);
    let p = this.root;
    for (let i = names.length - 1; i >= 0; i--) p = this.host.join(p, names[i]!);
    return p;
  }

  /** Host path of a node that must be a directory right now (lstat: a symlink is not one). */
  private dirPath(id: number): string {
    const p = this.pathOf(id);
    return this.host.lstat(p).type === FileType.DIRECTORY ? p : fail(Errno.NOTDIR);
  }

  /** Host path of `name` in directory `dir`; '' names nothing, other non-components are malformed. */
  private childPath(dir: number, name: string): string {
    if (!validName(name)) fail(name === '' ? Errno.NOENT : Errno.INVAL);
    return this.host.join(this.dirPath(dir), name);
  }

  private lstatOrNull(p: string): HostStat | null {
    try {
      return this.host.lstat(p);
    } catch (e) {
      if (e instanceof HostFsError && e.code === 'ENOENT') return null;
      throw e;
    }
  }

  private nodeFor(parent: number, name: string): number {
    const key = `${parent}/${name}`;
    let id = this.children.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.nodes.set(id, { id, parent, name, fd: -1, opens: 0 });
      this.children.set(key, id);
    }
    return id;
  }

  /** Forget the name (parent, name): its node becomes an orphan if open, else is dropped. */
  private detach(parent: number, name: string, wasDir: boolean): void {
    const key = `${parent}/${name}`;
    const id = this.children.get(key);
    if (id === undefined) return;
    this.children.delete(key);
    const n = this.nodes.get(id)!;
    n.parent = DETACHED;
    if (n.opens === 0) this.nodes.delete(id);
    if (wasDir) this.forgetChildrenOf(id);
  }

  /** A removed directory was empty on the host, so any names still mapped under it are stale. */
  private forgetChildrenOf(id: number): void {
    const prefix = `${id}/`;
    for (const key of [...this.children.keys()]) {
      if (key.startsWith(prefix)) this.detach(id, key.slice(prefix.length), true);
    }
  }

  /** Run `fn` on the node's open host fd, or on one opened for the call (regular files only). */
  private withFd<T>(id: number, allowDir: boolean, fn: (fd: number) => T): T {
    const n = this.nodes.get(id) ?? fail(Errno.NOENT);
    if (n.fd >= 0) return fn(n.fd);
    const p = this.pathOf(id);
    const type = this.host.lstat(p).type;
    if (type === FileType.DIRECTORY && !allowDir) fail(Errno.ISDIR);
    if (type === FileType.SYMBOLIC_LINK) fail(Errno.LOOP);
    if (type !== FileType.REGULAR_FILE && type !== FileType.DIRECTORY) fail(Errno.NOTSUP);
    const fd = this.host.open(p, false, false);
    try {
      return fn(fd);
    } finally {
      this.closeQuietly(fd);
    }
  }

  private closeQuietly(fd: number): void {
    try {
      this.host.close(fd);
    } catch {
      // The descriptor is gone either way; nothing useful to report.
    }
  }

  lookup(dir: number, name: string): { node: number; type: number } | number {
    return this.run(() => {
      const type = this.host.lstat(this.childPath(dir, name)).type;
      return { node: this.nodeFor(dir, name), type };
    });
  }

  getattr(id: number) {
    return this.run(() => {
      const n = this.nodes.get(id) ?? fail(Errno.NOENT);
      const st = n.fd >= 0 ? this.host.fstat(n.fd) : this.host.lstat(this.pathOf(id));
      const { atim, mtim } = this.exactTimes(id, st);
      return { node: id, ino: st.ino, type: st.type, nlink: st.nlink, size: st.size, atim, mtim, ctim: st.ctimeNs };
    });
  }

  read(id: number, offset: number, length: number): Uint8Array | number {
    if (!Number.isSafeInteger(offset) || offset < 0) return Errno.INVAL;
    return this.run(() => this.withFd(id, false, (fd) => {
      const buf = new Uint8Array(Math.min(length, MAX_READ));
      return buf.subarray(0, this.host.read(fd, buf, offset));
    }));
  }

  write(id: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number {
    if (this.readOnly) return Errno.ROFS;
    if (!append && (!Number.isSafeInteger(offset) || offset < 0)) return Errno.INVAL;
    return this.run(() => this.withFd(id, false, (fd) => {
      const at = append ? this.host.fstat(fd).size : offset;
      const written = this.host.write(fd, data, at); // short only when the host ran out of room
      return { written, end: at + written };
    }));
  }

  truncate(id: number, size: number): number {
    if (this.readOnly) return Errno.ROFS;
    if (!Number.isSafeInteger(size) || size < 0) return Errno.INVAL;
    return this.run(() => this.withFd(id, false, (fd) => {
      this.host.ftruncate(fd, size);
      return Errno.SUCCESS;
    }));
  }

  /** Node 0 (sync(2) of the whole file system): the host writes back on its own schedule. */
  sync(id: number): number {
    if (id === 0) return Errno.SUCCESS;
    return this.run(() => this.withFd(id, true, (fd) => {
      this.host.fsync(fd);
      return Errno.SUCCESS;
    }));
  }

  create(dir: number, name: string, type: number, exclusive: boolean, target: string) {
    if (this.readOnly) return Errno.ROFS;
    if (!validName(name)) return Errno.INVAL;
    if (type === FileType.SYMBOLIC_LINK) {
      if (target === '') return Errno.NOENT;
      if (target.startsWith('/')) return Errno.PERM;
      if (target.includes('\0')) return Errno.INVAL;
    } else if (type !== FileType.REGULAR_FILE && type !== FileType.DIRECTORY) return Errno.INVAL;
    return this.run(() => {
      const p = this.childPath(dir, name);
      if (type === FileType.REGULAR_FILE) {
        const st = exclusive ? null : this.lstatOrNull(p);
        if (st) return st.type === FileType.REGULAR_FILE ? { node: this.nodeFor(dir, name), type, created: 0 } : Errno.EXIST;
        this.closeQuietly(this.host.open(p, true, true)); // O_EXCL: never opens through a symlink
      } else if (type === FileType.DIRECTORY) this.host.mkdir(p);
      else this.host.symlink(target, p);
      return { node: this.nodeFor(dir, name), type, created: 1 };
    });
  }

  unlink(dir: number, name: string, directory: boolean): number {
    if (this.readOnly) return Errno.ROFS;
    return this.run(() => {
      const p = this.childPath(dir, name);
      const isDir = this.host.lstat(p).type === FileType.DIRECTORY;
      if (directory && !isDir) return Errno.NOTDIR;
      if (!directory && isDir) return Errno.ISDIR;
      if (isDir) this.host.rmdir(p);
      else this.host.unlink(p);
      this.detach(dir, name, isDir);
      return Errno.SUCCESS;
    });
  }

  rename(fromDir: number, fromName: string, toDir: number, toName: string): number {
    if (this.readOnly) return Errno.ROFS;
    return this.run(() => {
      const from = this.childPath(fromDir, fromName);
      const to = this.childPath(toDir, toName);
      const victim = this.lstatOrNull(to);
      this.host.rename(from, to);
      // Renaming onto another link of the same file (or onto itself) changes nothing on the host.
      if (this.lstatOrNull(from)) return Errno.SUCCESS;
      this.detach(toDir, toName, victim?.type === FileType.DIRECTORY);
      const fromKey = `${fromDir}/${fromName}`;
      const id = this.children.get(fromKey);
      if (id !== undefined) {
        this.children.delete(fromKey);
        const n = this.nodes.get(id)!;
        n.parent = toDir;
        n.name = toName;
        this.children.set(`${toDir}/${toName}`, id);
      }
      return Errno.SUCCESS;
    });
  }

  readdir(dir: number, cookie: number, max: number) {
    if (!Number.isSafeInteger(cookie) || cookie < 0) return Errno.INVAL;
    return this.run(() => {
      const p = this.dirPath(dir);
      const names = this.host.readdir(p).filter(validName).sort();
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
          const st = this.host.lstat(this.host.join(p, name));
          type = st.type;
          ino = st.ino;
        } catch {
          // Gone since the listing: report it with an unknown type rather than shift the cookies.
        }
        this.nodeFor(dir, name);
        list.push({ node: ino, type, name, next: i + 1 });
      }
      const { bytes, count } = packDirEntries(list, max);
      return { count, next: count > 0 ? list[count - 1]!.next : cookie, entries: bytes };
    });
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
      const p = this.pathOf(id);
      const cur = this.exactTimes(id, this.host.lstat(p));
      const now = this.clock();
      const a = flags & FST_ATIM ? atim : flags & FST_ATIM_NOW ? now : cur.atim;
      const m = flags & FST_MTIM ? mtim : flags & FST_MTIM_NOW ? now : cur.mtim;
      this.host.utimes(p, a, m);
      const stored = this.host.lstat(p);
      this.setTimesExact.set(id, { atim: a, mtim: m, hostA: stored.atimeNs, hostM: stored.mtimeNs });
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
    return this.run(() => this.host.readlink(this.pathOf(id)));
  }

  link(id: number, dir: number, name: string): number {
    if (this.readOnly) return Errno.ROFS;
    if (!validName(name)) return Errno.INVAL;
    return this.run(() => {
      const src = this.pathOf(id);
      // Directories cannot be linked. A symlink can be, but only where the host's link() makes a
      // link to the symlink itself: where it follows it, the new name could reach outside the root.
      const type = this.host.lstat(src).type;
      if (type === FileType.DIRECTORY) return Errno.PERM;
      if (type !== FileType.REGULAR_FILE && (type !== FileType.SYMBOLIC_LINK || this.host.linkFollowsSymlinks)) return Errno.PERM;
      this.host.link(src, this.childPath(dir, name));
      return Errno.SUCCESS;
    });
  }

  open(id: number): number {
    return this.run(() => {
      const n = this.nodes.get(id) ?? fail(Errno.NOENT);
      if (n.opens === 0) {
        const p = this.pathOf(id);
        const type = this.host.lstat(p).type;
        if (type === FileType.SYMBOLIC_LINK) return Errno.LOOP;
        if (type === FileType.REGULAR_FILE) n.fd = this.host.open(p, false, false);
      }
      n.opens++;
      return Errno.SUCCESS;
    });
  }

  close(id: number): number {
    const n = this.nodes.get(id);
    if (!n || n.opens === 0) return Errno.SUCCESS;
    if (--n.opens > 0) return Errno.SUCCESS;
    if (n.fd >= 0) this.closeQuietly(n.fd);
    n.fd = -1;
    if (n.parent === DETACHED && id !== ROOT_NODE) this.nodes.delete(id);
    return Errno.SUCCESS;
  }
}

/** hostfs as a service speaking fsProtocol, serving the host directory `root`. */
export function hostfsService(host: HostFs, root: string, config: HostfsConfig = {}, cache: PageCache | null = null): Service {
  return fileSystemService(new Hostfs(host, root, config), config.name ?? 'hostfs', 'hostfs', cache);
}

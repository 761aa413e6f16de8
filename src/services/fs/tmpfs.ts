/**
 * tmpfs: a file system in the memory of the thread that runs it.
 *
 * Nodes are numbered from ROOT_NODE; directories keep their entries in insertion order with a
 * sequence number per entry, so a readdir cookie (the sequence number to resume from) stays valid
 * while other entries are added or removed. A node lives while it has a link or an open user.
 * File data grows by doubling; the total is bounded by `maxBytes` (ENOSPC beyond it).
 */

import { type FileSystemOps, fileSystemService } from './fs-service.js';
import type { PageCache } from './page-cache.js';
import type { Service } from '../../ipc/call-context.js';
import { Errno } from '../../abi/wasi/errno.js';
import { FileType, ROOT_NODE, packDirEntries } from './fs-protocol.js';

interface TmpNode {
  readonly id: number;
  readonly type: number;
  data: Uint8Array;
  size: number;
  readonly entries: Map<string, { node: number; seq: number }> | null;
  nextSeq: number;
  target: string;
  nlink: number;
  opens: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface TmpfsConfig {
  readonly maxBytes?: number;
  readonly name?: string;
  /** Initial contents (an initramfs): directories, and files by absolute path with their text. */
  readonly dirs?: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
  /**
   * The first node number after the root's (default 2). A supervisor-restarted instance starts
   * elsewhere (services/registry.ts: a random multiple of 2^32), so a node number a client kept
   * from the previous instance names nothing (ENOENT), never another file.
   */
  readonly firstNode?: number;
}

const FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8;
const NAME_MAX = 255;

export class Tmpfs implements FileSystemOps {
  private readonly nodes = new Map<number, TmpNode>();
  private nextId = ROOT_NODE;
  private usedBytes = 0;
  readonly maxBytes: number;

  constructor(private readonly clock: () => bigint, config: TmpfsConfig = {}) {
    this.maxBytes = config.maxBytes ?? 1 << 30;
    this.make(FileType.DIRECTORY, '');
    this.nextId = config.firstNode ?? ROOT_NODE + 1;
    for (const d of config.dirs ?? []) this.makePath(d, null);
    for (const [path, text] of Object.entries(config.files ?? {})) this.makePath(path, new TextEncoder().encode(text));
  }

  /** Create `path` (its missing parents as directories): a directory, or a file holding `data`. */
  private makePath(path: string, data: Uint8Array | null): void {
    const parts = path.split('/').filter((p) => p !== '');
    let dir = ROOT_NODE;
    for (const [i, name] of parts.entries()) {
      const last = i === parts.length - 1;
      const found = this.lookup(dir, name);
      if (typeof found !== 'number') {
        dir = found.node;
        continue;
      }
      const made = this.create(dir, name, last && data ? FileType.REGULAR_FILE : FileType.DIRECTORY, false, '');
      if (typeof made === 'number') throw new Error(`tmpfs: cannot create ${path}: errno ${made}`);
      dir = made.node;
      if (last && data) this.write(dir, 0, data, false);
    }
  }

  private make(type: number, target: string): TmpNode {
    const now = this.clock();
    const node: TmpNode = {
      id: this.nextId++, type, data: new Uint8Array(0), size: 0,
      entries: type === FileType.DIRECTORY ? new Map() : null, nextSeq: 0,
      target, nlink: type === FileType.DIRECTORY ? 2 : 1, opens: 0, atim: now, mtim: now, ctim: now,
    };
    this.nodes.set(node.id, node);
    return node;
  }

  private node(id: number): TmpNode | number {
    return this.nodes.get(id) ?? Errno.NOENT;
  }

  private dir(id: number): TmpNode | number {
    const n = this.nodes.get(id);
    if (!n) return Errno.NOENT;
    return n.entries ? n : Errno.NOTDIR;
  }

  usage(): { total: number; used: number; readOnly: boolean } {
    return { total: this.maxBytes, used: this.usedBytes, readOnly: false };
  }

  private maybeFree(n: TmpNode): void {
    if (n.nlink <= 0 && n.opens <= 0 && n.id !== ROOT_NODE) {
      this.usedBytes -= n.data.length;
      this.nodes.delete(n.id);
    }
  }

  lookup(dirId: number, name: string): { node: number; type: number } | number {
    const d = this.dir(dirId);
    if (typeof d === 'number') return d;
    const e = d.entries!.get(name);
    if (!e) return Errno.NOENT;
    return { node: e.node, type: this.nodes.get(e.node)!.type };
  }

  getattr(id: number) {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    return { node: n.id, ino: n.id, type: n.type, nlink: n.nlink, size: n.type === FileType.SYMBOLIC_LINK ? n.target.length : n.size, atim: n.atim, mtim: n.mtim, ctim: n.ctim };
  }

  read(id: number, offset: number, length: number): Uint8Array | number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.ISDIR;
    if (offset >= n.size) return new Uint8Array(0);
    return n.data.subarray(offset, Math.min(n.size, offset + length));
  }

  private reserve(n: TmpNode, end: number): number {
    if (end <= n.data.length) return Errno.SUCCESS;
    let cap = Math.max(64, n.data.length);
    while (cap < end) cap *= 2;
    const grow = cap - n.data.length;
    if (this.usedBytes + grow > this.maxBytes) {
      cap = end;
      if (this.usedBytes + (cap - n.data.length) > this.maxBytes) return Errno.NOSPC;
    }
    const next = new Uint8Array(cap);
    next.set(n.data.subarray(0, n.size));
    this.usedBytes += cap - n.data.length;
    n.data = next;
    return Errno.SUCCESS;
  }

  write(id: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.ISDIR;
    const at = append ? n.size : offset;
    if (!Number.isSafeInteger(at) || at < 0) return Errno.INVAL;
    const end = at + data.length;
    const e = this.reserve(n, end);
    if (e !== Errno.SUCCESS) return e;
    if (at > n.size) n.data.fill(0, n.size, at);
    n.data.set(data, at);
    if (end > n.size) n.size = end;
    n.mtim = n.ctim = this.clock();
    return { written: data.length, end };
  }

  truncate(id: number, size: number): number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.ISDIR;
    if (!Number.isSafeInteger(size) || size < 0) return Errno.INVAL;
    if (size > n.size) {
      const e = this.reserve(n, size);
      if (e) return e;
      n.data.fill(0, n.size, size);
    }
    n.size = size;
    n.mtim = n.ctim = this.clock();
    return Errno.SUCCESS;
  }

  create(dirId: number, name: string, type: number, exclusive: boolean, target: string) {
    const d = this.dir(dirId);
    if (typeof d === 'number') return d;
    if (name.length === 0 || name.length > NAME_MAX || name.includes('/') || name === '.' || name === '..') return Errno.INVAL;
    const existing = d.entries!.get(name);
    if (existing) {
      if (exclusive || type !== FileType.REGULAR_FILE) return Errno.EXIST;
      return { node: existing.node, type: this.nodes.get(existing.node)!.type, created: 0 };
    }
    if (type !== FileType.REGULAR_FILE && type !== FileType.DIRECTORY && type !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
    const n = this.make(type, target);
    d.entries!.set(name, { node: n.id, seq: d.nextSeq++ });
    if (type === FileType.DIRECTORY) d.nlink++;
    d.mtim = d.ctim = this.clock();
    return { node: n.id, type, created: 1 };
  }

  unlink(dirId: number, name: string, directory: boolean): number {
    const d = this.dir(dirId);
    if (typeof d === 'number') return d;
    const e = d.entries!.get(name);
    if (!e) return Errno.NOENT;
    const n = this.nodes.get(e.node)!;
    if (directory) {
      if (!n.entries) return Errno.NOTDIR;
      if (n.entries.size > 0) return Errno.NOTEMPTY;
      d.nlink--;
      n.nlink = 0;
    } else {
      if (n.entries) return Errno.ISDIR;
      n.nlink--;
    }
    d.entries!.delete(name);
    d.mtim = d.ctim = this.clock();
    this.maybeFree(n);
    return Errno.SUCCESS;
  }

  /** True if `ancestor` is `id` or contains it (walks up through the parent links we can find). */
  private contains(ancestor: number, id: number): boolean {
    if (ancestor === id) return true;
    const a = this.nodes.get(ancestor);
    if (!a?.entries) return false;
    for (const e of a.entries.values()) {
      const child = this.nodes.get(e.node);
      if (child?.entries && this.contains(e.node, id)) return true;
    }
    return false;
  }

  rename(fromDir: number, fromName: string, toDir: number, toName: string): number {
    const fd = this.dir(fromDir);
    if (typeof fd === 'number') return fd;
    const td = this.dir(toDir);
    if (typeof td === 'number') return td;
    const src = fd.entries!.get(fromName);
    if (!src) return Errno.NOENT;
    if (toName.length === 0 || toName.length > NAME_MAX || toName.includes('/') || toName === '.' || toName === '..') return Errno.INVAL;
    const moving = this.nodes.get(src.node)!;
    if (moving.entries && this.contains(src.node, toDir)) return Errno.INVAL;
    const dst = td.entries!.get(toName);
    if (dst) {
      if (dst.node === src.node) return Errno.SUCCESS;
      const victim = this.nodes.get(dst.node)!;
      if (moving.entries && !victim.entries) return Errno.NOTDIR;
      if (!moving.entries && victim.entries) return Errno.ISDIR;
      if (victim.entries && victim.entries.size > 0) return Errno.NOTEMPTY;
      td.entries!.delete(toName);
      if (victim.entries) {
        td.nlink--;
        victim.nlink = 0;
      } else victim.nlink--;
      this.maybeFree(victim);
    }
    fd.entries!.delete(fromName);
    td.entries!.set(toName, { node: src.node, seq: td.nextSeq++ });
    if (moving.entries && fd !== td) {
      fd.nlink--;
      td.nlink++;
    }
    fd.mtim = fd.ctim = td.mtim = td.ctim = moving.ctim = this.clock();
    return Errno.SUCCESS;
  }

  readdir(dirId: number, cookie: number, max: number) {
    const d = this.dir(dirId);
    if (typeof d === 'number') return d;
    const list: { node: number; type: number; name: string; next: number }[] = [];
    // Collect no more than can fit: a packed entry takes at least 21 bytes plus one per UTF-16
    // unit of its name (UTF-8 never takes fewer), so stopping past `max` by that count is safe.
    let estimate = 0;
    for (const [name, e] of d.entries!) {
      if (e.seq < cookie) continue;
      list.push({ node: e.node, type: this.nodes.get(e.node)!.type, name, next: e.seq + 1 });
      estimate += 21 + name.length;
      if (estimate > max) break;
    }
    const { bytes, count } = packDirEntries(list, max);
    return { count, next: count > 0 ? list[count - 1]!.next : cookie, entries: bytes };
  }

  setTimes(id: number, atim: bigint, mtim: bigint, flags: number): number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if ((flags & FST_ATIM && flags & FST_ATIM_NOW) || (flags & FST_MTIM && flags & FST_MTIM_NOW)) return Errno.INVAL;
    const now = this.clock();
    if (flags & FST_ATIM) n.atim = atim;
    if (flags & FST_ATIM_NOW) n.atim = now;
    if (flags & FST_MTIM) n.mtim = mtim;
    if (flags & FST_MTIM_NOW) n.mtim = now;
    n.ctim = now;
    return Errno.SUCCESS;
  }

  readlink(id: number): string | number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    return n.type === FileType.SYMBOLIC_LINK ? n.target : Errno.INVAL;
  }

  link(id: number, dirId: number, name: string): number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.PERM;
    const d = this.dir(dirId);
    if (typeof d === 'number') return d;
    if (d.entries!.has(name)) return Errno.EXIST;
    if (name.length === 0 || name.length > NAME_MAX || name.includes('/') || name === '.' || name === '..') return Errno.INVAL;
    d.entries!.set(name, { node: id, seq: d.nextSeq++ });
    n.nlink++;
    n.ctim = d.mtim = d.ctim = this.clock();
    return Errno.SUCCESS;
  }

  open(id: number): number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    n.opens++;
    return Errno.SUCCESS;
  }

  /** Memory has nothing to flush. */
  sync(id: number): number {
    return id === 0 || this.nodes.has(id) ? Errno.SUCCESS : Errno.NOENT;
  }

  close(id: number): number {
    const n = this.nodes.get(id);
    if (!n) return Errno.SUCCESS;
    n.opens = Math.max(0, n.opens - 1);
    this.maybeFree(n);
    return Errno.SUCCESS;
  }
}

/** tmpfs as a service speaking fsProtocol. */
export function tmpfsService(clock: () => bigint, config: TmpfsConfig = {}, cache: PageCache | null = null): Service {
  return fileSystemService(new Tmpfs(clock, config), config.name ?? 'tmpfs', 'tmpfs', cache);
}

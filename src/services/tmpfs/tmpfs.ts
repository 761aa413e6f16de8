/**
 * tmpfs: a file system in the memory of the thread that runs it.
 *
 * Nodes are numbered from ROOT_NODE; directories keep their entries in insertion order with a
 * sequence number per entry, so a readdir cookie (the sequence number to resume from) stays valid
 * while other entries are added or removed. A node lives while it has a link or an open user.
 * File data is kept in pages (tmpfs-data.ts).
 *
 * Invariants:
 *   - everything kept is charged to `space` (tmpfs-space.ts) before it is made — nodes, entries
 *     with their names, symlink targets, file pages — and given back when it goes; a call that
 *     cannot be charged fails with ENOSPC and changes nothing;
 *   - a directory knows its parent and its name there (directories have exactly one link), so
 *     its depth and path length are a walk up, and a rename into its own subtree is seen by one;
 *   - no directory is deeper than MAX_DEPTH levels below the root or has a path (from the root,
 *     '/' + name a level, in UTF-16 units) longer than MAX_DIR_PATH: creating or moving one there
 *     is ENAMETOOLONG. So every path in a tmpfs is at most MAX_DIR_PATH + 1 + NAME_MAX = 3840
 *     units, which leaves 256 for the mount point under the VFS's PATH_MAX (4096): whatever can be
 *     made can be reached by path, and so removed by `rm -r`;
 *   - nothing is made in a removed directory (ENOENT), so no node outlives its last path.
 */

import type { FileSystemOps } from '../fs/fs-service.js';
import { Errno } from '../../abi/errno.js';
import { FileType, ROOT_NODE, packDirEntries } from '../../abi/protocols/fs.js';
import { FileData, MAX_FILE_BYTES } from './tmpfs-data.js';
import {
  DEFAULT_MAX_BYTES, DEFAULT_MAX_METADATA_BYTES, DIRECTORY_BYTES, INODE_BYTES, TmpfsSpace, entryBytes, stringBytes,
} from './tmpfs-space.js';

interface Entry {
  readonly node: number;
  readonly seq: number;
}

interface TmpNode {
  readonly id: number;
  readonly type: number;
  /** Regular files only. */
  readonly data: FileData | null;
  /** Directories only. */
  readonly entries: Map<string, Entry> | null;
  /** Directories: the directory holding this one and its name there (null: the root, or removed). */
  parent: TmpNode | null;
  name: string;
  nextSeq: number;
  readonly target: string;
  nlink: number;
  opens: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface TmpfsConfig {
  /** Bytes the file system may hold in all: data, and every node, name and target (default 1 GiB). */
  readonly maxBytes?: number;
  /** Of those, bytes of everything but file data (default 64 MiB; never more than maxBytes). */
  readonly maxMetadataBytes?: number;
  readonly name?: string;
  /** Initial contents (an initramfs): directories, and files by absolute path with their text. */
  readonly dirs?: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
  /**
   * The first node number after the root's (default 2). A supervisor-restarted instance starts
   * elsewhere (services/kinds.ts: a random multiple of 2^32), so a node number a client kept
   * from the previous instance names nothing (ENOENT), never another file.
   */
  readonly firstNode?: number;
}

/** One node as an image holds it (tmpfs-image: what a kept log re-attaches). */
export interface NodeImage {
  readonly id: number;
  readonly type: number;
  readonly nlink: number;
  readonly nextSeq: number;
  readonly target: string;
  readonly atim: bigint;
  readonly mtim: bigint;
  readonly ctim: bigint;
  /** Regular files: the length and the buffers by page index. */
  readonly size: number;
  readonly pages: readonly (readonly [number, Uint8Array])[];
}

/** One directory entry as an image holds it. */
export interface EntryImage {
  readonly dir: number;
  readonly name: string;
  readonly node: number;
  readonly seq: number;
}

/** A whole tree: every node a path reaches, every entry in each directory's order, the next node number. */
export interface TmpfsImage {
  readonly nextId: number;
  readonly nodes: readonly NodeImage[];
  readonly entries: readonly EntryImage[];
}

const FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8;
const NAME_MAX = 255;
/** Longest symlink target, in UTF-16 units (Linux: PATH_MAX less the NUL; ENAMETOOLONG past it). */
export const SYMLINK_MAX = 4095;
/** Deepest directory, in levels below the root. */
export const MAX_DEPTH = 256;
/** Longest path of a directory from the root, in UTF-16 units. */
export const MAX_DIR_PATH = 3584;

function badName(name: string): boolean {
  return name.length === 0 || name.length > NAME_MAX || name.includes('/') || name === '.' || name === '..';
}

/** What a node costs, besides its entries and its file data. */
function nodeBytes(type: number, target: string): number {
  return INODE_BYTES + (type === FileType.DIRECTORY ? DIRECTORY_BYTES : 0) + (type === FileType.SYMBOLIC_LINK ? stringBytes(target) : 0);
}

export class Tmpfs implements FileSystemOps {
  private readonly nodes = new Map<number, TmpNode>();
  private nextId = ROOT_NODE;
  readonly space: TmpfsSpace;

  /** `image`: the tree to hold instead of a new one made from `config` (a kept log's, re-attached). */
  constructor(private readonly clock: () => bigint, config: TmpfsConfig = {}, image?: TmpfsImage) {
    const maxBytes = config.maxBytes ?? DEFAULT_MAX_BYTES;
    this.space = new TmpfsSpace(maxBytes, Math.min(maxBytes, config.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES));
    if (image) {
      this.load(image);
      return;
    }
    if (!this.space.take(nodeBytes(FileType.DIRECTORY, ''))) throw new Error(`tmpfs: ${maxBytes} bytes cannot hold even the root directory`);
    this.make(FileType.DIRECTORY, '');
    this.nextId = config.firstNode ?? ROOT_NODE + 1;
    for (const d of config.dirs ?? []) this.makePath(d, null);
    for (const [path, text] of Object.entries(config.files ?? {})) this.makePath(path, new TextEncoder().encode(text));
  }

  get maxBytes(): number {
    return this.space.maxBytes;
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
      if (last && data) {
        const w = this.write(dir, 0, data, false);
        if (typeof w === 'number') throw new Error(`tmpfs: cannot write ${path}: errno ${w}`);
      }
    }
  }

  /**
   * Hold `image`'s tree, charged as a tree made call by call would be; throws if it is not whole
   * or does not fit. The files' page buffers are borrowed, not copied (`ownPages` copies them).
   */
  private load(image: TmpfsImage): void {
    for (const n of image.nodes) {
      this.nodes.set(n.id, {
        id: n.id, type: n.type,
        data: n.type === FileType.REGULAR_FILE ? FileData.fromPages(n.size, n.pages) : null,
        entries: n.type === FileType.DIRECTORY ? new Map() : null,
        parent: null, name: '', nextSeq: n.nextSeq, target: n.target, nlink: n.nlink, opens: 0, atim: n.atim, mtim: n.mtim, ctim: n.ctim,
      });
    }
    for (const e of image.entries) {
      const d = this.nodes.get(e.dir), child = this.nodes.get(e.node);
      if (!d?.entries || !child) throw new Error(`tmpfs image: entry ${e.name} of ${e.dir} names a missing node`);
      d.entries.set(e.name, { node: e.node, seq: e.seq });
      if (child.entries) {
        child.parent = d;
        child.name = e.name;
      }
    }
    if (!this.nodes.get(ROOT_NODE)?.entries) throw new Error('tmpfs image: no root directory');
    this.nextId = image.nextId;
    const c = this.recount();
    if (!this.space.take(c.metadata, c.used - c.metadata)) throw new Error(`tmpfs image: ${c.used} bytes do not fit in ${this.space.maxBytes}`);
  }

  /** Copy every file page still borrowed from an image into the file's own memory (before that memory is reused). */
  ownPages(): void {
    for (const n of this.nodes.values()) n.data?.ownAll();
  }

  /** The number the next node made will get. */
  get nextNode(): number {
    return this.nextId;
  }

  /** The tree as an image (what `load` takes): nodes no path reaches — removed, open only — are left out. */
  image(node: (n: NodeImage) => void, entry: (e: EntryImage) => void): void {
    const reached = (n: TmpNode): boolean => n.id === ROOT_NODE || n.nlink > 0;
    for (const n of this.nodes.values()) {
      if (!reached(n)) continue;
      node({
        id: n.id, type: n.type, nlink: n.nlink, nextSeq: n.nextSeq, target: n.target, atim: n.atim, mtim: n.mtim, ctim: n.ctim,
        size: n.data?.size ?? 0, pages: n.data?.pageList() ?? [],
      });
    }
    for (const d of this.nodes.values()) {
      if (!d.entries || !reached(d)) continue;
      for (const [name, e] of d.entries) entry({ dir: d.id, name, node: e.node, seq: e.seq });
    }
  }

  /** A new node (its cost already charged). */
  private make(type: number, target: string): TmpNode {
    const now = this.clock();
    const node: TmpNode = {
      id: this.nextId++, type,
      data: type === FileType.REGULAR_FILE ? new FileData() : null,
      entries: type === FileType.DIRECTORY ? new Map() : null,
      parent: null, name: '', nextSeq: 0,
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

  /** A directory that may gain entries: not one already removed (ENOENT, as Linux). */
  private liveDir(id: number): TmpNode | number {
    const d = this.dir(id);
    return typeof d !== 'number' && d.nlink === 0 ? Errno.NOENT : d;
  }

  usage(): { total: number; used: number; readOnly: boolean } {
    return { total: this.space.maxBytes, used: this.space.used, readOnly: false };
  }

  private maybeFree(n: TmpNode): void {
    if (n.nlink <= 0 && n.opens <= 0 && n.id !== ROOT_NODE) {
      n.data?.release(this.space);
      this.space.give(nodeBytes(n.type, n.target));
      this.nodes.delete(n.id);
    }
  }

  /** How many levels below the root directory `d` is, and the length of its path from the root. */
  private placeOf(d: TmpNode): { depth: number; length: number } {
    let depth = 0, length = 0;
    for (let n = d; n.parent; n = n.parent) {
      depth++;
      length += n.name.length + 1;
    }
    return { depth, length };
  }

  /** True if `ancestor` is `d` or holds it, at any depth. */
  private holds(ancestor: TmpNode, d: TmpNode): boolean {
    for (let n: TmpNode | null = d; n; n = n.parent) if (n === ancestor) return true;
    return false;
  }

  /**
   * True if no directory below `d` is more than `depth` levels below it or has a path from it
   * longer than `length` (a walk of the directories under `d`, stopping at the first too far).
   */
  private subtreeWithin(d: TmpNode, depth: number, length: number): boolean {
    const stack: [TmpNode, number, number][] = [[d, 0, 0]];
    for (let top = stack.pop(); top; top = stack.pop()) {
      const [dir, dd, dl] = top;
      if (dir.nlink <= 2) continue; // no subdirectories
      for (const [name, e] of dir.entries!) {
        const child = this.nodes.get(e.node)!;
        if (!child.entries) continue;
        const cd = dd + 1, cl = dl + name.length + 1;
        if (cd > depth || cl > length) return false;
        stack.push([child, cd, cl]);
      }
    }
    return true;
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
    const size = n.data ? n.data.size : n.type === FileType.SYMBOLIC_LINK ? n.target.length : 0;
    return { node: n.id, ino: n.id, type: n.type, nlink: n.nlink, size, atim: n.atim, mtim: n.mtim, ctim: n.ctim };
  }

  read(id: number, offset: number, length: number): Uint8Array | number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.ISDIR;
    if (!Number.isSafeInteger(offset) || offset < 0) return Errno.INVAL;
    return n.data ? n.data.read(offset, length) : new Uint8Array(0);
  }

  write(id: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.ISDIR;
    if (!n.data) return Errno.INVAL;
    const at = append ? n.data.size : offset;
    if (!Number.isSafeInteger(at) || at < 0) return Errno.INVAL;
    const e = n.data.write(at, data, this.space);
    if (e !== Errno.SUCCESS) return e;
    n.mtim = n.ctim = this.clock();
    return { written: data.length, end: at + data.length };
  }

  truncate(id: number, size: number): number {
    const n = this.node(id);
    if (typeof n === 'number') return n;
    if (n.entries) return Errno.ISDIR;
    if (!n.data) return Errno.INVAL;
    if (!Number.isSafeInteger(size) || size < 0) return Errno.INVAL;
    if (size > MAX_FILE_BYTES) return Errno.FBIG;
    n.data.truncate(size, this.space);
    n.mtim = n.ctim = this.clock();
    return Errno.SUCCESS;
  }

  create(dirId: number, name: string, type: number, exclusive: boolean, target: string) {
    const d = this.liveDir(dirId);
    if (typeof d === 'number') return d;
    if (badName(name)) return Errno.INVAL;
    const existing = d.entries!.get(name);
    if (existing) {
      if (exclusive || type !== FileType.REGULAR_FILE) return Errno.EXIST;
      return { node: existing.node, type: this.nodes.get(existing.node)!.type, created: 0 };
    }
    if (type !== FileType.REGULAR_FILE && type !== FileType.DIRECTORY && type !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
    if (type === FileType.SYMBOLIC_LINK && target.length > SYMLINK_MAX) return Errno.NAMETOOLONG;
    if (type === FileType.DIRECTORY) {
      const at = this.placeOf(d);
      if (at.depth + 1 > MAX_DEPTH || at.length + 1 + name.length > MAX_DIR_PATH) return Errno.NAMETOOLONG;
    }
    const kept = type === FileType.SYMBOLIC_LINK ? target : '';
    if (!this.space.take(nodeBytes(type, kept) + entryBytes(name))) return Errno.NOSPC;
    const n = this.make(type, kept);
    d.entries!.set(name, { node: n.id, seq: d.nextSeq++ });
    if (type === FileType.DIRECTORY) {
      d.nlink++;
      n.parent = d;
      n.name = name;
    }
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
      n.parent = null;
    } else {
      if (n.entries) return Errno.ISDIR;
      n.nlink--;
    }
    d.entries!.delete(name);
    this.space.give(entryBytes(name));
    d.mtim = d.ctim = this.clock();
    this.maybeFree(n);
    return Errno.SUCCESS;
  }

  rename(fromDir: number, fromName: string, toDir: number, toName: string): number {
    const fd = this.dir(fromDir);
    if (typeof fd === 'number') return fd;
    const td = this.liveDir(toDir);
    if (typeof td === 'number') return td;
    const src = fd.entries!.get(fromName);
    if (!src) return Errno.NOENT;
    if (badName(toName)) return Errno.INVAL;
    const moving = this.nodes.get(src.node)!;
    if (moving.entries && this.holds(moving, td)) return Errno.INVAL;
    const dst = td.entries!.get(toName);
    let victim: TmpNode | null = null;
    if (dst) {
      if (dst.node === src.node) return Errno.SUCCESS;
      victim = this.nodes.get(dst.node)!;
      if (moving.entries && !victim.entries) return Errno.NOTDIR;
      if (!moving.entries && victim.entries) return Errno.ISDIR;
      if (victim.entries && victim.entries.size > 0) return Errno.NOTEMPTY;
    }
    if (moving.entries) {
      // The directory and everything under it must stay within the depth and path limits.
      const was = this.placeOf(moving);
      const to = this.placeOf(td);
      const depth = to.depth + 1, length = to.length + 1 + toName.length;
      if (depth > MAX_DEPTH || length > MAX_DIR_PATH) return Errno.NAMETOOLONG;
      if ((depth > was.depth || length > was.length) && !this.subtreeWithin(moving, MAX_DEPTH - depth, MAX_DIR_PATH - length)) return Errno.NAMETOOLONG;
    }
    // The old entry goes and the new one comes; a replaced entry already paid for the new name.
    const grow = entryBytes(toName) - entryBytes(fromName) - (victim ? entryBytes(toName) : 0);
    if (grow > 0 && !this.space.take(grow)) return Errno.NOSPC;
    if (grow < 0) this.space.give(-grow);
    if (victim) {
      td.entries!.delete(toName);
      if (victim.entries) {
        td.nlink--;
        victim.nlink = 0;
        victim.parent = null;
      } else victim.nlink--;
      this.maybeFree(victim);
    }
    fd.entries!.delete(fromName);
    td.entries!.set(toName, { node: src.node, seq: td.nextSeq++ });
    if (moving.entries) {
      if (fd !== td) {
        fd.nlink--;
        td.nlink++;
      }
      moving.parent = td;
      moving.name = toName;
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
    const d = this.liveDir(dirId);
    if (typeof d === 'number') return d;
    if (d.entries!.has(name)) return Errno.EXIST;
    if (badName(name)) return Errno.INVAL;
    if (!this.space.take(entryBytes(name))) return Errno.NOSPC;
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

  /**
   * What everything held costs, counted afresh from the nodes (an audit: it must equal what was
   * charged, `space.used` and `space.metadata`).
   */
  recount(): { used: number; metadata: number } {
    let metadata = 0, data = 0;
    for (const n of this.nodes.values()) {
      metadata += nodeBytes(n.type, n.target);
      if (n.data) {
        const c = n.data.charge();
        metadata += c.metadata;
        data += c.data;
      }
      for (const name of n.entries?.keys() ?? []) metadata += entryBytes(name);
    }
    return { used: metadata + data, metadata };
  }
}

/**
 * One dispatch table for every file system: tmpfs, hostfs (and later diskfs) implement
 * FileSystemOps — plain methods that return a WASI errno number on failure — and this turns any
 * of them into a service speaking fsProtocol.
 */

import type { Service } from '../../ipc/call-context.js';
import { serveProtocol } from '../../ipc/protocol-client.js';
import { ERRNO_PROTOCOL_ERRORS } from '../../abi/errno.js';
import { Errno } from '../../abi/errno.js';
import { FileType, fsProtocol, packWalk, walkNames } from '../../abi/protocols/fs.js';
import type { HostFileId, HostIdentity, PageCache } from './page-cache.js';
import type { ChangeWord } from './change-word.js';

export interface NodeStat {
  /** The file system's node number, and the inode number stat reports (they may differ). */
  node: number; ino: number; type: number; nlink: number; size: number; atim: bigint; mtim: bigint; ctim: bigint;
}

export interface FileSystemOps {
  lookup(dir: number, name: string): { node: number; type: number } | number;
  /**
   * Several components from `dir` at once (the `walk` call), as walkNames over `lookup` would
   * find them. Optional: a file system that can answer a walk faster than a lookup per component
   * (hostfs: hostfs/verified-walks.ts) has one.
   */
  walk?(dir: number, names: readonly string[]): { found: readonly { node: number; type: number }[]; error: number };
  getattr(node: number): NodeStat | number;
  /** The bytes may be a view the file system reuses: valid until its next call (the service copies them into the reply at once). */
  read(node: number, offset: number, length: number): Uint8Array | number;
  write(node: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number;
  create(dir: number, name: string, type: number, exclusive: boolean, target: string): { node: number; type: number; created: number } | number;
  unlink(dir: number, name: string, directory: boolean): number;
  rename(fromDir: number, fromName: string, toDir: number, toName: string): number;
  readdir(dir: number, cookie: number, max: number): { count: number; next: number; entries: Uint8Array } | number;
  truncate(node: number, size: number): number;
  setTimes(node: number, atim: bigint, mtim: bigint, flags: number): number;
  readlink(node: number): string | number;
  link(node: number, dir: number, name: string): number;
  open(node: number): number;
  /**
   * A regular file's host descriptor (or a directory's handle) while it is open (hostfs), with the
   * identity of what it names: a local kernel may reopen it (docs/decisions/024-direct-host-files.md). Optional.
   */
  hostFile?(node: number): { fd: number; dev: number; ino: number; directory: boolean; times: number } | null;
  /**
   * The host file a node is (hostfs), with its host mtime and a way to pin it: its page-cache copy
   * names that file's host write word, which programs' writes on descriptors of their own bump,
   * and is listed by it for local opens (docs/decisions/026-host-write-words.md). Optional.
   */
  hostIdentity?(node: number): HostIdentity | null;
  /** The host file a node is, without a host call (hostfs): whose host write word a change of its data bumps. Optional. */
  hostFileId?(node: number): HostFileId | null;
  close(node: number): number;
  sync(node: number): number;
  /** Space in bytes (total 0 when unknown) and whether the file system refuses writes. */
  usage(): { total: number; used: number; readOnly: boolean };
}

/** What the page cache compares to see that a file changed: its size and modification time. */
function stampOf(st: NodeStat): string {
  return `${st.size}:${st.mtim}`;
}

/**
 * `cache`: the file system's page cache, if it has a slice of one. Every change to a node's data
 * revokes its cached copy first; each open revalidates it against the node's size and mtime.
 * `change`: its change word, if it has one (change-word.ts): bumped before every call that may
 * change anything, and read before the attributes an open returns, so a copy of them is usable
 * exactly while no change has begun since.
 */
export function fileSystemService(fs: FileSystemOps, name: string, type: string, cache: PageCache | null = null, change: ChangeWord | null = null): Service {
  const done = (errno: number): number | Record<string, never> => errno || {};
  const changing = (): void => change?.changing();
  // What a change touches, announced in its slots (change-word.ts) before it is made.
  const slotted = change !== null && change.slots >= 0 ? change : null;
  const named = (dir: number, name: string): void => {
    if (!slotted) return;
    slotted.entry(dir, name);
    const found = fs.lookup(dir, name);
    if (typeof found !== 'number') slotted.node(found.node);
  };
  // Opens that may write a host file on a descriptor of their own (hostFile), by node: while one
  // is open the node's data is not cached, since such a write cannot revoke the copy
  // (docs/decisions/024-direct-host-files.md); the copy is revoked at the first and at the last.
  const directWriters = new Map<number, number>();
  // A host file's data changed here: its copies under other nodes or in other file systems' caches
  // (hard links, a directory mounted twice) stop holding too (page-cache.ts hostWritten).
  const hostWritten = (node: number): void => {
    const id = cache && fs.hostFileId ? fs.hostFileId(node) : null;
    if (id) cache!.hostWritten(id);
  };
  const NO_ATTRIBUTES = { changeWord: -1, change: 0, global: -1, slots: -1, node: 0, ino: 0, type: 0, nlink: 0, size: 0, atim: 0n, mtim: 0n, ctim: 0n };
  return serveProtocol(fsProtocol, name, {
    lookup: (r) => fs.lookup(r.dir, r.name),
    walk: (r) => {
      const names = r.names.split('/');
      const { found, error } = fs.walk ? fs.walk(r.dir, names) : walkNames(r.dir, names, (dir, name) => fs.lookup(dir, name));
      return { error, count: found.length, found: packWalk(found) };
    },
    getattr: (r) => {
      const word = change ? change.nodeWord(r.node) : -1;
      const generation = change ? change.current(word) : 0;
      const st = fs.getattr(r.node);
      return typeof st === 'number' ? st : { ...st, changeWord: word, change: generation };
    },
    read: (r) => {
      const d = fs.read(r.node, r.offset, r.length);
      return typeof d === 'number' ? d : { data: d };
    },
    write: (r) => {
      changing();
      slotted?.node(r.node);
      cache?.revoke(r.node);
      const wrote = fs.write(r.node, r.offset, r.data, r.append !== 0);
      hostWritten(r.node);
      return wrote;
    },
    create: (r) => {
      changing();
      slotted?.entry(r.dir, r.name);
      const made = fs.create(r.dir, r.name, r.type, r.exclusive !== 0, r.target);
      // A new node's number may have named a node since removed: nothing kept under it holds.
      if (typeof made !== 'number') slotted?.node(made.node);
      return made;
    },
    unlink: (r) => {
      changing();
      named(r.dir, r.name);
      return done(fs.unlink(r.dir, r.name, r.directory !== 0));
    },
    rename: (r) => {
      changing();
      named(r.fromDir, r.fromName);
      named(r.toDir, r.toName);
      return done(fs.rename(r.fromDir, r.fromName, r.toDir, r.toName));
    },
    readdir: (r) => fs.readdir(r.dir, r.cookie, r.max),
    truncate: (r) => {
      changing();
      slotted?.node(r.node);
      cache?.revoke(r.node);
      const truncated = fs.truncate(r.node, r.size);
      hostWritten(r.node);
      return done(truncated);
    },
    setTimes: (r) => {
      changing();
      slotted?.node(r.node);
      return done(fs.setTimes(r.node, r.atim, r.mtim, r.flags));
    },
    readlink: (r) => {
      const t = fs.readlink(r.node);
      return typeof t === 'number' ? t : { target: t };
    },
    link: (r) => {
      changing();
      slotted?.entry(r.dir, r.name);
      slotted?.node(r.node);
      return done(fs.link(r.node, r.dir, r.name));
    },
    open: (r) => {
      const e = fs.open(r.node);
      if (e !== 0) return e;
      const h = fs.hostFile?.(r.node) ?? null;
      if (h !== null && !h.directory && r.write !== 0) {
        directWriters.set(r.node, (directWriters.get(r.node) ?? 0) + 1);
        cache?.revoke(r.node);
      }
      const isCached = !directWriters.has(r.node) && (cache?.isCached(r.node) ?? false);
      const word = change ? change.nodeWord(r.node) : -1;
      const generation = change ? change.current(word) : 0;
      const st = isCached || change ? fs.getattr(r.node) : null;
      if (isCached) {
        if (typeof st === 'number' || st === null) cache!.revoke(r.node);
        else cache!.revalidate(r.node, stampOf(st));
      }
      const t = directWriters.has(r.node) ? null : cache?.tokenFor(r.node) ?? null;
      const token = { cached: t ? t.entry + 1 : 0, generation: t ? t.generation : 0, host: h ? h.fd : -1, hostDev: h ? h.dev : 0, hostIno: h ? h.ino : 0, hostTimes: h ? h.times : -1 };
      if (!change || st === null || typeof st === 'number') return { ...token, ...NO_ATTRIBUTES };
      return { ...token, changeWord: word, change: generation, global: change.word, slots: change.slots, ...st };
    },
    map: (r) => {
      if (!cache || directWriters.has(r.node)) return Errno.NOTSUP;
      // Before the size and mtime the copy is stamped with: a change after them moves the mtime.
      const host = fs.hostIdentity ? fs.hostIdentity(r.node) : null;
      if (fs.hostIdentity && host === null) return Errno.NOTSUP;
      const st = fs.getattr(r.node);
      if (typeof st === 'number') return st;
      if (st.type !== FileType.REGULAR_FILE) return Errno.INVAL;
      return cache.map(r.node, st.size, stampOf(st), (offset, length) => fs.read(r.node, offset, length), host);
    },
    close: (r) => {
      const writers = r.write !== 0 ? directWriters.get(r.node) : undefined;
      if (writers !== undefined) {
        if (writers > 1) directWriters.set(r.node, writers - 1);
        else directWriters.delete(r.node);
        cache?.revoke(r.node);
      }
      return done(fs.close(r.node));
    },
    sync: (r) => done(fs.sync(r.node)),
    statfs: () => {
      const u = fs.usage();
      return { name, type, total: u.total, used: u.used, readOnly: u.readOnly ? 1 : 0 };
    },
  }, ERRNO_PROTOCOL_ERRORS);
}

/**
 * hostfs's node table: the host objects a client has named, each with the identity it had when
 * first met, and the open directory handles every host call is made relative to.
 *
 * A node is named by (parent node, one component) and stands for ONE host object: its device and
 * inode at first sight. `bind` is called with what the host reports for a name right now; if
 * that is another object (the host replaced it), the old node is detached and a new one made, so
 * a node never silently changes what it stands for.
 *
 * Every host call names one component inside a directory handle (HostFs *At calls), never a path:
 *   - the root's handle is opened once, at construction, and kept;
 *   - a directory node gets a handle when first needed, opened from its parent's handle by name
 *     without following symlinks, and it must be the same object (device, inode) as the node,
 *     else the node is stale (ENOENT). Handles of directories a client holds open are pinned:
 *     they follow the directory wherever it is moved. Other handles are kept in a small LRU and
 *     reopened on demand.
 * Descriptors (directory handles and open files) count against `maxDescriptors`, this
 * instance's share of the host process's limit; when it is reached, unpinned directory handles
 * are closed first, then the call fails with ENFILE.
 */

import { Errno } from '../../abi/errno.js';
import { FileType, ROOT_NODE } from '../../abi/protocols/fs.js';
import { type DirHandle, type HostFs, HostFsError, type HostStat } from '../../host/host-fs.js';

/** Parent of the root and of orphans (removed while open). */
export const DETACHED = 0;
/** No handle or descriptor. */
const NONE = -1;
/** Unpinned directory handles kept open. */
const DIR_CACHE = 64;
/** Deepest chain of directories followed when rebuilding a handle. */
export const MAX_DEPTH = 4096;

export interface HostNode {
  readonly id: number;
  parent: number;
  name: string;
  readonly dev: number;
  readonly ino: number;
  readonly type: number;
  /** Host descriptor while open (regular files), else NONE. */
  fd: number;
  /** Open directory handle (directories), else NONE. */
  dir: DirHandle;
  /** Clients holding the node open. */
  opens: number;
}

/** An errno raised inside an operation; hostfs's `run` turns it into the reply. */
export class Fail {
  constructor(readonly errno: number) {}
}

export function fail(errno: number): never {
  throw new Fail(errno);
}

export class HostNodeTable {
  private readonly nodes = new Map<number, HostNode>();
  /** `${parent}/${name}` → node, for attached nodes. */
  private readonly children = new Map<string, number>();
  /** Unpinned directory nodes whose handle is open, least recently used first. */
  private readonly lru = new Map<number, true>();
  private nextId: number;
  private held = 0;

  constructor(private readonly host: HostFs, rootPath: string, firstNode: number, private readonly maxDescriptors: number) {
    this.nextId = firstNode;
    const dir = host.openRoot(rootPath);
    const st = host.fstatDir(dir);
    this.held = 1;
    this.nodes.set(ROOT_NODE, { id: ROOT_NODE, parent: DETACHED, name: '', dev: st.dev, ino: st.ino, type: FileType.DIRECTORY, fd: NONE, dir, opens: 1 });
  }

  get(id: number): HostNode {
    return this.nodes.get(id) ?? fail(Errno.NOENT);
  }

  find(id: number): HostNode | undefined {
    return this.nodes.get(id);
  }

  /** Descriptors held now (files and directory handles), for tests and statistics. */
  get descriptors(): number {
    return this.held;
  }

  /** The node for `name` in `parent`, standing for the host object `st` reports. */
  bind(parent: number, name: string, st: HostStat): HostNode {
    const key = `${parent}/${name}`;
    const known = this.children.get(key);
    if (known !== undefined) {
      const n = this.nodes.get(known)!;
      if (n.dev === st.dev && n.ino === st.ino && n.type === st.type) return n;
      this.detach(parent, name);
    }
    const n: HostNode = { id: this.nextId++, parent, name, dev: st.dev, ino: st.ino, type: st.type, fd: NONE, dir: NONE, opens: 0 };
    this.nodes.set(n.id, n);
    this.children.set(key, n.id);
    return n;
  }

  /** Forget the name (parent, name): its node becomes an orphan if open, else is dropped. */
  detach(parent: number, name: string): void {
    const key = `${parent}/${name}`;
    const id = this.children.get(key);
    if (id === undefined) return;
    this.children.delete(key);
    const n = this.nodes.get(id)!;
    n.parent = DETACHED;
    if (n.opens === 0) this.drop(n);
    if (n.type === FileType.DIRECTORY) this.forgetChildrenOf(id);
  }

  /** A name moved by a rename: the victim at the destination is forgotten, the node re-keyed. */
  moved(fromDir: number, fromName: string, toDir: number, toName: string): void {
    this.detach(toDir, toName);
    const fromKey = `${fromDir}/${fromName}`;
    const id = this.children.get(fromKey);
    if (id === undefined) return;
    this.children.delete(fromKey);
    const n = this.nodes.get(id)!;
    n.parent = toDir;
    n.name = toName;
    this.children.set(`${toDir}/${toName}`, id);
  }

  /** The path of node `id` below the root ('' for the root), from its names; null if it or an ancestor is detached. */
  pathOf(id: number): string | null {
    const names: string[] = [];
    for (let n = this.nodes.get(id); n && n.id !== ROOT_NODE; n = this.nodes.get(n.parent)) {
      if (n.parent === DETACHED || names.length > MAX_DEPTH) return null;
      names.push(n.name);
    }
    return this.nodes.has(id) ? names.reverse().join('/') : null;
  }

  /** How many directories lie between the root and `id` (the root: 0); null if detached. */
  depth(id: number): number | null {
    let d = 0;
    for (let n = this.nodes.get(id); n && n.id !== ROOT_NODE; n = this.nodes.get(n.parent)) {
      if (n.parent === DETACHED || ++d > MAX_DEPTH) return null;
    }
    return this.nodes.has(id) ? d : null;
  }

  /** An open handle on directory node `id`, opened (and checked) from its nearest open ancestor. */
  dirHandle(id: number): DirHandle {
    let n = this.get(id);
    if (n.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    const chain: HostNode[] = [];
    while (n.dir === NONE) {
      if (n.parent === DETACHED || chain.length > MAX_DEPTH) fail(Errno.NOENT);
      chain.push(n);
      n = this.get(n.parent);
    }
    this.touch(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      const child = chain[i]!;
      this.openDir(n, child);
      n = child;
    }
    return n.dir;
  }

  /** Keep `id`'s directory handle open while a client holds the directory open. */
  pin(id: number): void {
    this.dirHandle(id);
    this.lru.delete(id);
  }

  unpin(n: HostNode): void {
    if (n.dir !== NONE && n.id !== ROOT_NODE) this.lru.set(n.id, true);
    this.trim(DIR_CACHE);
  }

  /** Open `name` in the directory `parent` as a regular-file descriptor (`readOnly`: only for reading), checked to be node `n`. */
  openFile(n: HostNode, readOnly = false): number {
    const parent = this.dirHandle(n.parent === DETACHED ? fail(Errno.NOENT) : n.parent);
    this.reserve(n.parent);
    let fd: number;
    try {
      fd = this.host.openAt(parent, n.name, false, false, readOnly);
    } catch (e) {
      this.held--;
      throw e;
    }
    const st = this.host.fstat(fd);
    if (st.dev !== n.dev || st.ino !== n.ino) {
      this.closeFile(fd);
      fail(Errno.NOENT);
    }
    return fd;
  }

  closeFile(fd: number): void {
    this.held--;
    try {
      this.host.close(fd);
    } catch {
      // The descriptor is gone either way; nothing useful to report.
    }
  }

  /** Close every descriptor (the service stops). */
  closeAll(): void {
    for (const n of this.nodes.values()) {
      if (n.fd !== NONE) this.closeFile(n.fd);
      if (n.dir !== NONE) this.closeDir(n);
      n.fd = NONE;
    }
  }

  /** Remove node `n` from the table once nothing names it or holds it. */
  drop(n: HostNode): void {
    if (n.id === ROOT_NODE) return;
    if (n.dir !== NONE) this.closeDir(n);
    this.lru.delete(n.id);
    this.nodes.delete(n.id);
  }

  /** A removed directory was empty on the host, so any names still mapped under it are stale. */
  private forgetChildrenOf(id: number): void {
    const prefix = `${id}/`;
    for (const key of [...this.children.keys()]) {
      if (key.startsWith(prefix)) this.detach(id, key.slice(prefix.length));
    }
  }

  private openDir(parent: HostNode, child: HostNode): void {
    this.reserve(parent.id);
    let dir: DirHandle;
    try {
      dir = this.host.openDirAt(parent.dir, child.name);
    } catch (e) {
      this.held--;
      // The name is now a symlink or a file: not the directory this node stands for.
      if (e instanceof HostFsError && (e.code === 'ELOOP' || e.code === 'ENOTDIR')) fail(Errno.NOENT);
      throw e;
    }
    const st = this.host.fstatDir(dir);
    if (st.dev !== child.dev || st.ino !== child.ino) {
      this.held--;
      this.host.closeDir(dir);
      fail(Errno.NOENT);
    }
    child.dir = dir;
    if (child.opens === 0) this.lru.set(child.id, true);
    this.trim(DIR_CACHE, parent.id);
  }

  private closeDir(n: HostNode): void {
    this.held--;
    this.lru.delete(n.id);
    try {
      this.host.closeDir(n.dir);
    } catch {
      // As closeFile.
    }
    n.dir = NONE;
  }

  private touch(n: HostNode): void {
    if (this.lru.delete(n.id)) this.lru.set(n.id, true);
  }

  /** Close unpinned directory handles, oldest first, until at most `keep` remain (never `except`'s). */
  private trim(keep: number, except = -1): void {
    for (const id of this.lru.keys()) {
      if (this.lru.size <= keep) return;
      if (id === except) continue;
      this.closeDir(this.nodes.get(id)!);
    }
  }

  /** Count one more descriptor, closing cached directory handles (not `except`'s) if at the limit. */
  private reserve(except: number): void {
    if (this.held >= this.maxDescriptors) this.trim(Math.max(0, this.lru.size - (this.held - this.maxDescriptors + 1)), except);
    if (this.held >= this.maxDescriptors) fail(Errno.NFILE);
    this.held++;
  }
}

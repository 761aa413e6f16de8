/**
 * The VFS service: the file namespace. It owns mounts, path resolution and each client's open
 * files (fids); the file systems behind it own the data.
 *
 * Sessions are keyed by the badge of the client's VFS handle; a session ends when the last handle
 * carrying its badge is gone (kernel `badge-closed` event), closing its fids. Reads and writes are
 * forwarded to the owning file system with the fid replaced by the node number, so file data
 * moves between caller and file system without passing through the VFS — and when the VFS and
 * the file system are coalesced in one thread, the forward is a direct call. An open's reply
 * also grants the forward itself (direct-grants.ts: docs/decisions/018-direct-files.md), so a local
 * kernel can post the file's reads and writes to its file system without the VFS's thread.
 */

import { type CallResult, ProtocolClient } from '../../ipc/protocol-client.js';
import type { Caller } from '../../ipc/caller.js';
import { Errno } from '../../abi/errno.js';
import { FileType, ROOT_NODE, fsProtocol, symlinkLeavesRoot, unpackWalk, walkNames, type FsProtocol } from '../../abi/protocols/fs.js';
import { FID_READ, FID_WRITE, LOOKUP_FOLLOW, OFLAG_CREAT, OFLAG_DIRECTORY, OFLAG_EXCL, OFLAG_TRUNC } from '../../abi/protocols/vfs.js';
import { type Place, type WalkFs, walk, walkParent } from './path-walk.js';
import { PIPE_CAPACITY, Pipe, type ReadDone, type WriteDone } from './pipe.js';
import { PipeRings } from './pipe-rings.js';
import { PipeTable } from './pipe-table.js';
import { LookupCache } from './lookup-cache.js';
import { type HostFileGrant, NodeHolds, type OpenToken } from './node-holds.js';
import { type DirectGrant, type GrantingVfs, NO_DIRECT, grantFor, mountsInside } from './direct-grants.js';
import { type MountWords, type WalkFacts, type WalkToken, noWalkFacts, recordingWalks, startFacts, touch, walkToken } from './walk-facts.js';
import { FORWARD_REGISTER } from '../../abi/protocols/forwarding.js';

export interface MountSpec {
  /** Absolute VFS path, e.g. `/` or `/mnt/0`. */
  readonly path: string;
  /** Client handle (in the VFS's table) to the file system's server. */
  readonly handle: number;
  /** The file system changes only through this VFS, so its entries may be copied (LookupCache). */
  readonly cacheLookups: boolean;
  /** Each file open on it holds a host descriptor (counted per session against hostFilesPerSession). */
  readonly hostDescriptors: boolean;
}

interface Mount {
  readonly id: number;
  readonly path: readonly string[];
  readonly fs: ProtocolClient<FsProtocol>;
  /** The copy of the file system's entries (null: none kept; undefined: not decided yet). */
  lookups?: LookupCache | null;
  /** The file system's incarnation the cache was filled from: a restarted file system starts it over. */
  lookupsFrom?: number;
  readonly cacheLookups: boolean;
  readonly hostDescriptors: boolean;
  /** The file system's change word and its first slot, once an open on it has named them (-1 or absent: none known). */
  changeWord?: number;
  changeSlots?: number;
  /** One file-system open per node for all fids (node-holds.ts); null where not used (hostfs). */
  holds: NodeHolds | null;
}

interface OpenFile {
  readonly place: Place;
  readonly read: boolean;
  readonly write: boolean;
  /** For a pipe end: the pipe (place is then PIPE_PLACE). */
  readonly pipe: Pipe | null;
  /**
   * The incarnation of its file system when it was opened (Caller.incarnation). Once the file
   * system has been restarted the node may name nothing, or another file: the fid answers ESTALE
   * (the local kernel opens the file again by its path) and its close is not sent on.
   */
  from?: number;
  /**
   * A host file's descriptor in hostfs and its identity, from the open that retained this fid:
   * granted with the direct file, for the local kernel to reopen (docs/decisions/024-direct-host-files.md).
   */
  host?: HostFileGrant | null;
}

/** The place of every pipe end: no file system, type unknown (WASI has no FIFO type). */
const PIPE_PLACE: Place = { mount: -1, node: 0, type: FileType.UNKNOWN, path: [] };


/** An open's reply holds its attributes under one word. */
const NO_WORDS: number[] = [];

const NO_TOKEN: OpenToken = { cached: 0, generation: 0, changeWord: -1, change: 0, global: -1, slots: -1, attributes: null, host: null };

interface Session {
  readonly fids: Map<number, OpenFile>;
  nextFid: number;
  /** Fids open on host-backed file systems (each holds a host descriptor). */
  hostFiles: number;
}

const MAX_FIDS_PER_SESSION = 4096;
/** Open files on host-backed file systems one session may hold (a program's share of host descriptors). */
export const DEFAULT_HOST_FILES_PER_SESSION = 1024;


export class Vfs implements WalkFs {
  private readonly mounts: Mount[] = [];
  private readonly sessions = new Map<number, Session>();
  /** The file systems' incarnations (Caller.incarnation) when every mount point was last made. */
  private mountPointsMadeFor: readonly number[] = [];
  /** Open files shared for another session to take (fd inheritance), by token. */
  private readonly shared = new Map<number, { readonly sharer: number; readonly file: OpenFile }>();

  constructor(
    private readonly caller: Caller,
    mounts: readonly MountSpec[],
    /** A fresh unguessable token (53 random bits). */
    private readonly newToken: () => number,
    pipeDone: { read: ReadDone; write: WriteDone },
    /** Bytes a pipe buffers before a writer waits (services/vfs/pipe.ts). */
    pipeCapacity: number = PIPE_CAPACITY,
    /** Open files on host-backed file systems one session may hold (EMFILE beyond). */
    private readonly hostFilesPerSession: number = DEFAULT_HOST_FILES_PER_SESSION,
    /** The arena's pipe rings this VFS gives its pipes (none: every pipe is served by calls). */
    rings: PipeRings = new PipeRings(null, undefined),
  ) {
    for (const m of mounts) this.addMount(m);
    this.pipes = new PipeTable(rings, pipeCapacity, pipeDone);
    for (const t of this.pipes.takeOverTokens()) this.shared.set(t.token, { sharer: t.sharer, file: { place: PIPE_PLACE, read: !t.write, write: t.write, pipe: t.pipe } });
    this.firstFid = (newToken() % 0x100000) * 0x400 + 1;
  }

  /**
   * Where every session's fids start in this instance: random (below 2^30), so a fid a client
   * kept from a VFS instance before a supervisor restart names nothing here (EBADF), never
   * another open file of the same session.
   */
  private readonly firstFid: number;

  /**
   * Make sure every mount point exists as a directory in the file system it sits on: on first
   * use (at construction the file systems may not be serving yet), and again whenever a file
   * system has been restarted since (a restarted tmpfs comes back without the directories made
   * in it). Until every mount point is made, it is tried again on the next open.
   */
  private ensureMountPoints(): void {
    // Asked on every walk: compare without building anything while nothing was restarted.
    const made = this.mountPointsMadeFor;
    let same = made.length === this.mounts.length;
    for (let i = 0; same && i < this.mounts.length; i++) same = this.caller.incarnation(this.mounts[i]!.fs.handle) === made[i];
    if (same) return;
    const incarnations = this.mounts.map((m) => this.caller.incarnation(m.fs.handle));
    const root = this.mountAt([]);
    if (!root) return;
    let complete = true;
    for (const m of this.mounts) {
      let here: Place = root;
      for (const name of m.path) {
        let found = this.lookup(here.mount, here.node, name);
        if (found === Errno.NOENT) {
          this.forget(here.mount, here.node, name);
          const c = this.status(this.fs(here.mount).call('create', { dir: here.node, type: FileType.DIRECTORY, exclusive: 0, name, target: '' }));
          found = typeof c === 'number' ? c : { node: c.node, type: c.type };
        }
        if (typeof found === 'number') {
          complete = false;
          break;
        }
        const path = [...here.path, name];
        here = this.mountAt(path) ?? { mount: here.mount, node: found.node, type: found.type, path };
      }
    }
    if (complete) this.mountPointsMadeFor = incarnations;
  }

  addMount(spec: MountSpec): number {
    const parts = spec.path.split('/').filter((p) => p.length > 0);
    if (this.mounts.some((m) => m.path.join('/') === parts.join('/'))) return Errno.EXIST;
    const fs = new ProtocolClient(fsProtocol, this.caller, spec.handle);
    if (parts.length > 0) this.mountLastNames.add(parts[parts.length - 1]!);
    this.mounts.push({
      id: this.mounts.length, path: parts, fs, cacheLookups: spec.cacheLookups, hostDescriptors: spec.hostDescriptors,
      holds: spec.cacheLookups && !spec.hostDescriptors ? new NodeHolds(this.heldFs(fs)) : null,
    });
    return Errno.SUCCESS;
  }

  /** What a mount's NodeHolds asks of its file system. */
  private heldFs(fs: ProtocolClient<FsProtocol>) {
    const i32 = this.caller.arena.i32;
    return {
      incarnation: () => this.caller.incarnation(fs.handle),
      open: (node: number) => this.fsOpen(fs, node, true),
      close: (node: number) => void fs.call('close', { node, write: 1 }),
      wordNow: (word: number) => Atomics.load(i32, word),
    };
  }

  /** Open `node` in its file system: the answer with its token and attributes, or an errno. */
  private fsOpen(fs: ProtocolClient<FsProtocol>, node: number, write: boolean): OpenToken | number {
    const r = this.status(fs.call('open', { node, write: write ? 1 : 0 }));
    if (typeof r === 'number') return r;
    return {
      cached: r.cached, generation: r.generation, changeWord: r.changeWord, change: r.change, global: r.global, slots: r.slots,
      attributes: r.changeWord >= 0 ? { ino: r.ino, nlink: r.nlink, size: r.size, atim: r.atim, mtim: r.mtim, ctim: r.ctim } : null,
      host: r.host >= 0 ? { fd: r.host, dev: r.hostDev, ino: r.hostIno, times: r.hostTimes } : null,
    };
  }

  /** sync(2): ask every file system to commit everything; the first error after trying all. */
  syncAll(): number {
    let first: number = Errno.SUCCESS;
    for (const m of this.mounts) {
      const s = this.status(m.fs.call('sync', { node: 0 }));
      if (typeof s === 'number' && first === Errno.SUCCESS) first = s;
    }
    return first;
  }

  /** Every mount with its file system's name, type and space (mount, df). */
  mountTable(): { path: string; name: string; type: string; total: number; used: number; readOnly: boolean }[] {
    return this.mounts.map((m) => {
      const s = this.status(m.fs.call('statfs', {}));
      const path = `/${m.path.join('/')}`;
      if (typeof s === 'number') return { path, name: '?', type: '?', total: 0, used: 0, readOnly: false };
      return { path, name: s.name, type: s.type, total: s.total, used: s.used, readOnly: s.readOnly !== 0 };
    });
  }

  // ─── WalkFs ─────────────────────────────────────────────────────────────────

  private fs(mount: number): ProtocolClient<FsProtocol> {
    return this.mounts[mount]!.fs;
  }

  /** A file system's answer; ESTALE when it does not answer (dead or restarting: see vfs-service.ts onFs). */
  private status<T>(r: CallResult<T>): T | number {
    if (r.transport !== 0) return Errno.STALE;
    return r.status !== 0 ? r.status : r.reply!;
  }

  lookup(mount: number, dir: number, name: string): { node: number; type: number } | number {
    const cache = this.lookupCache(mount);
    const hit = cache?.get(dir, name);
    if (hit) return hit;
    const r = this.status(this.fs(mount).call('lookup', { dir, name }));
    if (cache && typeof r !== 'number') cache.set(dir, name, { node: r.node, type: r.type });
    return r;
  }

  /**
   * Look up `names` one in the other from `dir` (no `.`, `..` or mount point among them but the
   * last): from the lookup cache as far as it goes, the rest in one `walk` call. What was found,
   * in order (it stops after a node that is not a directory), and the errno of the component
   * after the last found, or 0.
   */
  walkMany(mount: number, dir: number, names: readonly string[]): { found: { node: number; type: number }[]; error: number } {
    const cache = this.lookupCache(mount);
    const { found } = walkNames(dir, names, (d, name) => cache?.get(d, name));
    const last = found[found.length - 1];
    if (last !== undefined && last.type !== FileType.DIRECTORY) return { found, error: 0 };
    let at = last?.node ?? dir;
    const rest = names.length - found.length;
    if (rest === 0) return { found, error: 0 };
    if (rest === 1) {
      const one = this.lookup(mount, at, names[found.length]!);
      if (typeof one === 'number') return { found, error: one };
      found.push(one);
      return { found, error: 0 };
    }
    const r = this.status(this.fs(mount).call('walk', { dir: at, names: names.slice(found.length).join('/') }));
    if (typeof r === 'number') return { found, error: r };
    for (const f of unpackWalk(r.found, r.count)) {
      cache?.set(at, names[found.length]!, f);
      found.push(f);
      at = f.node;
    }
    return { found, error: r.error };
  }

  /** The lookup cache of `mount`: only for a file system that changes only through this VFS (tmpfs, devfs, diskfs). */
  private lookupCache(mount: number): LookupCache | null {
    const m = this.mounts[mount]!;
    if (m.lookups) {
      const now = this.caller.incarnation(m.fs.handle);
      if (now !== m.lookupsFrom) {
        m.lookups.clear();
        m.lookupsFrom = now;
      }
    }
    if (m.lookups !== undefined) return m.lookups;
    if (!m.cacheLookups) return (m.lookups = null);
    m.lookupsFrom = this.caller.incarnation(m.fs.handle);
    return (m.lookups = new LookupCache());
  }

  /** Forget (dir, name) on `mount` before the VFS changes it. */
  private forget(mount: number, dir: number, name: string): void {
    this.mounts[mount]?.lookups?.drop(dir, name);
  }


  readlink(mount: number, node: number): string | number {
    const r = this.status(this.fs(mount).call('readlink', { node }));
    return typeof r === 'number' ? r : r.target;
  }

  mountAt(path: readonly string[]): Place | null {
    // Asked for every component walked: most end in a name no mount point ends in.
    if (path.length > 0 && !this.mountLastNames.has(path[path.length - 1]!)) return null;
    const m = this.mounts.find((x) => x.path.length === path.length && x.path.every((p, i) => p === path[i]));
    return m ? { mount: m.id, node: ROOT_NODE, type: FileType.DIRECTORY, path: m.path } : null;
  }

  /** The last component of every mount point's path (the root's has none). */
  private readonly mountLastNames = new Set<string>();

  // ─── sessions and fids ──────────────────────────────────────────────────────

  private session(badge: number): Session {
    let s = this.sessions.get(badge);
    if (!s) {
      s = { fids: new Map(), nextFid: this.firstFid, hostFiles: 0 };
      this.sessions.set(badge, s);
    }
    return s;
  }

  fid(badge: number, fid: number): OpenFile | number {
    const f = this.sessions.get(badge)?.fids.get(fid) ?? this.claimPipeFid(badge, fid);
    if (!f) return Errno.BADF;
    return this.stale(f) ? Errno.STALE : f;
  }

  /** A pipe fid the VFS instance before gave this session, of a pipe this one took over: the session has it back. */
  private claimPipeFid(badge: number, fid: number): OpenFile | undefined {
    const c = this.pipes.claim(badge, fid);
    if (!c) return undefined;
    const file: OpenFile = { place: PIPE_PLACE, read: !c.write, write: c.write, pipe: c.pipe };
    this.session(badge).fids.set(fid, file);
    return file;
  }

  /** Has the file system behind `file` been restarted since it was opened? */
  private stale(file: OpenFile): boolean {
    return file.from !== undefined && this.caller.incarnation(this.fs(file.place.mount).handle) !== file.from;
  }

  /** A fid to resolve paths from: a pipe end is not a directory (ENOTDIR, like any file). */
  private dirFid(badge: number, fid: number): OpenFile | number {
    const f = this.fid(badge, fid);
    return typeof f !== 'number' && f.pipe ? Errno.NOTDIR : f;
  }

  /** True if the file system counts open files (regular files and directories), so the VFS opens and closes them there. */
  private static counted(file: OpenFile): boolean {
    return !file.pipe && (file.place.type === FileType.REGULAR_FILE || file.place.type === FileType.DIRECTORY);
  }

  /**
   * Take a reference on what `file` names (a file-system open count, or a pipe end), or the
   * file system's errno (ENFILE when it is out of host descriptors, ELOOP, ENOENT for a stale
   * node). A regular file's open answers with its page-cache token when the file system has the
   * file cached.
   */
  private retain(file: OpenFile): OpenToken | number {
    if (file.pipe) file.pipe.addEnd(file.write, 1);
    else if (Vfs.counted(file)) {
      const m = this.mounts[file.place.mount]!;
      const regular = file.place.type === FileType.REGULAR_FILE;
      const t = m.holds !== null ? m.holds.take(file.place.node) : this.fsOpen(m.fs, file.place.node, file.write);
      if (typeof t === 'number') return t;
      m.changeWord = t.global;
      m.changeSlots = t.slots;
      // Only a regular file's data is read through a page-cache token.
      return regular || t.cached === 0 ? t : { ...t, cached: 0, generation: 0 };
    }
    return NO_TOKEN;
  }

  private release(file: OpenFile): void {
    if (this.stale(file)) return;
    if (file.pipe) {
      file.pipe.addEnd(file.write, -1);
      if (file.pipe.ended) this.pipes.ended(file.pipe);
    } else if (Vfs.counted(file)) {
      const m = this.mounts[file.place.mount]!;
      if (m.holds !== null) m.holds.drop(file.place.node);
      else m.fs.call('close', { node: file.place.node, write: file.write ? 1 : 0 });
    }
  }

  /**
   * Close fid `fid` as the first part of an open that carries it (a close the caller deferred):
   * with `keepHolds`, a node whose last fid this was stays open in its file system until `settle`,
   * so the open that follows may take it again without a close and an open there. Only for an
   * open that creates and truncates nothing: it changes nothing, so when the file system sees the
   * close is not observable.
   */
  closeCarried(badge: number, fid: number, keepHolds: boolean): void {
    if (keepHolds) for (const m of this.mounts) m.holds?.linger();
    this.closeFid(badge, fid);
  }

  /** Send the closes `closeCarried` kept back and the open that followed did not take again. */
  settle(): void {
    for (const m of this.mounts) m.holds?.settle();
  }

  /** True if `file` holds a host descriptor in its file system (its mount says so). */
  private holdsHostFile(file: OpenFile): boolean {
    return Vfs.counted(file) && this.mounts[file.place.mount]!.hostDescriptors;
  }

  /**
   * Give `file` a fid in the session; `retained` when the caller already holds its reference.
   * `token` receives the file system's page-cache token for a fid that may read (NO_TOKEN otherwise).
   */
  private addFid(badge: number, file: OpenFile, retained = false, token?: (t: OpenToken) => void): number {
    const s = this.session(badge);
    if (s.fids.size >= MAX_FIDS_PER_SESSION) return -Errno.NFILE;
    const host = this.holdsHostFile(file);
    if (host && s.hostFiles >= this.hostFilesPerSession) return -Errno.MFILE;
    const cached = retained ? NO_TOKEN : this.retain(file);
    if (typeof cached === 'number') return -cached;
    token?.(file.read ? cached : { ...cached, cached: 0, generation: 0 });
    if (!retained && typeof cached !== 'number') file.host = cached.host;
    if (!file.pipe && file.from === undefined) file.from = this.caller.incarnation(this.fs(file.place.mount).handle);
    const fid = (file.pipe && this.pipes.fidFor(file.pipe, file.write, (n) => s.fids.has(n))) ?? s.nextFid++;
    s.fids.set(fid, file);
    if (host) s.hostFiles++;
    if (file.pipe) this.pipes.held(file.pipe, badge, file.write, 1);
    return fid;
  }

  closeFid(badge: number, fid: number): number {
    const f = this.sessions.get(badge)?.fids.get(fid) ?? this.claimPipeFid(badge, fid);
    const s = this.sessions.get(badge);
    if (!s || !f) return Errno.BADF;
    s.fids.delete(fid);
    if (this.holdsHostFile(f)) s.hostFiles--;
    if (f.pipe) this.pipes.held(f.pipe, badge, f.write, -1);
    this.release(f);
    return Errno.SUCCESS;
  }

  endSession(badge: number): void {
    this.pipes.sessionEnded(badge);
    for (const [token, t] of [...this.shared]) if (t.sharer === badge) this.dropToken(token);
    const s = this.sessions.get(badge);
    if (!s) return;
    for (const fid of [...s.fids.keys()]) this.closeFid(badge, fid);
    this.sessions.delete(badge);
  }

  // ─── pipes and sharing ──────────────────────────────────────────────────────

  /** The pipes (pipe-table.ts): made here, or taken over from the VFS instance before. */
  private readonly pipes: PipeTable;

  /** A new pipe: a read fid and a write fid in the caller's session. */
  pipe(badge: number): { readFid: number; writeFid: number } | number {
    const p = this.pipes.make();
    const r = this.addFid(badge, { place: PIPE_PLACE, read: true, write: false, pipe: p });
    if (r < 0) return -r;
    const w = this.addFid(badge, { place: PIPE_PLACE, read: false, write: true, pipe: p });
    if (w < 0) {
      this.closeFid(badge, r);
      return -w;
    }
    return { readFid: r, writeFid: w };
  }

  /**
   * Offer an open fid to another session (a child the caller starts): returns a one-use token.
   * The token holds its own reference, so closing the fid before the token is taken loses nothing.
   */
  share(badge: number, fid: number): { token: number } | number {
    const f = this.fid(badge, fid);
    if (typeof f === 'number') return f;
    if (this.shared.size >= 4 * MAX_FIDS_PER_SESSION) return Errno.NFILE;
    let token = this.newToken();
    while (token === 0 || this.shared.has(token)) token = this.newToken();
    const held = this.retain(f);
    if (typeof held === 'number') return held;
    this.shared.set(token, { sharer: badge, file: f });
    if (f.pipe) this.pipes.shared(f.pipe, token, badge, f.write);
    return { token };
  }

  /** A share token no one will take (its sharer ended): its reference goes. */
  private dropToken(token: number): void {
    const t = this.shared.get(token)!;
    this.shared.delete(token);
    if (t.file.pipe) this.pipes.shared(t.file.pipe, token, null, t.file.write);
    this.release(t.file);
  }

  /** The idle round: answer callers waiting on pipes whose ends worked in place since (pipe.ts). */
  recheckPipes(): void {
    this.pipes.recheck();
  }

  /** Did this instance take over pipes of the VFS before it (pipe-table.ts)? Then it must learn which sessions are left. */
  tookOverPipes(): boolean {
    return this.pipes.tookOver;
  }

  /** The sessions the kernel says are alive: the others' pipe ends and share tokens are closed. */
  liveSessions(alive: ReadonlySet<number>): void {
    this.pipes.liveSessions(alive);
    for (const [token, t] of [...this.shared]) if (!alive.has(t.sharer)) this.dropToken(token);
  }

  /** A pipe end's state, for poll. */
  ready(badge: number, fid: number): { bytes: number; space: number; hangup: number } | number {
    const f = this.fid(badge, fid);
    if (typeof f === 'number') return f;
    if (!f.pipe) return Errno.INVAL;
    return { bytes: f.pipe.buffered, space: f.pipe.space, hangup: (f.write ? f.pipe.readers === 0 : f.pipe.writers === 0) ? 1 : 0 };
  }

  /** Take a shared fid into the caller's session. */
  redeem(badge: number, token: number): { fid: number; type: number } | number {
    const t = this.shared.get(token);
    if (!t) return Errno.BADF;
    this.shared.delete(token);
    if (t.file.pipe) this.pipes.shared(t.file.pipe, token, null, t.file.write);
    const fid = this.addFid(badge, t.file, true);
    if (fid < 0) {
      this.release(t.file);
      return -fid;
    }
    return { fid, type: t.file.place.type };
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  // ─── operations ─────────────────────────────────────────────────────────────

  openRoot(badge: number, path: string): { fid: number; type: number } | number {
    this.ensureMountPoints();
    const root = this.mountAt([]);
    if (!root) return Errno.NOENT;
    const place = path === '/' ? root : walk(this, root, path.replace(/^\/+/, ''), true);
    if (typeof place === 'number') return place;
    if (place.type !== FileType.DIRECTORY) return Errno.NOTDIR;
    const fid = this.addFid(badge, { place, read: true, write: true, pipe: null });
    return fid < 0 ? -fid : { fid, type: place.type };
  }

  /**
   * Open `path`; `cached` is 1 + the page-cache entry of the file's data when the fid may read it
   * through a token (0: none). `facts` learns what the walk depended on (for an open that creates
   * nothing).
   */
  open(badge: number, dirFid: number, lookup: number, oflags: number, rights: number, path: string, facts: WalkFacts = noWalkFacts()) {
    this.ensureMountPoints();
    const dir = this.dirFid(badge, dirFid);
    if (typeof dir === 'number') return dir;
    let place: Place | number;
    if (oflags & OFLAG_DIRECTORY && oflags & (OFLAG_CREAT | OFLAG_EXCL | OFLAG_TRUNC)) return Errno.INVAL;
    const decided = (errno: number): number => (facts.decided = errno);
    if (oflags & OFLAG_CREAT) {
      facts.oneFs = false;
      const pn = walkParent(this, dir.place, path);
      if (typeof pn === 'number') return pn;
      if (pn.trailingSlash) return Errno.ISDIR;
      const existing = pn.name === '.' || pn.name === '..' ? null : this.lookup(pn.parent.mount, pn.parent.node, pn.name);
      if (existing !== null && typeof existing !== 'number' && existing.type === FileType.SYMBOLIC_LINK) {
        if (oflags & OFLAG_EXCL) return Errno.EXIST;
        if (!(lookup & LOOKUP_FOLLOW)) return Errno.LOOP;
        place = walk(this, dir.place, path, true);
        if (typeof place === 'number') return place;
      } else {
        if (pn.name === '.' || pn.name === '..') return Errno.ISDIR;
        if (pn.parent.type !== FileType.DIRECTORY) return Errno.NOTDIR;
        if (existing !== null && typeof existing !== 'number' && existing.type === FileType.DIRECTORY) {
          return oflags & OFLAG_EXCL ? Errno.EXIST : Errno.ISDIR;
        }
        this.forget(pn.parent.mount, pn.parent.node, pn.name);
        const r = this.status(this.fs(pn.parent.mount).call('create', {
          dir: pn.parent.node, type: FileType.REGULAR_FILE, exclusive: oflags & OFLAG_EXCL ? 1 : 0, name: pn.name, target: '',
        }));
        if (typeof r === 'number') return r;
        place = { mount: pn.parent.mount, node: r.node, type: r.type, path: [...pn.parent.path, pn.name] };
      }
    } else {
      place = walk(this.recording(dir.place, facts), dir.place, path, (lookup & LOOKUP_FOLLOW) !== 0);
      if (typeof place === 'number') return decided(place);
      if (place.mount !== facts.home) facts.oneFs = false;
    }
    if (place.type === FileType.SYMBOLIC_LINK) return decided(Errno.LOOP);
    if (oflags & OFLAG_DIRECTORY && place.type !== FileType.DIRECTORY) return decided(Errno.NOTDIR);
    if (place.type === FileType.DIRECTORY && rights & FID_WRITE) return decided(Errno.ISDIR);
    if (oflags & OFLAG_TRUNC) {
      if (place.type === FileType.DIRECTORY) return Errno.ISDIR;
      const t = this.status(this.fs(place.mount).call('truncate', { node: place.node, size: 0 }));
      if (typeof t === 'number') return t;
    }
    let token = NO_TOKEN;
    const file: OpenFile = { place, read: (rights & FID_READ) !== 0, write: (rights & FID_WRITE) !== 0, pipe: null };
    const fid = this.addFid(badge, file, false, (t) => { token = t; });
    if (fid < 0) return -fid;
    const a = token.attributes;
    const g = grantFor(file, this.granting);
    return {
      fid, errno: 0, type: place.type, cached: token.cached, generation: token.generation,
      changeWord: a ? token.changeWord : -1, change: token.change,
      dev: place.mount + 1, ino: a?.ino ?? 0, nlink: a?.nlink ?? 0, size: a?.size ?? 0, atim: a?.atim ?? 0n, mtim: a?.mtim ?? 0n, ctim: a?.ctim ?? 0n,
      direct: g.direct, holder: g.holder, via: g.via, node: g.node, from: g.from, host: g.host, hostDev: g.hostDev, hostIno: g.hostIno, hostTimes: g.hostTimes, words: NO_WORDS,
    };
  }

  /** This VFS as grants name it (direct-grants.ts); a mount's answer is fixed, as the mount table is. */
  private readonly granting: GrantingVfs = {
    pid: () => this.caller.pid,
    handleOf: (mount) => this.fs(mount).handle,
    mountsInside: (mount) => mountsInside(this.mounts, mount),
  };

  /** The direct file of the caller's `fid` (the vfs protocol's `grant`): none for a fid it does not hold or whose file system was restarted. */
  directGrant(badge: number, fid: number): DirectGrant {
    const f = this.fid(badge, fid);
    return typeof f === 'number' ? NO_DIRECT : grantFor(f, this.granting);
  }

  stat(place: Place) {
    const r = this.status(this.fs(place.mount).call('getattr', { node: place.node }));
    if (typeof r === 'number') return r;
    return { dev: place.mount + 1, ino: r.ino, type: r.type, nlink: r.nlink, size: r.size, atim: r.atim, mtim: r.mtim, ctim: r.ctim };
  }

  /**
   * stat of `path` under directory fid `dirFid`, with the change-word token it holds under when
   * every name the walk looked up was on the directory's own file system and that file system
   * has a change word (read before the walk, so any change during it shows as a stale token).
   */
  statPath(badge: number, dirFid: number, path: string, follow: boolean, facts: WalkFacts = noWalkFacts()) {
    this.ensureMountPoints();
    const dir = this.dirFid(badge, dirFid);
    if (typeof dir === 'number') return dir;
    const place = walk(this.recording(dir.place, facts), dir.place, path, follow);
    if (typeof place === 'number') return (facts.decided = place);
    // The mount the walk ended on (a mount's root, reached without a lookup there) is touched before its attributes are read.
    const i32 = this.caller.arena.i32;
    touch(facts, i32, place.mount, (mount) => this.mountWords(mount));
    const st = this.stat(place);
    if (typeof st === 'number') return st;
    return { ...st, ...walkToken(facts, i32, place.mount, place.node) };
  }

  /** The token of a failed walk recorded in `facts` (walk-facts.ts). */
  failureToken(facts: WalkFacts): WalkToken {
    return walkToken(facts, this.caller.arena.i32, -1, -1);
  }

  /** A mount's change word and first slot, once an open on it has named them (-1: none known). */
  private mountWords(mount: number): MountWords {
    const m = this.mounts[mount];
    return { word: m?.changeWord ?? -1, slots: m?.changeSlots ?? -1 };
  }

  /**
   * This VFS as a WalkFs that notes in `facts` every name looked up and on which file system,
   * each file system's change word read before the walk first touches it (known once an open on
   * it named one).
   */
  private recording(start: Place, facts: WalkFacts): WalkFs {
    const i32 = this.caller.arena.i32;
    startFacts(facts, i32, start.mount, this.mountWords(start.mount));
    return recordingWalks(this, facts, i32, (mount) => this.mountWords(mount));
  }

  statFid(badge: number, fid: number) {
    const f = this.fid(badge, fid);
    if (typeof f === 'number') return f;
    if (f.pipe) return { dev: 0, ino: 0, type: FileType.UNKNOWN, nlink: 1, size: f.pipe.buffered, atim: 0n, mtim: 0n, ctim: 0n };
    return this.stat(f.place);
  }

  placeAt(badge: number, dirFid: number, path: string, follow: boolean): Place | number {
    this.ensureMountPoints();
    const dir = this.dirFid(badge, dirFid);
    if (typeof dir === 'number') return dir;
    return walk(this, dir.place, path, follow);
  }

  parentOf(badge: number, dirFid: number, path: string) {
    this.ensureMountPoints();
    const dir = this.dirFid(badge, dirFid);
    if (typeof dir === 'number') return dir;
    return walkParent(this, dir.place, path);
  }

  create(badge: number, dirFid: number, path: string, type: number, target: string): number {
    const pn = this.parentOf(badge, dirFid, path);
    if (typeof pn === 'number') return pn;
    if (pn.name === '.' || pn.name === '..') return Errno.EXIST;
    if (pn.trailingSlash && type !== FileType.DIRECTORY) return Errno.NOENT;
    // No file system keeps a link that points out of it (fs-protocol.ts: symlinkLeavesRoot).
    if (type === FileType.SYMBOLIC_LINK && symlinkLeavesRoot(pn.parent.path.length - this.mounts[pn.parent.mount]!.path.length, target)) return Errno.PERM;
    this.forget(pn.parent.mount, pn.parent.node, pn.name);
    const r = this.status(this.fs(pn.parent.mount).call('create', { dir: pn.parent.node, type, exclusive: 1, name: pn.name, target }));
    return typeof r === 'number' ? r : Errno.SUCCESS;
  }

  unlink(badge: number, dirFid: number, path: string, directory: boolean): number {
    const pn = this.parentOf(badge, dirFid, path);
    if (typeof pn === 'number') return pn;
    if (pn.name === '.' || pn.name === '..') return directory ? Errno.INVAL : Errno.ISDIR;
    const target = this.lookup(pn.parent.mount, pn.parent.node, pn.name);
    if (typeof target === 'number') return target;
    if (!directory && pn.trailingSlash) return target.type === FileType.DIRECTORY ? Errno.ISDIR : Errno.NOTDIR;
    if (directory && this.mountAt([...pn.parent.path, pn.name])) return Errno.BUSY;
    this.forget(pn.parent.mount, pn.parent.node, pn.name);
    const r = this.status(this.fs(pn.parent.mount).call('unlink', { dir: pn.parent.node, directory: directory ? 1 : 0, name: pn.name }));
    return typeof r === 'number' ? r : Errno.SUCCESS;
  }

  rename(badge: number, fromDir: number, from: string, toDir: number, to: string): number {
    const a = this.parentOf(badge, fromDir, from);
    if (typeof a === 'number') return a;
    const b = this.parentOf(badge, toDir, to);
    if (typeof b === 'number') return b;
    if (a.name === '.' || a.name === '..' || b.name === '.' || b.name === '..') return Errno.BUSY;
    if (a.parent.mount !== b.parent.mount) return Errno.XDEV;
    const src = this.lookup(a.parent.mount, a.parent.node, a.name);
    if (typeof src === 'number') return src;
    if ((a.trailingSlash || b.trailingSlash) && src.type !== FileType.DIRECTORY) return Errno.NOTDIR;
    this.forget(a.parent.mount, a.parent.node, a.name);
    this.forget(b.parent.mount, b.parent.node, b.name);
    const r = this.status(this.fs(a.parent.mount).call('rename', { fromDir: a.parent.node, toDir: b.parent.node, fromName: a.name, toName: b.name }));
    return typeof r === 'number' ? r : Errno.SUCCESS;
  }

  link(badge: number, fromDir: number, from: string, follow: boolean, toDir: number, to: string): number {
    const src = this.placeAt(badge, fromDir, from, follow);
    if (typeof src === 'number') return src;
    const b = this.parentOf(badge, toDir, to);
    if (typeof b === 'number') return b;
    if (b.name === '.' || b.name === '..') return Errno.EXIST;
    if (src.mount !== b.parent.mount) return Errno.XDEV;
    if (src.type === FileType.DIRECTORY) return Errno.PERM;
    if (b.trailingSlash) return Errno.NOENT;
    this.forget(b.parent.mount, b.parent.node, b.name);
    const r = this.status(this.fs(src.mount).call('link', { node: src.node, dir: b.parent.node, name: b.name }));
    return typeof r === 'number' ? r : Errno.SUCCESS;
  }

  /** Rewrite a read/write request on `fid` into the owning file system's request; returns its handle. */
  prepareForward(badge: number, fid: number, regs: Float64Array, write: boolean): number {
    const f = this.fid(badge, fid);
    if (typeof f === 'number') return -f;
    if (f.pipe) return -Errno.SPIPE;
    if (f.place.type === FileType.DIRECTORY) return -Errno.ISDIR;
    if (write ? !f.write : !f.read) return -Errno.BADF;
    regs[FORWARD_REGISTER] = f.place.node;
    return this.fs(f.place.mount).handle;
  }

  fidWritable(badge: number, fid: number): boolean {
    const f = this.fid(badge, fid);
    return typeof f !== 'number' && f.write;
  }

  /** Where an open file lives; EINVAL for a pipe end, which has no file system behind it. */
  fidPlace(badge: number, fid: number): Place | number {
    const f = this.fid(badge, fid);
    if (typeof f === 'number') return f;
    return f.pipe ? Errno.INVAL : f.place;
  }

  fsOf(place: Place): ProtocolClient<FsProtocol> {
    return this.fs(place.mount);
  }

  /** `place`'s file system cached its data as page-cache `entry` (a `map`): the next opens say so. */
  mapped(place: Place, entry: number, generation: number): void {
    this.mounts[place.mount]!.holds?.cached(place.node, entry, generation);
  }
}

/**
 * A process's local kernel: the trusted code in each process thread, beside the untrusted
 * program. It holds the IPC clients the process uses (kernel, VFS, console) and the raw,
 * allocation-free paths for the hottest calls (file reads and writes, console writes), which
 * copy between guest memory and the call slot's bulk buffer directly.
 *
 * Everything here returns WASI errno values. A VFS call that finds the process's session lost (the
 * VFS or a file system was restarted) re-establishes it and is retried where that is safe
 * (session-recovery.ts, recovering-vfs.ts); other transport failures (a service died) become EIO.
 */

import type { Caller } from '../ipc/caller.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import { kernelProtocol } from '../abi/protocols/kernel.js';
import { Status } from '../abi/status.js';
import { consoleProtocol } from '../abi/protocols/console.js';
import { FID_READ, IO_NONBLOCK, OFLAG_CREAT, WANT_KEPT_FAILURES, openFlags, vfsProtocol } from '../abi/protocols/vfs.js';
import { NET_NONBLOCK, netProtocol } from '../abi/protocols/net.js';
import { Errno } from '../abi/errno.js';
import { type FdEntry, FdTable, type FileOrigin, type StatFields } from './fd-table.js';
import { FileTokens } from './file-tokens.js';
import type { HostFiles, LocalOpen } from '../host/host-files.js';
import type { HostFs } from '../host/host-fs.js';
import { DirectHostDirs } from './direct-host-dirs.js';
import { DirectFiles } from './direct-files.js';
import { LocalOpens, type OpenedUnder, isLocalFid } from './local-opens.js';
import type { HostCopyIdentity } from '../ipc/host-copies.js';
import { markPipe, movedByCut } from '../ipc/pipe-cut.js';
import { DirectPipes } from './direct-pipes.js';
import { AnswerCache, answerToken } from './answer-cache.js';
import { RecoveringVfsClient } from './recovering-vfs.js';
import { SessionRecovery } from './session-recovery.js';
import { concatBytes } from '../abi/bytes.js';
import { type AddressToken, tokenValid } from '../ipc/address-token.js';
import type { CallResult, Rep } from '../ipc/protocol-client.js';
import { type ProcessRow, readProcessTable } from '../ipc/process-table.js';

const VW = vfsProtocol.layouts.write;
type VfsOpenReply = Rep<typeof vfsProtocol, 'open'>;
const VR = vfsProtocol.layouts.read;
const CW = consoleProtocol.layouts.write;
const CR = consoleProtocol.layouts.read;

export class LocalKernel {
  readonly kernel: ProtocolClient<typeof kernelProtocol>;
  /** The VFS, recovering the session when it is lost (recovering-vfs.ts). */
  readonly vfs: ProtocolClient<typeof vfsProtocol>;
  /** The VFS without recovery: what recovery itself calls. */
  private readonly rawVfs: ProtocolClient<typeof vfsProtocol>;
  /** Re-establishes the VFS session after a restart. */
  readonly recovery: SessionRecovery;
  readonly console: ProtocolClient<typeof consoleProtocol>;
  /** Largest payload one call can carry. */
  readonly maxChunk: number;

  /** The net service, for processes given sockets (null otherwise). */
  readonly net: ProtocolClient<typeof netProtocol> | null;
  /** Page-cache tokens of the files this process reads (reads without IPC). */
  readonly fileTokens: FileTokens;

  /** Open files whose reads and writes go straight to their file system (direct-files.ts). */
  readonly direct: DirectFiles;
  /** Directories on host directories whose one-name calls it makes itself (direct-host-dirs.ts). */
  readonly hostDirs: DirectHostDirs;
  /** Pipe ends read and written in place on their ring (direct-pipes.ts). */
  readonly pipes: DirectPipes;
  /** Regular files in direct host directories it opens itself (local-opens.ts). */
  readonly localOpens: LocalOpens;

  /**
   * `deferClose`: carry a file's close on the next open (releaseFd); false sends each at once.
   * `directFiles`: take the direct files opens grant; false sends every read and write to the VFS.
   * `localOpens`: open regular files in direct host directories here (needs `hostFiles`).
   */
  constructor(
    readonly caller: Caller, vfsHandle: number, consoleHandle: number, netHandle = 0, private readonly deferClose = true, directFiles = true,
    hostFiles: HostFiles | null = null, hostFs: HostFs | null = null, localOpens = true,
  ) {
    this.kernel = new ProtocolClient(kernelProtocol, caller, 0);
    this.rawVfs = new ProtocolClient(vfsProtocol, caller, vfsHandle);
    this.recovery = new SessionRecovery(caller, vfsHandle, {
      openRoot: (path) => result(this.rawVfs.call('openRoot', { path })),
      open: (dir, lookup, oflags, path) => {
        const r = result(this.rawVfs.call('open', { dir, lookup, oflags, close: 0, want: 0, path }));
        if (typeof r !== 'number') this.direct.opened(r);
        return r;
      },
      close: (fid) => { this.rawVfs.call('close', { fid }); },
      forget: (fid) => this.forgetFile(fid),
      write: (fid, offset, data) => {
        const r = this.rawVfs.call('write', { fid, offset, append: 0, data });
        return r.transport !== Status.OK ? Errno.IO : r.status;
      },
    }, () => performance.now());
    this.vfs = new RecoveringVfsClient(caller, vfsHandle, () => this.recovery);
    this.console = new ProtocolClient(consoleProtocol, caller, consoleHandle);
    this.net = netHandle ? new ProtocolClient(netProtocol, caller, netHandle) : null;
    this.maxChunk = caller.bulk.length;
    // The raw client: a `map` that finds the session lost must not re-establish it from inside a
    // read, which would go on with the fid recovery just closed (EBADF); the read's own call finds
    // the loss and recovers with the fid it moved to.
    this.fileTokens = new FileTokens(caller, this.rawVfs, () => performance.now());
    // A grant, null when the VFS refused one, undefined when the call did not get through.
    const grant = (fid: number) => {
      const r = this.rawVfs.call('grant', { fid });
      if (r.transport !== Status.OK) return undefined;
      return r.status === 0 ? { fid, ...r.reply! } : null;
    };
    this.direct = new DirectFiles(caller, vfsHandle, directFiles, grant, hostFiles);
    this.hostDirs = new DirectHostDirs(caller, vfsHandle, hostFiles, hostFs?.resolvesAtDirectory ? hostFs : null, grant);
    this.pipes = new DirectPipes(caller, vfsHandle, grant);
    this.answers = new AnswerCache(caller.arena);
    const openByOrigin = (o: FileOrigin, under: OpenedUnder | undefined) => {
      if (under) {
        // One call, carrying the last close, while the directory the open was made in is open.
        const r = this.open(under.dir, o.lookup, o.oflags, under.path);
        if (typeof r !== 'number') this.opened(r);
        if (typeof r !== 'number' || (r !== Errno.BADF && r !== Errno.STALE && r !== Errno.IO)) return r;
      }
      const root = result(this.vfs.call('openRoot', { path: o.root }));
      if (typeof root === 'number') return root;
      const r = result(this.vfs.call('open', { dir: root.fid, lookup: o.lookup, oflags: o.oflags, close: 0, want: 0, path: o.path }));
      this.vfs.call('close', { fid: root.fid });
      if (typeof r !== 'number') this.opened(r);
      return r;
    };
    const closeVfs = (fid: number) => {
      this.forgetFile(fid);
      this.vfs.call('close', { fid });
    };
    // The VFS's open of the file (carrying the last close), its file system's copy of it, and the
    // fid's close left to be carried by the next open: the copy outlives the open.
    const fillCopy = (dir: number, path: string, id: HostCopyIdentity) => {
      const r = this.open(dir, 0, openFlags(0, FID_READ), path);
      if (typeof r === 'number') return;
      if (r.host >= 0 && r.hostDev === id.dev && r.hostIno === id.ino) this.rawVfs.call('map', { fid: r.fid });
      this.forgetFile(r.fid);
      // open() carried the close that was pending: this one the next open carries.
      if (this.deferClose) this.pendingClose = r.fid;
      else this.vfs.call('close', { fid: r.fid });
    };
    this.localOpens = new LocalOpens(localOpens && directFiles ? hostFiles : null, this.hostDirs, this.direct, openByOrigin, closeVfs, caller.arena, fillCopy);
  }

  /** Open `path` under directory fid `dir` here (local-opens.ts): its local fid, -errno, or null to ask the VFS. */
  openHere(dir: number, path: string, how: LocalOpen): number | null {
    return this.localOpens.open(dir, path, how);
  }

  /** `e`'s fid as the VFS knows it, a local open made the VFS's first (local-opens.ts); -errno if it cannot be. */
  vfsFid(e: FdEntry): number {
    return this.localOpens.materialize(e);
  }

  /**
   * Answers the VFS said stay true while a change word holds (answer-cache.ts): stat by path
   * (attributes or errno) and failed opens (errno), by the request that asked.
   */
  readonly answers: AnswerCache<StatFields | number>;

  /** stat of `path` under directory fid `dir`: kept while its answer holds, else asked (and kept when the VFS says it may be). Errno on failure. */
  statPath(dir: number, lookup: number, path: string): StatFields | number {
    const key = `s${dir}\0${lookup}\0${path}`;
    const kept = this.answers.get(key);
    if (kept !== undefined) return kept;
    const here = this.hostDirs.stat(dir, path, (lookup & 1) !== 0);
    if (here !== null) return here;
    const r = this.vfs.call('statPath', { dir, lookup, want: WANT_KEPT_FAILURES, path });
    if (r.transport !== Status.OK) return Errno.IO;
    if (r.status !== 0) return r.status;
    const { errno, changeWord, change, words, dev, ino, type, nlink, size, atim, mtim, ctim } = r.reply!;
    const answer = errno !== 0 ? errno : { dev, ino, type, nlink, size, atim, mtim, ctim };
    const token = answerToken(this.caller.arena, changeWord, change, words);
    if (token) this.answers.set(key, answer, token);
    return answer;
  }

  /**
   * Every live process (ps, top): read straight from the arena's process table while this
   * process holds the kernel's process-table token, else through the kernel's `processes` call,
   * whose reply grants the token for next time. Errno on failure.
   */
  processTable(): ProcessRow[] | number {
    const arena = this.caller.arena;
    if (this.tableToken) {
      const rows = readProcessTable(arena, this.tableToken);
      if (rows) {
        this.tableStats.local++;
        return rows;
      }
      this.tableToken = null;
    }
    const r = this.kernel.call('processes', {});
    if (r.transport !== Status.OK || r.status !== 0) return Errno.IO;
    this.tableStats.ipc++;
    const { table, granted, generation } = r.reply!;
    if (granted === 1) this.tableToken = { word: arena.procTableGenerationWord, generation };
    return JSON.parse(table) as ProcessRow[];
  }

  private tableToken: AddressToken | null = null;
  /** How process-table reads were answered: from the table under the token, or by IPC. */
  readonly tableStats = { local: 0, ipc: 0 };

  /**
   * Stop this process with stop signal `signal` (POSIX number), as a job-control stop: the kernel
   * marks it stopped (its parent's untraced wait hears of it) and it parks here until continued.
   */
  stopSelf(signal: number): number {
    const r = this.kernel.call('raise', { signal });
    if (r.transport !== Status.OK) return Errno.IO;
    if (r.status !== 0) return r.status === Status.INVALID_ARGS ? Errno.INVAL : Errno.IO;
    this.caller.slot.parkWhileStopped();
    return Errno.SUCCESS;
  }

  /**
   * One fd let go of `e`: close what it names once no other fd names it (dup2 shares entries; a
   * directory opened as '.' shares its fid with the entry it was opened under: another entry of
   * `fds`). A file's or directory's close is deferred: the next open carries it to the VFS (one
   * call where there were two), and anything that could notice the difference — an unlink, a
   * rename — sends it first (flushClose). A pipe end's close is sent at once: the other end waits on it.
   */
  releaseFd(e: FdEntry, fds: FdTable): void {
    if (!FdTable.release(e) || e.kind === 'console') return;
    if (e.kind === 'dir' && fds.sharesFid(e)) return;
    if (e.kind === 'socket') this.net?.call('close', { sock: e.fid });
    else if (isLocalFid(e.fid)) this.forgetFile(e.fid);
    else if (e.kind === 'file' || e.kind === 'dir') {
      this.forgetFile(e.fid);
      this.flushClose();
      if (this.deferClose) this.pendingClose = e.fid;
      else this.vfs.call('close', { fid: e.fid });
    } else {
      if (e.kind === 'pipe') this.pipes.forget(e.fid);
      this.vfs.call('close', { fid: e.fid });
    }
  }

  /** An open the process keeps: take the page-cache token and the direct file its reply carries. */
  opened(r: VfsOpenReply): void {
    this.fileTokens.opened(r);
    this.direct.opened(r);
  }

  /** A file's or directory's fid is being closed (or was lost): forget what was kept for it. */
  forgetFile(fid: number): void {
    this.localOpens.forget(fid);
    this.fileTokens.forget(fid);
    this.direct.forget(fid);
    this.hostDirs.forget(fid);
  }

  /** The process is ending: close the host descriptors of its direct host files and directories. */
  end(): void {
    this.direct.end();
    this.hostDirs.end();
  }

  /** The fid whose close the next open carries (-1: none). */
  private pendingClose = -1;

  /** Send the deferred close now, if there is one. */
  flushClose(): void {
    if (this.pendingClose < 0) return;
    const fid = this.pendingClose;
    this.pendingClose = -1;
    this.vfs.call('close', { fid });
  }

  /**
   * VFS open of `path` under directory fid `dir`, carrying the deferred close: the reply, or an
   * errno. A failure the VFS says stays true while a change word holds is kept, and the same open
   * asked again fails without a call (a build probing its include directories).
   */
  open(dir: number, lookup: number, oflags: number, path: string): VfsOpenReply | number {
    const key = oflags & OFLAG_CREAT ? null : `o${dir}\0${lookup}\0${oflags}\0${path}`;
    const kept = key === null ? undefined : this.answers.get(key);
    if (typeof kept === 'number') return kept;
    const close = this.pendingClose + 1;
    this.pendingClose = -1;
    const r = this.vfs.call('open', { dir, lookup, oflags, close, want: WANT_KEPT_FAILURES, path });
    if (r.transport !== Status.OK) return Errno.IO;
    if (r.status !== 0) return r.status;
    const reply = r.reply!;
    if (reply.errno === 0) return reply;
    const token = key === null ? null : answerToken(this.caller.arena, reply.changeWord, reply.change, reply.words);
    if (token) this.answers.set(key!, reply.errno, token);
    return reply.errno;
  }

  /** The attributes an open returned, with the token they hold under (undefined: the file system gave none). */
  static attributesFromOpen(r: VfsOpenReply): FdEntry['attributes'] {
    if (r.changeWord < 0) return undefined;
    const { dev, ino, type, nlink, size, atim, mtim, ctim } = r;
    return { stat: { dev, ino, type, nlink, size, atim, mtim, ctim }, token: { word: r.changeWord, generation: r.change } };
  }

  /** `e`'s attributes without a call, if those its open returned still hold; else null (ask the VFS). */
  attributesOf(e: FdEntry): StatFields | null {
    const a = e.attributes;
    if (!a) return null;
    if (tokenValid(this.caller.arena, a.token)) {
      this.attributeStats.local++;
      return a.stat;
    }
    e.attributes = undefined;
    return null;
  }

  /** How often fd_filestat_get was answered from an open's attributes. */
  readonly attributeStats = { local: 0 };

  /** Receive from a connected socket into `into` (one call; waits unless `nonblock`). [errno, bytes]. */
  sockRecv(sock: number, into: readonly Uint8Array[], nonblock: boolean): [number, number] {
    if (!this.net) return [Errno.NOTSOCK, 0];
    const want = Math.min(into.reduce((a, b) => a + b.length, 0), this.maxChunk);
    const r = this.net.call('recv', { sock, max: want, flags: nonblock ? NET_NONBLOCK : 0 });
    if (r.transport !== Status.OK) return [this.transportErrno(r.transport), 0];
    if (r.status !== 0) return [r.status, 0];
    scatter(r.reply!.data, into);
    return [Errno.SUCCESS, r.reply!.data.length];
  }

  /** Send all of `parts` on a connected socket. [errno, bytes]. */
  sockSend(sock: number, parts: readonly Uint8Array[]): [number, number] {
    if (!this.net) return [Errno.NOTSOCK, 0];
    const all = gather(parts);
    let done = 0;
    do {
      const n = Math.min(all.length - done, this.maxChunk - 64);
      const r = this.net.call('send', { sock, data: all.subarray(done, done + n) });
      if (r.transport !== Status.OK) return [done > 0 ? Errno.SUCCESS : this.transportErrno(r.transport), done];
      if (r.status !== 0) return [done > 0 ? Errno.SUCCESS : r.status, done];
      done += r.reply!.sent;
    } while (done < all.length);
    return [Errno.SUCCESS, done];
  }

  private transportErrno(s: Status): number {
    return s === Status.OK ? Errno.SUCCESS : Errno.IO;
  }

  /**
   * Write `parts` (guest memory views) to a file at `offset` (or at its end when `append`).
   * Returns [errno, bytes written, offset after]. Larger data goes in bulk-sized calls.
   */
  fileWrite(fid: number, offset: number, append: boolean, parts: readonly Uint8Array[]): [number, number, number] {
    if (fid < 0) return [Errno.IO, 0, offset];
    this.direct.note(fid);
    // A direct host file: the host's write, here. The host has every byte written before it too
    // (hostfs writes straight to the host): session recovery must not write those kept for a
    // restart again over this one, so it keeps none for the fid from now on.
    if (append) {
      const r = this.direct.hostAppend(fid, parts);
      if (r !== null) {
        this.recovery.synced(fid);
        return r[0] !== Errno.SUCCESS && r[1] === 0 ? [r[0], 0, offset] : r;
      }
    } else {
      const host = this.direct.hostFd(fid, true);
      if (host >= 0) {
        this.recovery.synced(fid);
        const [errno, n] = this.direct.hostWrite(fid, host, offset, parts);
        return [errno, n, offset + n];
      }
    }
    if (isLocalFid(fid)) return [Errno.BADF, 0, offset];
    let attempt = 0;
    const regs = this.caller.regs;
    const bulk = this.caller.bulk;
    let total = 0;
    let at = offset;
    let pi = 0;
    let po = 0;
    for (;;) {
      let n = 0;
      while (pi < parts.length && n < bulk.length) {
        const p = parts[pi]!;
        const take = Math.min(p.length - po, bulk.length - n);
        bulk.set(p.subarray(po, po + take), n);
        n += take;
        po += take;
        if (po === p.length) { pi++; po = 0; }
      }
      if (n === 0 && total > 0) break;
      regs[0] = 0;
      regs[VW.request.regs.fid!] = fid;
      regs[VW.request.regs.offset!] = at;
      regs[VW.request.regs.append!] = append ? 1 : 0;
      regs[VW.request.bulk.data![0]] = 0;
      regs[VW.request.bulk.data![1]] = n;
      const t = this.direct.invoke(fid, true) ?? this.caller.invoke(this.vfs.handle, VW.label);
      if (t !== Status.OK || regs[0] !== 0) {
        const e = t !== Status.OK ? -1 : regs[0]!;
        // Lost session: re-establish it and write the chunk again (at an offset it lands on the
        // same bytes), unless an append was cut and may have landed already.
        const again = append && t === Status.PEER_CLOSED ? -1 : this.recovery.regain(t, e, fid, attempt++);
        if (again < 0) {
          const lost = this.recovery.lost(t, e);
          if (lost) this.recovery.stats.failed++;
          return [total > 0 ? Errno.SUCCESS : lost || t !== Status.OK ? Errno.IO : e, total, at];
        }
        fid = again;
        this.recovery.stats.retried++;
        [pi, po] = skip(parts, total);
        continue;
      }
      const written = regs[VW.reply.regs.written!]!;
      total += written;
      at = regs[VW.reply.regs.end!]!;
      this.recovery.wrote(fid, at - written, bulk.subarray(0, written));
      if (written < n || pi >= parts.length) break;
    }
    return [Errno.SUCCESS, total, at];
  }

  /**
   * fsync (`dataOnly`: fdatasync) a direct host file in this thread: its errno, or null when the
   * fid is not one (ask the VFS). Its writes are the host's now: session recovery keeps none.
   */
  syncHere(fid: number, dataOnly: boolean): number | null {
    const r = this.direct.hostSync(fid, dataOnly);
    if (r === Errno.SUCCESS) this.recovery.synced(fid);
    return r;
  }

  /** Read up to `into`'s total length from a file at `offset`. Returns [errno, bytes read]. */
  fileRead(fid: number, offset: number, into: readonly Uint8Array[]): [number, number] {
    if (fid < 0) return [Errno.IO, 0];
    // A local open is read from the page-cache copy its open found (host-copies.ts), else on its
    // own descriptor: the VFS, which grants page-cache tokens, has never heard of its fid.
    if (isLocalFid(fid)) {
      let copied = this.direct.readCopy(fid, offset, into);
      if (copied < 0 && this.localOpens.copyAtFirstRead(fid)) copied = this.direct.readCopy(fid, offset, into);
      if (copied >= 0) return [Errno.SUCCESS, copied];
      const own = this.direct.hostFd(fid, false);
      return own >= 0 ? this.direct.hostRead(own, offset, into) : [Errno.BADF, 0];
    }
    let attempt = 0;
    const cached = this.fileTokens.read(fid, offset, into);
    if (cached >= 0) return [Errno.SUCCESS, cached];
    this.direct.note(fid);
    const host = this.direct.hostFd(fid, false);
    if (host >= 0) return this.direct.hostRead(host, offset, into);
    const regs = this.caller.regs;
    const bulk = this.caller.bulk;
    let total = 0;
    for (const dst of into) {
      let done = 0;
      while (done < dst.length) {
        const want = Math.min(dst.length - done, bulk.length);
        regs[0] = 0;
        regs[VR.request.regs.fid!] = fid;
        regs[VR.request.regs.offset!] = offset + total;
        regs[VR.request.regs.length!] = want;
        regs[VR.request.regs.flags!] = 0;
        const t = this.direct.invoke(fid, false) ?? this.caller.invoke(this.vfs.handle, VR.label);
        if (t !== Status.OK || regs[0] !== 0) {
          const e = t !== Status.OK ? -1 : regs[0]!;
          // Lost session: re-establish it and read again at the same offset.
          const again = this.recovery.regain(t, e, fid, attempt++);
          if (again < 0) {
            const lost = this.recovery.lost(t, e);
            if (lost) this.recovery.stats.failed++;
            return [total > 0 ? Errno.SUCCESS : lost || t !== Status.OK ? Errno.IO : e, total];
          }
          fid = again;
          this.recovery.stats.retried++;
          continue;
        }
        const off = regs[VR.reply.bulk.data![0]]!;
        const len = Math.min(regs[VR.reply.bulk.data![1]]!, want);
        dst.set(bulk.subarray(off, off + len), done);
        done += len;
        total += len;
        if (len < want) return [Errno.SUCCESS, total];
      }
    }
    return [Errno.SUCCESS, total];
  }

  /**
   * Read from a pipe end: one call (it may wait for data), scattered over `into`. Returns
   * [errno, bytes]; 0 bytes is end of input.
   */
  pipeRead(fid: number, into: readonly Uint8Array[], nonblock: boolean): [number, number] {
    const want = Math.min(into.reduce((a, b) => a + b.length, 0), this.maxChunk);
    if (want === 0) return [Errno.SUCCESS, 0];
    const inPlace = this.pipes.read(fid, into, nonblock);
    if (inPlace !== null) return inPlace;
    const regs = this.caller.regs;
    for (let attempt = 0; ; ) {
      regs[0] = 0;
      regs[VR.request.regs.fid!] = fid;
      regs[VR.request.regs.offset!] = 0;
      regs[VR.request.regs.length!] = want;
      regs[VR.request.regs.flags!] = nonblock ? IO_NONBLOCK : 0;
      const mark = markPipe(this.caller.arena, fid);
      const t = this.caller.invoke(this.vfs.handle, VR.label);
      if (t === Status.OK && regs[0] === 0) break;
      if (t !== Status.OK) {
        // Cut: the VFS may have taken bytes into the bulk buffer before its end (ipc/pipe-cut.ts).
        const moved = movedByCut(mark);
        if (moved === null) return [Errno.IO, 0];
        if (moved > 0) {
          scatter(this.caller.bulk.subarray(0, moved), into);
          return [Errno.SUCCESS, moved];
        }
      }
      // The VFS restarted: wait for the new one, which took the pipe over, and read again.
      const e = this.pipeRetry(t, fid, attempt++);
      if (e !== 0) return [e, 0];
    }
    const off = regs[VR.reply.bulk.data![0]]!;
    const len = Math.min(regs[VR.reply.bulk.data![1]]!, want);
    scatter(this.caller.bulk.subarray(off, off + len), into);
    return [Errno.SUCCESS, len];
  }

  /**
   * Write all of `parts` to a pipe end, waiting for room as needed (or, with `nonblock`, writing
   * what fits now). Returns [errno, bytes written]; EPIPE once no reader is left.
   */
  pipeWrite(fid: number, parts: readonly Uint8Array[], nonblock: boolean): [number, number] {
    const { result, rest } = this.pipes.write(fid, parts, nonblock);
    if (result !== null && !rest) return result;
    const regs = this.caller.regs;
    const bulk = this.caller.bulk;
    const all = gather(parts);
    let done = result !== null ? result[1] : 0;
    let attempt = 0;
    while (done < all.length || (all.length === 0 && done === 0)) {
      const n = Math.min(all.length - done, bulk.length);
      bulk.set(all.subarray(done, done + n), 0);
      regs[0] = 0;
      regs[VW.request.regs.fid!] = fid;
      regs[VW.request.regs.offset!] = 0;
      regs[VW.request.regs.append!] = nonblock ? IO_NONBLOCK : 0;
      regs[VW.request.bulk.data![0]] = 0;
      regs[VW.request.bulk.data![1]] = n;
      const mark = markPipe(this.caller.arena, fid);
      const t = this.caller.invoke(this.vfs.handle, VW.label);
      if (t !== Status.OK || regs[0] !== 0) {
        // As for a read: what a cut write put in counts, and only the rest is written again.
        const moved = t === Status.OK ? 0 : movedByCut(mark);
        if (moved === null) return [Errno.IO, done];
        done += moved;
        const e = this.pipeRetry(t, fid, attempt++);
        if (e === 0) continue;
        return [done > 0 && (e === Errno.AGAIN || t !== Status.OK) ? Errno.SUCCESS : e, done];
      }
      attempt = 0;
      done += regs[VW.reply.regs.written!]!;
      if (all.length === 0 || nonblock) break;
    }
    return [Errno.SUCCESS, done];
  }

  /**
   * A pipe read or write on `fid` failed with transport status `t` (or the errno in register 0)
   * on try `attempt`: 0 to try again — the VFS was restarted and its successor serves now, and a
   * pipe end keeps its fid across that (session-recovery.ts) — else the errno to answer (EIO for
   * a pipe the new VFS did not take over).
   */
  private pipeRetry(t: Status, fid: number, attempt: number): number {
    const e = t !== Status.OK ? -1 : this.caller.regs[0]!;
    if (this.recovery.regain(t, e, fid, attempt) === fid) return 0;
    return t !== Status.OK || (attempt > 0 && e === Errno.BADF) ? Errno.IO : e;
  }

  /** Write to console stream `fd` (1 or 2). Returns [errno, bytes written]. */
  consoleWrite(fd: number, parts: readonly Uint8Array[]): [number, number] {
    const regs = this.caller.regs;
    const bulk = this.caller.bulk;
    let total = 0;
    let n = 0;
    const flush = (): number => {
      if (n === 0) return Errno.SUCCESS;
      regs[0] = 0;
      regs[CW.request.regs.fd!] = fd;
      regs[CW.request.bulk.data![0]] = 0;
      regs[CW.request.bulk.data![1]] = n;
      const t = this.caller.invoke(this.console.handle, CW.label);
      if (t !== Status.OK) return this.transportErrno(t);
      if (regs[0] !== 0) return regs[0]!;
      total += n;
      n = 0;
      return Errno.SUCCESS;
    };
    for (const p of parts) {
      let po = 0;
      while (po < p.length) {
        const take = Math.min(p.length - po, bulk.length - n);
        bulk.set(p.subarray(po, po + take), n);
        n += take;
        po += take;
        if (n === bulk.length) {
          const e = flush();
          if (e) return [total > 0 ? Errno.SUCCESS : e, total];
        }
      }
    }
    const e = flush();
    return [total > 0 || e === 0 ? Errno.SUCCESS : e, total];
  }

  /** Read from the console into `into` (one call; blocks until input). Returns [errno, bytes]. */
  consoleRead(into: readonly Uint8Array[]): [number, number] {
    const want = Math.min(into.reduce((a, b) => a + b.length, 0), this.maxChunk);
    if (want === 0) return [Errno.SUCCESS, 0];
    const regs = this.caller.regs;
    regs[0] = 0;
    regs[CR.request.regs.max!] = want;
    const t = this.caller.invoke(this.console.handle, CR.label);
    if (t !== Status.OK) return [this.transportErrno(t), 0];
    if (regs[0] !== 0) return [regs[0]!, 0];
    const off = regs[CR.reply.bulk.data![0]]!;
    const len = Math.min(regs[CR.reply.bulk.data![1]]!, want);
    scatter(this.caller.bulk.subarray(off, off + len), into);
    return [Errno.SUCCESS, len];
  }
}

/** The [part, offset in it] `bytes` into `parts`. */
function skip(parts: readonly Uint8Array[], bytes: number): [number, number] {
  let pi = 0;
  let left = bytes;
  while (pi < parts.length && left >= parts[pi]!.length) left -= parts[pi++]!.length;
  return [pi, left];
}

/** A call's reply, or its errno (EIO for a transport failure). */
function result<T>(r: CallResult<T>): T | number {
  return r.transport !== Status.OK ? Errno.IO : r.status !== 0 ? r.status : r.reply!;
}

/** Copy `from` across the buffers of `into`, in order. */
function scatter(from: Uint8Array, into: readonly Uint8Array[]): void {
  let done = 0;
  for (const dst of into) {
    if (done >= from.length) break;
    const take = Math.min(dst.length, from.length - done);
    dst.set(from.subarray(done, done + take));
    done += take;
  }
}

/** One buffer holding all of `parts` (no copy when there is one part). */
function gather(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}

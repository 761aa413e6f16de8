/**
 * The local kernel's direct files: open files whose reads and writes it posts straight to the
 * file system that holds them, as the VFS would have forwarded them (the VFS's forward, done by
 * the caller: docs/decisions/018-direct-files.md). The VFS grants one with an open's reply — the
 * file system's handle in the VFS's own table, the node, the fid's read/write access and the
 * file system's incarnation — and stays the authority: the call is posted under the VFS's handle,
 * so the file system authorises it from the VFS's table exactly as it does the VFS's forward.
 *
 * A fid the process got without an open of its own (passed by its parent, re-opened by session
 * recovery) is asked about once it has been read or written through the VFS ASK_AFTER times
 * (`grant`); the answer, grant or none, is kept for the fid.
 *
 * Invariants: a grant is used only while (1) this process's VFS handle still resolves to the VFS
 * instance that granted it (a revoked handle or a restarted VFS ends every grant), (2) the VFS's
 * handle to the file system still resolves and that file system is still the incarnation the open
 * saw (a restarted file system may give the node number to another file), and (3) the fid is
 * open (a close forgets it). Otherwise the call goes to the VFS, which answers as it always has
 * (ESTALE after a restart, and the session recovery that follows).
 *
 * Direct host files (docs/decisions/024-direct-host-files.md): when a grant names a host file
 * (hostfs's descriptor of it, with its device and inode) and the platform can reopen it, the local
 * kernel takes its own descriptor of that file — used only if it is the very file the grant named
 * — and makes the fid's reads, non-append writes, fstat and fsync as host calls in this thread.
 * The descriptor lives and dies with the grant: dropped, forgotten or at the process's end, it is
 * closed.
 */

import type { Caller } from '../ipc/caller.js';
import { Status } from '../abi/status.js';
import { DIRECT_HOST_DIR, DIRECT_READ, DIRECT_WRITE } from '../abi/protocols/vfs.js';
import { FORWARD_REGISTER, FS_READ_LABEL, FS_WRITE_LABEL } from '../abi/protocols/forwarding.js';
import { fsProtocol } from '../abi/protocols/fs.js';
import { decode, encode } from '../abi/protocol.js';
import type { StatFields } from './fd-table.js';
import type { AddressToken } from '../ipc/address-token.js';
import { type PageToken, readCached } from '../ipc/page-cache-read.js';
import { HOST_WRITE_WORDS } from '../ipc/arena.js';
import type { HostFiles } from '../host/host-files.js';
import { errnoOfHostError } from '../host/host-fs.js';
import { Errno } from '../abi/errno.js';
import { closeQuietly, reopenIdentical } from './own-host-descriptor.js';
import { FileType } from '../abi/protocols/fs.js';

const GETATTR = fsProtocol.layouts.getattr;

/** Reads and writes through the VFS on a fid without a grant before the local kernel asks for one. */
const ASK_AFTER = 2;

interface DirectFile {
  readonly read: boolean;
  readonly write: boolean;
  /** The VFS's process and its handle to the file system. */
  readonly holder: number;
  readonly via: number;
  readonly node: number;
  /** What stat reports as the file's device (the VFS's number for its mount). */
  readonly dev: number;
  /** The file system's incarnation at the open, and the VFS's. */
  readonly from: number;
  readonly vfsFrom: number;
  /** hostfs's descriptor of the host file and the file's identity (direct host file), or null. */
  readonly host: { readonly fd: number; readonly dev: number; readonly ino: number; readonly times: number } | null;
  /**
   * This thread's own descriptor of it: taken at the first read, write or sync that needs it, or
   * the second fstat (an open whose reads the page cache serves never takes one), NOT_TAKEN
   * until then, NO_HOST_FD if none.
   */
  hostFd: number;
  /** Another, opened for appending (O_APPEND) at the fid's first append; -1 until then. */
  appendFd: number;
  /** fstats asked of the grant so far (the second takes the descriptor). */
  stats: number;
  /**
   * Opened by the local kernel itself (local-opens.ts): the VFS has no fid for it, so nothing is
   * ever posted for it and no service's restart ends it — its descriptor is the file's.
   */
  readonly local: boolean;
  /**
   * The file's host write word (arena.ts), bumped after each write or truncate on this thread's
   * own descriptors so no page-cache copy of the file outlives it: by the grant's identity, or a
   * local open's stat; UNKNOWN for a file a local open made, until its first write fstats it.
   */
  hostWrites: number;
  /** A local open's token on a page-cache copy of its file (ipc/host-copies.ts), until it stops holding. */
  copy: PageToken | null;
}

/** What an open's reply says of a direct file (abi/protocols/vfs.ts `open`). */
export interface DirectGrant {
  readonly fid: number;
  readonly direct: number;
  readonly holder: number;
  readonly via: number;
  readonly node: number;
  readonly from: number;
  readonly dev: number;
  /** hostfs's descriptor of the file (-1: not a host file) and the file's identity. */
  readonly host: number;
  readonly hostDev: number;
  readonly hostIno: number;
  /** hostfs's exact-times word (not 0: ask hostfs for attributes), or -1. */
  readonly hostTimes: number;
}

/** DirectFile.hostWrites before the first write works it out. */
const UNKNOWN = -1;

/** DirectFile.hostFd before the first call that needs it, and when there is none. */
const NOT_TAKEN = -1, NO_HOST_FD = -2;

/** A fid asked about that has no grant (a pipe end, a directory, a restarted file system). */
const NONE = null;

export class DirectFiles {
  private readonly byFid = new Map<number, DirectFile | typeof NONE>();
  /** Calls through the VFS on fids not asked about yet. */
  private readonly misses = new Map<number, number>();

  /**
   * `enabled` false: take no grants (every read and write goes to the VFS). `ask`: the VFS's
   * `grant` for a fid (null when the call failed).
   */
  constructor(
    private readonly caller: Caller,
    private readonly vfsHandle: number,
    private readonly enabled: boolean,
    private readonly ask: (fid: number) => DirectGrant | null | undefined,
    private readonly hostFiles: HostFiles | null = null,
  ) {}

  /**
   * A read or write on `fid` is about to be made (before its registers are filled: asking uses
   * them): ask for a grant if the fid has been used through the VFS often enough without one.
   */
  note(fid: number): void {
    if (!this.enabled || this.byFid.has(fid)) return;
    const n = (this.misses.get(fid) ?? 0) + 1;
    if (n <= ASK_AFTER) {
      this.misses.set(fid, n);
      return;
    }
    this.misses.delete(fid);
    const r = this.ask(fid);
    if (!r || !this.opened(r)) this.byFid.set(fid, NONE);
  }

  /** An open the process keeps: take the direct file its reply grants, if any. True if it did. */
  opened(r: DirectGrant): boolean {
    if (!this.enabled || r.direct === 0 || (r.direct & DIRECT_HOST_DIR) !== 0) return false;
    const vfsFrom = this.caller.incarnation(this.vfsHandle);
    if (vfsFrom < 0) return false;
    this.misses.delete(r.fid);
    this.drop(r.fid);
    const read = (r.direct & DIRECT_READ) !== 0, write = (r.direct & DIRECT_WRITE) !== 0;
    const host = r.host >= 0 && this.caller.arena.isChangeWord(r.hostTimes) ? { fd: r.host, dev: r.hostDev, ino: r.hostIno, times: r.hostTimes } : null;
    this.byFid.set(r.fid, {
      read, write, holder: r.holder, via: r.via, node: r.node, from: r.from, dev: r.dev, vfsFrom, host,
      hostFd: NOT_TAKEN, appendFd: -1, stats: 0, local: false, copy: null,
      hostWrites: host === null ? 0 : this.caller.arena.hostWriteWord(host.dev, host.ino),
    });
    return true;
  }

  /**
   * Keep `fd`, the local kernel's own open of a regular host file (local-opens.ts), as `fid`'s
   * descriptor: `dev` is what stat reports, `times` hostfs's exact-times word.
   */
  adopt(fid: number, fd: number, write: boolean, dev: number, times: number, copy: PageToken | null = null, hostId: { dev: number; ino: number } | null = null): void {
    this.drop(fid);
    const hostWrites = hostId ? this.caller.arena.hostWriteWord(hostId.dev, hostId.ino) : UNKNOWN;
    this.byFid.set(fid, {
      read: true, write, holder: -1, via: -1, node: -1, from: -1, dev, vfsFrom: -1,
      host: { fd: -1, dev: 0, ino: 0, times }, hostFd: fd, appendFd: -1, stats: 0, local: true, hostWrites, copy,
    });
  }

  /** Give local open `fid` a token on a page-cache copy of its file (one found after its open). True if it is one. */
  takeCopy(fid: number, copy: PageToken): boolean {
    const d = this.byFid.get(fid);
    if (!d || !d.local || d.write) return false;
    d.copy = copy;
    return true;
  }

  /**
   * Read a local open's file from the page-cache copy it was given, while that holds:
   * the bytes read, or -1 (read the host's; a copy that stopped holding is not tried again).
   */
  readCopy(fid: number, offset: number, into: readonly Uint8Array[]): number {
    const d = this.byFid.get(fid);
    if (!d || d.copy === null) return -1;
    const n = readCached(this.caller.arena, d.copy, offset, into);
    if (n < 0) d.copy = null;
    return n;
  }

  /**
   * `fid`'s host file was written or truncated on this thread's own descriptor (or an open here
   * truncated it): bump its host write word, so that no page-cache copy of it taken before is read
   * again (docs/decisions/026-host-write-words.md). Before the call that wrote returns.
   */
  written(fid: number): void {
    const d = this.byFid.get(fid);
    if (!d) return;
    if (d.hostWrites === UNKNOWN) d.hostWrites = this.hostWriteWordOf(d.hostFd);
    if (d.hostWrites > 0) Atomics.add(this.caller.arena.i32, d.hostWrites, 1);
    // Which file it is cannot be told (the host refused fstat): every copy of every host file goes.
    else if (d.hostWrites === UNKNOWN) for (let w = 0; w < HOST_WRITE_WORDS; w++) Atomics.add(this.caller.arena.i32, this.caller.arena.hostWriteWordAt(w), 1);
  }

  /** The host write word of the file open as host descriptor `fd`, as its fstat says (UNKNOWN if the host refuses). */
  private hostWriteWordOf(fd: number): number {
    try {
      const st = this.hostFiles!.fstat(fd);
      return this.caller.arena.hostWriteWord(st.dev, st.ino);
    } catch {
      return UNKNOWN; // asked again at the next write
    }
  }

  /** This thread's own descriptor of the host file `d` names, if it is that very file; else NO_HOST_FD. */
  private reopen(d: DirectFile): number {
    if (this.hostFiles === null || d.host === null || (!d.read && !d.write)) return NO_HOST_FD;
    const want = { dev: d.host.dev, ino: d.host.ino, type: FileType.REGULAR_FILE };
    return reopenIdentical(this.hostFiles, d.host.fd, d.read, d.write, want) ?? NO_HOST_FD;
  }

  /** Drop `fid`'s grant, closing its host descriptors. */
  private drop(fid: number): void {
    const d = this.byFid.get(fid);
    this.byFid.delete(fid);
    if (d && d.hostFd >= 0) closeQuietly(this.hostFiles!, d.hostFd);
    if (d && d.appendFd >= 0) closeQuietly(this.hostFiles!, d.appendFd);
  }

  /** The fid was closed (or lost): forget it. */
  forget(fid: number): void {
    this.drop(fid);
    this.misses.delete(fid);
  }

  /** The process is ending: close every host descriptor it holds. */
  end(): void {
    for (const fid of [...this.byFid.keys()]) this.drop(fid);
  }

  /** Whether `d`'s hostfs keeps exact times the host rounded: then its attributes are hostfs's to give. */
  private exactTimesKept(d: DirectFile): boolean {
    return d.host !== null && Atomics.load(this.caller.arena.i32, d.host.times) !== 0;
  }

  /**
   * `fid`'s own host descriptor, if it has a usable grant that allows `write` (or reading); else
   * -1. The file system must still be the incarnation the open saw, as for a posted call: a
   * restarted hostfs has forgotten the open, and with it that the file is written directly
   * (its page cache would take a copy no direct write revokes), so the grant ends and the call
   * goes to the VFS (ESTALE, and the re-open that follows).
   */
  hostFd(fid: number, write: boolean): number {
    return this.ownFd(fid, this.usable(fid), write);
  }

  /** hostFd, for `fid`'s grant `d` already checked usable. */
  private ownFd(fid: number, d: DirectFile | null, write: boolean): number {
    if (d === null || d.host === null || d.hostFd === NO_HOST_FD || !(write ? d.write : d.read)) return -1;
    if (d.local) return d.hostFd;
    if (this.caller.incarnationAs(d.holder, d.via) !== d.from) {
      this.drop(fid);
      return -1;
    }
    // Taken while the fid is open and hostfs is the incarnation that opened it: its descriptor is
    // still the file's (and the identity check would refuse anything else).
    if (d.hostFd === NOT_TAKEN) d.hostFd = this.reopen(d);
    return d.hostFd >= 0 ? d.hostFd : -1;
  }

  /** Read from a direct host file: [errno, bytes]. */
  hostRead(fd: number, offset: number, into: readonly Uint8Array[]): [number, number] {
    try {
      return [Errno.SUCCESS, this.hostFiles!.read(fd, into, offset)];
    } catch (e) {
      return [errnoOfHostError(e), 0];
    }
  }

  /** Write to `fid`'s direct host file, its descriptor `fd`, at `offset`: [errno, bytes]; a short count only when the host ran out of room. */
  hostWrite(fid: number, fd: number, offset: number, parts: readonly Uint8Array[]): [number, number] {
    try {
      return [Errno.SUCCESS, this.hostFiles!.write(fd, parts, offset)];
    } catch (e) {
      return [errnoOfHostError(e), 0];
    } finally {
      this.written(fid);
    }
  }

  /**
   * Append to `fid`'s direct host file: [errno, bytes, the file's end after the write], or null
   * when it is not one (ask the VFS). The host appends atomically (O_APPEND, a descriptor of its
   * own reopened from the fid's); the end is the file's size just after.
   */
  hostAppend(fid: number, parts: readonly Uint8Array[]): [number, number, number] | null {
    const own = this.hostFd(fid, true);
    if (own < 0) return null;
    const d = this.byFid.get(fid)!;
    if (d.appendFd < 0) {
      const fd = this.hostFiles!.reopen(own, false, true, true);
      if (fd === null && d.local) return this.appendAtEnd(fid, own, parts);
      if (fd === null) return null;
      d.appendFd = fd;
    }
    try {
      const n = this.hostFiles!.write(d.appendFd, parts, null);
      return [Errno.SUCCESS, n, this.hostFiles!.fstat(d.appendFd).size];
    } catch (e) {
      return [errnoOfHostError(e), 0, 0];
    } finally {
      this.written(fid);
    }
  }

  /**
   * Append at the end the file has now, on a local open's own descriptor — when this thread may
   * hold no second, appending one (the VFS has no fid to do it for it). Not atomic against
   * another process appending at the same moment, as O_APPEND is.
   */
  private appendAtEnd(fid: number, own: number, parts: readonly Uint8Array[]): [number, number, number] {
    try {
      const end = this.hostFiles!.fstat(own).size;
      const n = this.hostFiles!.write(own, parts, end);
      return [Errno.SUCCESS, n, end + n];
    } catch (e) {
      return [errnoOfHostError(e), 0, 0];
    } finally {
      this.written(fid);
    }
  }

  /** fsync (or fdatasync) `fid`'s host file here: its errno, or null when it is not a direct host file. */
  hostSync(fid: number, dataOnly: boolean): number | null {
    const d = this.usable(fid);
    const own = d === null ? -1 : this.ownFd(fid, d, d.write && !d.read);
    if (own < 0) return null;
    try {
      if (dataOnly) this.hostFiles!.fdatasync(own);
      else this.hostFiles!.fsync(own);
      return Errno.SUCCESS;
    } catch (e) {
      return errnoOfHostError(e);
    }
  }

  /**
   * A local open's attributes from its own descriptor, whatever hostfs keeps (times the host
   * rounded): for when the open cannot be made the VFS's (its name is gone). Null when `fid` is
   * not a local open or the host refuses.
   */
  localStat(fid: number): StatFields | null {
    const d = this.byFid.get(fid);
    if (!d || !d.local || d.hostFd < 0) return null;
    try {
      const st = this.hostFiles!.fstat(d.hostFd);
      return { dev: d.dev, ino: st.ino, type: st.type, nlink: st.nlink, size: st.size, atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs };
    } catch {
      return null;
    }
  }

  /** Whether `fid` is held here (a grant asked about, or a local open). */
  holds(fid: number): boolean {
    return this.byFid.has(fid);
  }

  /** Truncate (or extend) a local open's host file (local-opens.ts) here: its errno, or null when `fid` is not one. */
  hostTruncate(fid: number, size: number): number | null {
    const d = this.byFid.get(fid);
    if (!d || !d.local || d.hostFd < 0) return null;
    if (!d.write) return Errno.BADF;
    try {
      this.hostFiles!.ftruncate(d.hostFd, size);
      return Errno.SUCCESS;
    } catch (e) {
      return errnoOfHostError(e);
    } finally {
      this.written(fid);
    }
  }

  /** The grant of `fid`, if it may be used now (else it is dropped: ask the VFS). */
  private usable(fid: number): DirectFile | null {
    const d = this.byFid.get(fid);
    if (d === undefined || d === NONE) return null;
    if (d.local) return d;
    if (this.caller.incarnation(this.vfsHandle) !== d.vfsFrom) {
      this.drop(fid);
      return null;
    }
    return d;
  }

  /**
   * Post the call in the registers under `d`'s grant: its transport status, or null when it was
   * not posted or was refused before it ran — the VFS's handle went away after the check (the
   * VFS died) — and the grant is dropped. Any other failure is the call's own, answered as the
   * VFS's forward's would be.
   */
  private post(fid: number, d: DirectFile, label: number): Status | null {
    const t = this.caller.invokeAs(d.holder, d.via, label, d.from);
    if (t === null || t === Status.BAD_HANDLE || t === Status.WRONG_TYPE || t === Status.ACCESS_DENIED) {
      this.drop(fid);
      return null;
    }
    if (t !== Status.OK) this.drop(fid);
    return t;
  }

  /**
   * Post the read (`write` false) or write already in the registers, on `fid`, straight to its
   * file system: the transport status, or null when there is no usable grant (nothing was posted
   * and the registers are as they were: ask the VFS).
   */
  invoke(fid: number, write: boolean): Status | null {
    const d = this.usable(fid);
    if (d === null || d.local || !(write ? d.write : d.read)) return null;
    const regs = this.caller.regs;
    regs[FORWARD_REGISTER] = d.node;
    const t = this.post(fid, d, write ? FS_WRITE_LABEL : FS_READ_LABEL);
    if (t === null) regs[FORWARD_REGISTER] = fid;
    return t;
  }

  /**
   * `fid`'s attributes straight from its file system (fstat), or null to ask the VFS: no usable
   * grant, the call failed in transport, or the file system answered an error — the VFS, the
   * authority, gives the answer then, and a session lost to a restart is re-established on that
   * path (a file system restarted between the grant's check and the call could otherwise hand
   * the program an errno meant for its local kernel). Stat is safe to ask again. With the token
   * the file system's answer holds under (its change slot for the node), if it gave one.
   */
  stat(fid: number): { stat: StatFields; token: AddressToken | null } | null {
    const d = this.usable(fid);
    if (d === null) return null;
    // On a descriptor a read or write has taken already, or taken for the fid's second fstat: for
    // one fstat alone (open, fstat, close: a compiler probing a header) asking hostfs costs fewer
    // host calls than reopening.
    const take = d.hostFd >= 0 || ++d.stats > 1;
    const own = this.exactTimesKept(d) || !take ? -1 : this.ownFd(fid, d, d.write && !d.read);
    if (own >= 0) {
      try {
        const st = this.hostFiles!.fstat(own);
        return { stat: { dev: d.dev, ino: st.ino, type: st.type, nlink: st.nlink, size: st.size, atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs }, token: null };
      } catch {
        // Ask hostfs, below.
      }
    }
    // A local open's attributes are hostfs's to give: by the VFS, once the open is its (local-opens.ts).
    if (d.local) return null;
    const regs = this.caller.regs;
    const bulk = this.caller.bulk;
    regs[0] = 0;
    encode(GETATTR.request, { node: d.node }, regs, bulk);
    const t = this.post(fid, d, GETATTR.label);
    if (t !== Status.OK) return null;
    if (regs[0] !== 0) return null;
    const r = decode<typeof fsProtocol.ops.getattr.reply>(GETATTR.reply, regs, bulk);
    if (r === null) return null;
    const stat = { dev: d.dev, ino: r.ino, type: r.type, nlink: r.nlink, size: r.size, atim: r.atim, mtim: r.mtim, ctim: r.ctim };
    const token = this.caller.arena.isChangeWord(r.changeWord) ? { word: r.changeWord, generation: r.change } : null;
    return { stat, token };
  }
}

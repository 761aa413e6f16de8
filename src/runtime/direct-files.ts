/**
 * The local kernel's direct files: open files whose reads and writes it posts straight to the
 * file system that holds them, as the VFS would have forwarded them (the VFS's forward, done by
 * the caller: docs/decisions/018-direct-files.md). The VFS grants one with an open's reply — the
 * file system's handle in the VFS's own table, the node, the fid's read/write access and the
 * file system's incarnation — and stays the authority: the call is posted under the VFS's handle,
 * so the file system authorises it from the VFS's table exactly as it does the VFS's forward.
 *
 * Invariants: a grant is used only while (1) this process's VFS handle still resolves to the VFS
 * instance that granted it (a revoked handle or a restarted VFS ends every grant), (2) the VFS's
 * handle to the file system still resolves and that file system is still the incarnation the open
 * saw (a restarted file system may give the node number to another file), and (3) the fid is
 * open (a close forgets it). Otherwise the call goes to the VFS, which answers as it always has
 * (ESTALE after a restart, and the session recovery that follows).
 */

import type { Caller } from '../ipc/caller.js';
import { Status } from '../abi/status.js';
import { DIRECT_READ, DIRECT_WRITE } from '../abi/protocols/vfs.js';
import { FORWARD_REGISTER, FS_READ_LABEL, FS_WRITE_LABEL } from '../abi/protocols/forwarding.js';

interface DirectFile {
  readonly read: boolean;
  readonly write: boolean;
  /** The VFS's process and its handle to the file system. */
  readonly holder: number;
  readonly via: number;
  readonly node: number;
  /** The file system's incarnation at the open, and the VFS's. */
  readonly from: number;
  readonly vfsFrom: number;
}

/** What an open's reply says of a direct file (abi/protocols/vfs.ts `open`). */
export interface DirectGrant {
  readonly fid: number;
  readonly direct: number;
  readonly holder: number;
  readonly via: number;
  readonly node: number;
  readonly from: number;
}

export class DirectFiles {
  private readonly byFid = new Map<number, DirectFile>();
  /** Reads and writes posted straight to a file system. */
  readonly stats = { calls: 0 };

  /** `enabled` false: take no grants (every read and write goes to the VFS). */
  constructor(private readonly caller: Caller, private readonly vfsHandle: number, private readonly enabled: boolean) {}

  /** An open the process keeps: take the direct file its reply grants, if any. */
  opened(r: DirectGrant): void {
    if (!this.enabled || r.direct === 0) return;
    const vfsFrom = this.caller.incarnation(this.vfsHandle);
    if (vfsFrom < 0) return;
    this.byFid.set(r.fid, {
      read: (r.direct & DIRECT_READ) !== 0, write: (r.direct & DIRECT_WRITE) !== 0,
      holder: r.holder, via: r.via, node: r.node, from: r.from, vfsFrom,
    });
  }

  /** The fid was closed (or lost): forget it. */
  forget(fid: number): void {
    this.byFid.delete(fid);
  }

  /**
   * Post the read (`write` false) or write already in the registers, on `fid`, straight to its
   * file system: the transport status, or null when there is no usable grant (nothing was posted
   * and the registers are as they were: ask the VFS).
   */
  invoke(fid: number, write: boolean): Status | null {
    const d = this.byFid.get(fid);
    if (d === undefined || !(write ? d.write : d.read)) return null;
    if (this.caller.incarnation(this.vfsHandle) !== d.vfsFrom) {
      this.byFid.delete(fid);
      return null;
    }
    const regs = this.caller.regs;
    regs[FORWARD_REGISTER] = d.node;
    const t = this.caller.invokeAs(d.holder, d.via, write ? FS_WRITE_LABEL : FS_READ_LABEL, d.from);
    // Refused before it ran (the VFS's handle went away after the check: the VFS died): as if
    // there were no grant. Any other failure is the call's own, answered as the VFS's forward's.
    if (t === null || t === Status.BAD_HANDLE || t === Status.WRONG_TYPE || t === Status.ACCESS_DENIED) {
      regs[FORWARD_REGISTER] = fid;
      this.byFid.delete(fid);
      return null;
    }
    this.stats.calls++;
    if (t !== Status.OK) this.byFid.delete(fid);
    return t;
  }
}

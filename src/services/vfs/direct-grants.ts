/**
 * What the VFS grants a local kernel with an open (vfs `open`'s reply, or `grant`): the direct
 * file of a regular file (its reads, writes and getattr posted straight to its file system:
 * docs/decisions/018-direct-files.md), with hostfs's descriptor of it for the local kernel to
 * reopen (024); the direct host directory of a directory on hostfs, whose calls under it the
 * local kernel makes itself (024, 025); a pipe end's ring (019). None for anything else.
 *
 * Invariant: a directory is granted only where nothing but its file system could answer for a
 * name under it — no mount point lies inside that file system (the mount table is fixed at boot)
 * — and only with a host descriptor (hostfs grants one only where it may: not read-only, no image
 * guarded).
 */

import { FileType } from '../../abi/protocols/fs.js';
import { DIRECT_HOST_DIR, DIRECT_READ, DIRECT_WRITE } from '../../abi/protocols/vfs.js';
import type { Place } from './path-walk.js';
import type { Pipe } from './pipe.js';
import { PipeTable } from './pipe-table.js';
import type { HostFileGrant } from './node-holds.js';

/** What an open's reply (or `grant`) says of a direct file (abi/protocols/vfs.ts). */
export interface DirectGrant { direct: number; holder: number; via: number; node: number; from: number; dev: number; host: number; hostDev: number; hostIno: number; hostTimes: number }

/** An open's reply without a direct file. */
export const NO_DIRECT: DirectGrant = { direct: 0, holder: 0, via: 0, node: 0, from: 0, dev: 0, host: -1, hostDev: 0, hostIno: 0, hostTimes: -1 };

/** The part of an open file a grant is made from. */
export interface Grantable {
  readonly place: Place;
  readonly read: boolean;
  readonly write: boolean;
  readonly pipe: Pipe | null;
  /** Its file system's incarnation at the open (undefined or < 0: none known). */
  readonly from?: number;
  readonly host?: HostFileGrant | null;
}

/** The VFS's side of a grant: its pid, its handle to a mount's file system, whether a mount lies inside one. */
export interface GrantingVfs {
  pid(): number;
  handleOf(mount: number): number;
  mountsInside(mount: number): boolean;
}

/**
 * What a local kernel needs to post `f`'s reads and writes to its file system itself, as the
 * VFS's forward would: the file system's handle in the VFS's table, the node, the rights the fid
 * has and the file system's incarnation at the open; and a host file's or directory's descriptor.
 */
export function grantFor(f: Grantable, vfs: GrantingVfs): DirectGrant {
  if (f.pipe) {
    const p = PipeTable.grant(f.pipe, f.write);
    return p ? { ...p, host: -1, hostDev: 0, hostIno: 0, hostTimes: -1 } : NO_DIRECT;
  }
  if (f.from === undefined || f.from < 0) return NO_DIRECT;
  const h = f.host ?? null;
  if (f.place.type === FileType.DIRECTORY) {
    if (h === null || vfs.mountsInside(f.place.mount)) return NO_DIRECT;
    return {
      direct: DIRECT_HOST_DIR, holder: vfs.pid(), via: vfs.handleOf(f.place.mount), node: f.place.node, from: f.from,
      dev: f.place.mount + 1, host: h.fd, hostDev: h.dev, hostIno: h.ino, hostTimes: h.times,
    };
  }
  return {
    direct: (f.read ? DIRECT_READ : 0) | (f.write ? DIRECT_WRITE : 0),
    holder: vfs.pid(), via: vfs.handleOf(f.place.mount), node: f.place.node, from: f.from, dev: f.place.mount + 1,
    host: h ? h.fd : -1, hostDev: h ? h.dev : 0, hostIno: h ? h.ino : 0, hostTimes: h ? h.times : -1,
  };
}

/** Whether a mount point in `mounts` lies inside mount `id`'s file system (below its root). */
export function mountsInside(mounts: readonly { readonly path: readonly string[] }[], id: number): boolean {
  const m = mounts[id]!;
  return mounts.some((o) => o.path.length > m.path.length && m.path.every((p, i) => p === o.path[i]));
}

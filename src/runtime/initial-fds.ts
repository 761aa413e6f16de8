/**
 * The fd table a wasm process starts with. Either what its parent passed on (keel spawn: each fd
 * a console stream, or a file proc already took into this process's session — or a VFS share
 * token to redeem — with its offset, flags and rights), or the
 * default: the console on 0, 1, 2 — or the pipes and files the host gave in its place (`stdio`,
 * share tokens like a parent's) — and each preopened directory from 3 on. The table holds at
 * most `maxFds` descriptors.
 */

import { errnoName } from '../abi/errno.js';
import { FdTable } from './fd-table.js';
import { ALL_WASI_RIGHTS, DIR_RIGHTS, SOCKET_RIGHTS, TTY_RIGHTS } from '../abi/wasi-rights.js';
import type { LocalKernel } from './local-kernel.js';
import type { InheritedFd, PreopenSpec } from '../abi/boot-spec.js';

const FILETYPE_CHARACTER_DEVICE = 2;
const FILETYPE_DIRECTORY = 3;
const FILETYPE_SOCKET_STREAM = 6;

/** Build the table; an error message if something the process was promised cannot be had. */
/** Place the fds in `given` (redeeming share tokens); an error message if one cannot be had. */
function take(lk: LocalKernel, fds: FdTable, given: readonly InheritedFd[]): string | null {
  for (const f of given) {
    if (f.fd >= fds.maxFds) return `fd ${f.fd} is beyond the process's limit of ${fds.maxFds} open files`;
    if (f.sameAs !== undefined) {
      if (!fds.get(f.sameAs)) return `fd ${f.fd} names fd ${f.sameAs}, which the parent did not pass`;
      fds.alias(f.sameAs, f.fd);
      continue;
    }
    let fid = f.fid ?? f.token;
    if (f.kind !== 'console' && f.fid === undefined) {
      const r = lk.vfs.call('redeem', { token: f.token });
      if (r.transport !== 0 || r.status !== 0) return `cannot take fd ${f.fd} from the parent: ${r.transport !== 0 ? 'the file service is unreachable' : errnoName(r.status)}`;
      fid = r.reply!.fid;
    }
    fds.set(f.fd, {
      kind: f.kind, fid, filetype: f.filetype, offset: f.offset, rightsBase: f.rightsBase,
      rightsInheriting: f.rightsInheriting, flags: f.flags, preopen: f.preopen, ...(f.origin ? { origin: f.origin } : {}),
    });
  }
  return null;
}

export interface InitialFds {
  readonly preopens: readonly PreopenSpec[];
  readonly inherit?: readonly InheritedFd[];
  readonly stdio?: readonly InheritedFd[];
  readonly sockets?: number;
  readonly maxFds?: number;
}

/** Build the table; an error message if something the process was promised cannot be had. */
export function initialFds(lk: LocalKernel, spec: InitialFds): FdTable | string {
  const fds = new FdTable(spec.maxFds);
  if (spec.inherit) return take(lk, fds, spec.inherit) ?? fds;
  for (const fd of [0, 1, 2]) {
    fds.set(fd, {
      kind: 'console', fid: fd, filetype: FILETYPE_CHARACTER_DEVICE, offset: 0,
      rightsBase: TTY_RIGHTS, rightsInheriting: 0, flags: 0, preopen: null,
    });
  }
  const stdio = take(lk, fds, spec.stdio ?? []);
  if (stdio) return stdio;
  for (const p of spec.preopens) {
    const r = lk.vfs.call('openRoot', { path: p.vfsPath });
    if (r.transport !== 0 || r.status !== 0) {
      return `cannot preopen ${p.guestPath}: ${r.transport !== 0 ? 'the file service is unreachable' : errnoName(r.status)}`;
    }
    const fd = fds.add({
      kind: 'dir', fid: r.reply!.fid, filetype: FILETYPE_DIRECTORY, offset: 0,
      rightsBase: DIR_RIGHTS, rightsInheriting: ALL_WASI_RIGHTS, flags: 0, preopen: p.guestPath,
      origin: { root: p.vfsPath, path: '', lookup: 1, oflags: 0 },
    });
    if (fd < 0) return `cannot preopen ${p.guestPath}: more than the process's limit of ${fds.maxFds} open files`;
  }
  // Listening sockets come after the directories: wasi-libc's preopen scan stops at the first fd
  // that is not a preopened directory.
  for (let i = 0; i < (spec.sockets ?? 0); i++) {
    const r = lk.net?.call('open', { listener: i });
    if (!r || r.transport !== 0 || r.status !== 0) return `cannot open listening socket ${i}: ${r ? errnoName(r.status) : 'no net service'}`;
    const fd = fds.add({ kind: 'socket', fid: r.reply!.sock, filetype: FILETYPE_SOCKET_STREAM, offset: 0, rightsBase: SOCKET_RIGHTS, rightsInheriting: SOCKET_RIGHTS, flags: 0, preopen: null });
    if (fd < 0) return `cannot open listening socket ${i}: more than the process's limit of ${fds.maxFds} open files`;
  }
  return fds;
}

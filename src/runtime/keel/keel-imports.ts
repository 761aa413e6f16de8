/**
 * The `keel` import module: what WASI preview1 lacks for running other programs — spawn, wait,
 * kill, pipe, dup2, getpid, getppid. Declared for C in programs/c/include/keel.h.
 *
 *   spawn(dirfd, path, path_len, argv, argc, envp, envc, fdmap, nfd, pid_out) -> errno
 *     Start the program at `path` (relative to directory fd `dirfd`, confined like path_open) as
 *     a child. argv/envp: arrays of argc/envc pointers to NUL-terminated strings. fdmap: nfd
 *     pairs of u32 (child fd, parent fd); with nfd = 0 the child gets the parent's 0, 1, 2. The
 *     child always gets the parent's preopened directories at the same numbers (unless the map
 *     puts something else there), and nothing else: it can reach no more than its parent.
 *   wait(pid, status_out, pid_out) -> errno    pid = -1: any child. status: the exit code
 *                                             (128 + signal if killed, 134 after a trap).
 *   spawn_pgid(..., nfd, pgid, pid_out)       spawn, choosing the child's process group: 0 the
 *                                             caller's, -1 a new group led by the child, > 0 an
 *                                             existing group of the caller's children.
 *   kill(pid, signal) -> errno                 as POSIX kill: pid > 0 that process, 0 the caller's
 *                                             process group, -1 every process the caller may
 *                                             signal, < -1 the group -pid. A process may signal
 *                                             its descendants (orphans included) and itself:
 *                                             EPERM for another's, ESRCH for none. signal 0
 *                                             only checks that it could.
 *   pipe(fds_out) -> errno                     fds_out[0] reads, fds_out[1] writes.
 *   dup2(from, to) -> errno                    `to` names what `from` names (shared offset).
 *   getpid() -> pid, getppid() -> pid
 *
 * Names are read strictly, as WASI's (wasi/guest-path.ts): spawn's path, every argv and env string
 * must be valid UTF-8 (else EILSEQ) and the path no longer than the VFS takes (else
 * ENAMETOOLONG); a string over MAX_STRING bytes, more than MAX_STRINGS of them, or lists too
 * large to travel to the proc service are E2BIG — all decided here, before a service is asked.
 */

import type { ProtocolClient } from '../../ipc/protocol-client.js';
import { Status } from '../../abi/status.js';
import { exitCodeOf } from '../../abi/exit-status.js';
import { exitStatusFromWire } from '../../abi/exit-status.js';
import type { ProcProtocol } from '../../abi/protocols/proc.js';
import { FID_READ, openFlags } from '../../abi/protocols/vfs.js';
import type { InheritedFd } from '../../abi/boot-spec.js';
import { KEEL_SIGNATURES } from '../../abi/signatures.js';
import { Errno } from '../../abi/errno.js';
import { type FdEntry, MAX_FDS } from '../fd-table.js';
import { decodeGuestText, readGuestPath } from '../guest-path.js';
import { originUnder } from '../session-recovery.js';
import { PIPE_READ_RIGHTS, PIPE_WRITE_RIGHTS, WasiRight } from '../../abi/wasi-rights.js';
import type { ShimContext } from '../shim-context.js';
import { vfsResult } from '../wasi/wasi-fd.js';


const MAX_STRING = 64 * 1024;
const MAX_STRINGS = 4096;
const FILETYPE_UNKNOWN = 0;

export function keelFunctions(ctx: ShimContext, proc: ProtocolClient<ProcProtocol> | null) {
  const { mem, fds, lk } = ctx;

  /** The NUL-terminated string at `ptr`: its text, E2BIG past MAX_STRING bytes, EILSEQ if not UTF-8. */
  const cString = (ptr: number): string | number => {
    let end = ptr;
    for (;;) {
      if (end - ptr > MAX_STRING) return Errno.TOOBIG;
      if (mem.u8(end) === 0) break;
      end++;
    }
    return decodeGuestText(mem.bytes(ptr, end - ptr));
  };
  const cStrings = (ptr: number, count: number): string[] | number => {
    if (count < 0 || count > MAX_STRINGS) return Errno.TOOBIG;
    mem.check(ptr, count * 4);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const s = cString(mem.u32(ptr + i * 4));
      if (typeof s === 'number') return s;
      out.push(s);
    }
    return out;
  };
  const closeEntry = (e: FdEntry): void => lk.releaseFd(e, fds);
  let self: { pid: number; parent: number } | null = null;
  const whoAmI = (): { pid: number; parent: number } => {
    if (!self) {
      const r = proc?.call('self', {});
      self = r?.reply ?? { pid: 0, parent: 0 };
    }
    return self;
  };

  /** Spawns made so far (each one's nonce). */
  let spawns = 0;
  const spawn = (dirfd: number, pathPtr: number, pathLen: number, argv: number, argc: number, envp: number, envc: number,
    fdmap: number, nfd: number, pgid: number, pidOut: number): number => {
      if (!proc) return Errno.NOSYS;
      if (!Number.isInteger(pgid) || pgid < -1) return Errno.INVAL;
      const dir = fds.get(dirfd);
      if (!dir) return Errno.BADF;
      if (dir.kind !== 'dir') return Errno.NOTDIR;
      if ((dir.rightsBase & WasiRight.PATH_OPEN) === 0) return Errno.NOTCAPABLE;
      const path = readGuestPath(mem, pathPtr, pathLen);
      if (typeof path === 'number') return path;
      const args = cStrings(argv, argc);
      if (typeof args === 'number') return args;
      const env = cStrings(envp, envc);
      if (typeof env === 'number') return env;
      if (nfd < 0 || nfd > MAX_FDS) return Errno.INVAL;
      mem.check(fdmap, nfd * 8);
      mem.check(pidOut, 4);
      // Which parent fd each child fd gets.
      const map = new Map<number, number>();
      if (nfd === 0) for (const fd of [0, 1, 2]) if (fds.get(fd)) map.set(fd, fd);
      for (let i = 0; i < nfd; i++) {
        const child = mem.u32(fdmap + i * 8), parent = mem.u32(fdmap + i * 8 + 4);
        if (child >= MAX_FDS || !fds.get(parent)) return Errno.BADF;
        map.set(child, parent);
      }
      for (const fd of fds.fds()) if (fds.get(fd)!.preopen !== null && !map.has(fd)) map.set(fd, fd);

      const file = lk.open(dir.fid, 1, openFlags(0, FID_READ), path);
      if (typeof file === 'number') return file;
      const program = vfsResult(lk.vfs.call('share', { fid: file.fid }));
      lk.vfs.call('close', { fid: file.fid });
      if (typeof program === 'number') return program;
      // Tokens made for a child that then does not start must not hold their files open (a pipe
      // would never see end of input): take them back and close them.
      const tokens: number[] = [program.token];
      const cancel = (errno: number): number => {
        for (const token of tokens) {
          const r = vfsResult(lk.vfs.call('redeem', { token }));
          if (typeof r !== 'number') lk.vfs.call('close', { fid: r.fid });
        }
        return errno;
      };
      const inherit: InheritedFd[] = [];
      // Child fds naming one open file (2>&1) stay one open file in the child: one offset.
      const firstChildFd = new Map<FdEntry, number>();
      for (const [child, parent] of [...map].sort((a, b) => a[0] - b[0])) {
        const e = fds.get(parent)!;
        const same = firstChildFd.get(e);
        if (same !== undefined && e.kind !== 'socket') {
          inherit.push({ fd: child, kind: e.kind, token: 0, filetype: e.filetype, offset: 0, flags: 0, rightsBase: 0, rightsInheriting: 0, preopen: null, sameAs: same });
          continue;
        }
        firstChildFd.set(e, child);
        if (e.kind === 'socket') {
          if (nfd > 0 && [...Array(nfd).keys()].some((i) => mem.u32(fdmap + i * 8 + 4) === parent)) return cancel(Errno.NOTSUP);
          continue; // sockets are not passed on (yet)
        }
        let token = e.fid;
        if (e.kind !== 'console') {
          const fid = lk.vfsFid(e);
          if (fid < 0) return cancel(-fid);
          const t = vfsResult(lk.vfs.call('share', { fid }));
          if (typeof t === 'number') return cancel(t);
          token = t.token;
          tokens.push(token);
        }
        inherit.push({
          fd: child, kind: e.kind, token, filetype: e.filetype, offset: e.offset, flags: e.flags,
          rightsBase: e.rightsBase, rightsInheriting: e.rightsInheriting, preopen: e.preopen, ...(e.origin ? { origin: e.origin } : {}),
        });
      }
      // Where the program was opened, for the child to open it there again should a restart of
      // the VFS cut its load (program-loader.ts); with its file system's change word, if it has
      // one, so that a module compiled from this very file and unchanged since is the child's
      // without reading or compiling (ipc/module-shelf.ts).
      const at = originUnder(dir, path, 1, openFlags(0, FID_READ));
      const origin = at && file.changeWord >= 0 ? { ...at, word: file.changeWord } : at;
      const r = proc.call('spawn', {
        program: program.token, path, args: JSON.stringify(args), env: JSON.stringify(env), preopens: '[]',
        inherit: JSON.stringify(inherit), pgid, memoryBytes: 0, openFiles: 0, origin: origin ? JSON.stringify(origin) : '',
        // This spawn's own number: asked again after a restart of proc cut it, it starts nothing twice.
        nonce: ++spawns,
      });
      // INVALID_ARGS before the call: the lists do not fit in one message to the proc service.
      if (r.transport === Status.INVALID_ARGS) return cancel(Errno.TOOBIG);
      if (r.transport !== 0) return cancel(Errno.IO);
      if (r.status !== 0) return cancel(r.status);
      mem.setU32(pidOut, r.reply!.pid);
      return Errno.SUCCESS;
  };

  /**
   * spawn, once more if proc could not take the shared files in (EBADF): the tokens died with a
   * VFS restarted between sharing and proc's redeem — no child was started, and everything is
   * shared again from the re-opened fds (docs/restart.md).
   */
  const spawnAgainOnBadf = (dirfd: number, pathPtr: number, pathLen: number, argv: number, argc: number, envp: number, envc: number,
    fdmap: number, nfd: number, pgid: number, pidOut: number): number => {
    const e = spawn(dirfd, pathPtr, pathLen, argv, argc, envp, envc, fdmap, nfd, pgid, pidOut);
    return e === Errno.BADF && fds.get(dirfd) ? spawn(dirfd, pathPtr, pathLen, argv, argc, envp, envc, fdmap, nfd, pgid, pidOut) : e;
  };

  return {
    spawn: (dirfd: number, pathPtr: number, pathLen: number, argv: number, argc: number, envp: number, envc: number,
      fdmap: number, nfd: number, pidOut: number): number => spawnAgainOnBadf(dirfd, pathPtr, pathLen, argv, argc, envp, envc, fdmap, nfd, 0, pidOut),
    spawn_pgid: (dirfd: number, pathPtr: number, pathLen: number, argv: number, argc: number, envp: number, envc: number,
      fdmap: number, nfd: number, pgid: number, pidOut: number): number => spawnAgainOnBadf(dirfd, pathPtr, pathLen, argv, argc, envp, envc, fdmap, nfd, pgid, pidOut),
    wait: (pid: number, statusOut: number, pidOut: number): number => {
      if (!proc) return Errno.NOSYS;
      mem.check(statusOut, 4);
      mem.check(pidOut, 4);
      const r = proc.call('wait', { pid: pid < 0 ? 0 : pid, untraced: 0 });
      if (r.transport !== 0) return Errno.IO;
      if (r.status !== 0) return r.status;
      const w = r.reply!;
      mem.setU32(statusOut, exitCodeOf(exitStatusFromWire(w.kind, w.code, w.message)));
      mem.setU32(pidOut, w.pid);
      return Errno.SUCCESS;
    },
    kill: (pid: number, signal: number): number => {
      if (!proc) return Errno.NOSYS;
      if (!Number.isInteger(signal) || signal < 0 || signal > 64 || !Number.isInteger(pid)) return Errno.INVAL;
      const r = proc.call('kill', { pid, signal });
      return r.transport !== 0 ? Errno.IO : r.status;
    },
    pipe: (out: number): number => {
      mem.check(out, 8);
      const r = vfsResult(lk.vfs.call('pipe', {}));
      if (typeof r === 'number') return r;
      const common = { kind: 'pipe' as const, filetype: FILETYPE_UNKNOWN, offset: 0, rightsInheriting: 0, flags: 0, preopen: null };
      const rfd = fds.add({ ...common, fid: r.readFid, rightsBase: PIPE_READ_RIGHTS });
      const wfd = rfd < 0 ? -1 : fds.add({ ...common, fid: r.writeFid, rightsBase: PIPE_WRITE_RIGHTS });
      if (rfd < 0 || wfd < 0) {
        if (rfd >= 0) fds.remove(rfd);
        lk.vfs.call('close', { fid: r.readFid });
        lk.vfs.call('close', { fid: r.writeFid });
        return Errno.MFILE;
      }
      mem.setU32(out, rfd);
      mem.setU32(out + 4, wfd);
      return Errno.SUCCESS;
    },
    dup2: (from: number, to: number): number => {
      if (!fds.get(from) || to < 0 || to >= fds.maxFds) return Errno.BADF;
      if (from === to) return Errno.SUCCESS;
      const old = fds.alias(from, to);
      if (old) closeEntry(old);
      return Errno.SUCCESS;
    },
    getpid: (): number => whoAmI().pid,
    getppid: (): number => whoAmI().parent,
  } satisfies Record<keyof typeof KEEL_SIGNATURES, unknown>;
}

/**
 * WASI sock_* functions on socket fds (listening sockets the system preopened with
 * `keel run --tcplisten`, and the connections accepted on them), served by the net service.
 * Any other fd is ENOTSOCK; a bad fd EBADF.
 */

import { NET_NONBLOCK } from '../../abi/protocols/net.js';
import { Errno } from '../../abi/errno.js';
import type { FdEntry } from '../fd-table.js';
import { FdFlag, SOCKET_RIGHTS, WasiRight } from '../../abi/wasi-rights.js';
import type { ShimContext } from '../shim-context.js';

const FILETYPE_SOCKET_STREAM = 6;
const RECV_PEEK = 1, RECV_WAITALL = 2;
const SD_RD = 1, SD_WR = 2;

export function socketFunctions(ctx: ShimContext) {
  const { mem, fds, lk } = ctx;

  const socket = (fd: number, right: number): FdEntry | number => {
    const e = fds.get(fd);
    if (!e) return Errno.BADF;
    if (e.kind !== 'socket') return Errno.NOTSOCK;
    if ((e.rightsBase & right) !== right) return Errno.NOTCAPABLE;
    return e;
  };

  return {
    sock_accept: (fd: number, flags: number, fdOut: number): number => {
      const e = socket(fd, WasiRight.SOCK_ACCEPT);
      if (typeof e === 'number') return e;
      if (flags & ~FdFlag.NONBLOCK) return Errno.INVAL;
      mem.check(fdOut, 4);
      const nonblock = ((e.flags | flags) & FdFlag.NONBLOCK) !== 0;
      const r = lk.net!.call('accept', { sock: e.fid, flags: nonblock ? NET_NONBLOCK : 0 });
      if (r.transport !== 0) return Errno.IO;
      if (r.status !== 0) return r.status;
      const nfd = fds.add({
        kind: 'socket', fid: r.reply!.sock, filetype: FILETYPE_SOCKET_STREAM, offset: 0,
        rightsBase: SOCKET_RIGHTS & ~WasiRight.SOCK_ACCEPT, rightsInheriting: 0, flags, preopen: null,
      });
      if (nfd < 0) {
        lk.net!.call('close', { sock: r.reply!.sock });
        return Errno.MFILE;
      }
      mem.setU32(fdOut, nfd);
      return Errno.SUCCESS;
    },
    sock_recv: (fd: number, iovs: number, count: number, riFlags: number, lenOut: number, flagsOut: number): number => {
      const e = socket(fd, WasiRight.FD_READ);
      if (typeof e === 'number') return e;
      if (riFlags & ~(RECV_PEEK | RECV_WAITALL)) return Errno.INVAL;
      if (riFlags & RECV_PEEK) return Errno.NOTSUP;
      const into = mem.buffers(iovs, count);
      mem.check(lenOut, 4);
      mem.check(flagsOut, 2);
      const total = into.reduce((a, b) => a + b.length, 0);
      let got = 0;
      do {
        const rest = sliceFrom(into, got);
        const [err, n] = lk.sockRecv(e.fid, rest, (e.flags & FdFlag.NONBLOCK) !== 0);
        if (err) {
          if (got > 0) break;
          return err;
        }
        got += n;
        if (n === 0) break;
      } while (riFlags & RECV_WAITALL && got < total);
      mem.setU32(lenOut, got);
      mem.setU16(flagsOut, 0);
      return Errno.SUCCESS;
    },
    sock_send: (fd: number, iovs: number, count: number, _siFlags: number, lenOut: number): number => {
      const e = socket(fd, WasiRight.FD_WRITE);
      if (typeof e === 'number') return e;
      const from = mem.buffers(iovs, count);
      mem.check(lenOut, 4);
      const [err, n] = lk.sockSend(e.fid, from);
      if (err) return err;
      mem.setU32(lenOut, n);
      return Errno.SUCCESS;
    },
    sock_shutdown: (fd: number, how: number): number => {
      const e = socket(fd, WasiRight.SOCK_SHUTDOWN);
      if (typeof e === 'number') return e;
      if (how === 0 || how & ~(SD_RD | SD_WR)) return Errno.INVAL;
      const r = lk.net!.call('shutdown', { sock: e.fid, how });
      return r.transport !== 0 ? Errno.IO : r.status;
    },
  };
}

/** The buffers of `into` after the first `skip` bytes. */
function sliceFrom(into: readonly Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of into) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(b.subarray(skip));
    skip = 0;
  }
  return out;
}

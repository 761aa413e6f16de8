/**
 * A pipe between the host and one of a program's standard streams, made in the host's VFS
 * session: the host keeps one end (a fid), the program gets the other as a one-use share token
 * that its local kernel redeems at start (WasmBoot.stdio). Being a VFS pipe, the stream passes
 * on to the program's children like any pipe the program made itself.
 *
 * Ends: once the token is shared, the host closes its own fid of the program's end, so the pipe
 * reports end-of-input (or EPIPE) exactly when every holder in Keel has closed it. A program
 * that dies before redeeming its token would leave the pipe open forever; `reclaim` (called
 * once the program has exited) redeems any such token itself and closes it. The host reads and
 * writes its end in place on the pipe's ring while it can (host-pipe-end.ts), else through the VFS.
 */

import type { InheritedFd } from '../abi/boot-spec.js';
import type { SystemVfs } from './system-vfs.js';
import { PIPE_READ_RIGHTS, PIPE_WRITE_RIGHTS } from '../abi/wasi-rights.js';
import { Errno } from '../abi/errno.js';
import { HostPipeEnd } from './host-pipe-end.js';

/** Bytes per write call: well inside a call slot's bulk buffer. */
const WRITE_CHUNK = 32 * 1024;
const READ_CHUNK = 64 * 1024 - 256;
/** Tries to make a stdio pipe across restarts of the VFS (open). */
const OPEN_ATTEMPTS = 4;

export class StdioPipe {
  private token = 0;
  private closed = false;

  /** The host's end worked on in place while the pipe allows (host-pipe-end.ts). */
  private readonly inPlace: HostPipeEnd;

  private constructor(private readonly vfs: SystemVfs, private readonly fid: number, readonly fd: InheritedFd) {
    this.inPlace = new HostPipeEnd(vfs, fid);
  }

  /**
   * A pipe for program fd `fd`: `toProgram` true for stdin (the host writes), false for stdout
   * and stderr (the host reads). Null if the VFS cannot make one (its errno). A VFS restarted
   * between making the pipe and sharing it took the pipe with it (the share answers EBADF): the
   * pipe is made again in the new VFS, a few times at most.
   */
  static async open(vfs: SystemVfs, fd: number, toProgram: boolean): Promise<StdioPipe | number> {
    let r: StdioPipe | number = Errno.IO;
    for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
      r = await StdioPipe.openOnce(vfs, fd, toProgram);
      if (r !== Errno.BADF) break;
    }
    return r;
  }

  private static async openOnce(vfs: SystemVfs, fd: number, toProgram: boolean): Promise<StdioPipe | number> {
    const p = await vfs.call('pipe', {});
    if (!p.reply) return p.transport !== 0 ? Errno.IO : p.status;
    const [mine, theirs] = toProgram ? [p.reply.writeFid, p.reply.readFid] : [p.reply.readFid, p.reply.writeFid];
    const s = await vfs.call('share', { fid: theirs });
    await vfs.call('close', { fid: theirs });
    if (!s.reply) {
      await vfs.call('close', { fid: mine });
      return s.transport !== 0 ? Errno.IO : s.status;
    }
    const entry: InheritedFd = {
      fd, kind: 'pipe', token: s.reply.token, filetype: 0, offset: 0, flags: 0,
      rightsBase: toProgram ? PIPE_READ_RIGHTS : PIPE_WRITE_RIGHTS, rightsInheriting: 0, preopen: null,
    };
    const pipe = new StdioPipe(vfs, mine, entry);
    pipe.token = s.reply.token;
    return pipe;
  }

  /**
   * Read until end of input, giving each chunk to `deliver` (awaited: backpressure). Resolves
   * at the end, or when the VFS goes away; the host's fid is closed either way.
   */
  async drain(deliver: (chunk: Uint8Array) => unknown): Promise<void> {
    try {
      for (;;) {
        const buf = new Uint8Array(READ_CHUNK);
        const n = await this.inPlace.take(buf);
        if (n === 0) return;
        if (n !== null) {
          await deliver(buf.subarray(0, n));
          continue;
        }
        const r = await this.vfs.call('read', { fid: this.fid, offset: 0, length: READ_CHUNK, flags: 0 });
        if (!r.reply || r.reply.data.length === 0) return;
        await deliver(r.reply.data);
      }
    } finally {
      await this.close();
    }
  }

  /**
   * Write `data` whole (waiting for room). False once the program's end is closed (EPIPE) or
   * the VFS is gone: the rest of the input has nowhere to go.
   */
  async write(data: Uint8Array): Promise<boolean> {
    let off = 0;
    while (off < data.length && !this.closed) {
      const n = await this.inPlace.put(data, off);
      if (n === -2) return false;
      if (n !== null) {
        off += n;
        continue;
      }
      const r = await this.vfs.call('write', { fid: this.fid, offset: 0, append: 0, data: data.subarray(off, off + WRITE_CHUNK) });
      if (!r.reply) return false;
      off += r.reply.written;
    }
    return !this.closed;
  }

  /** Close the host's end (end of input for the program, for a stdin pipe). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.vfs.call('close', { fid: this.fid });
  }

  /** After the program has exited: take back its token if it never redeemed it, and close that end. */
  async reclaim(): Promise<void> {
    if (!this.token) return;
    const token = this.token;
    this.token = 0;
    const r = await this.vfs.call('redeem', { token });
    if (r.reply) await this.vfs.call('close', { fid: r.reply.fid });
  }
}

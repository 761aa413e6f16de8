/**
 * A process's local kernel: the trusted code in each process thread, beside the untrusted
 * program. It holds the IPC clients the process uses (kernel, VFS, console) and the raw,
 * allocation-free paths for the hottest calls (file reads and writes, console writes), which
 * copy between guest memory and the call slot's bulk buffer directly.
 *
 * Everything here returns WASI errno values; transport failures (a service died) become EIO.
 */

import type { Caller } from '../ipc/caller.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import { kernelProtocol } from '../kernel/kernel-protocol.js';
import { Status } from '../kernel/status.js';
import { consoleProtocol } from '../services/dev/console.js';
import { vfsProtocol } from '../services/vfs/vfs-protocol.js';
import { Errno } from './wasi/errno.js';

const VW = vfsProtocol.layouts.write;
const VR = vfsProtocol.layouts.read;
const CW = consoleProtocol.layouts.write;
const CR = consoleProtocol.layouts.read;

export class LocalKernel {
  readonly kernel: ProtocolClient<typeof kernelProtocol>;
  readonly vfs: ProtocolClient<typeof vfsProtocol>;
  readonly console: ProtocolClient<typeof consoleProtocol>;
  /** Largest payload one call can carry. */
  readonly maxChunk: number;

  constructor(readonly caller: Caller, vfsHandle: number, consoleHandle: number) {
    this.kernel = new ProtocolClient(kernelProtocol, caller, 0);
    this.vfs = new ProtocolClient(vfsProtocol, caller, vfsHandle);
    this.console = new ProtocolClient(consoleProtocol, caller, consoleHandle);
    this.maxChunk = caller.bulk.length;
  }

  private transportErrno(s: Status): number {
    return s === Status.OK ? Errno.SUCCESS : Errno.IO;
  }

  /**
   * Write `parts` (guest memory views) to a file at `offset` (or at its end when `append`).
   * Returns [errno, bytes written, offset after]. Larger data goes in bulk-sized calls.
   */
  fileWrite(fid: number, offset: number, append: boolean, parts: readonly Uint8Array[]): [number, number, number] {
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
      const t = this.caller.invoke(this.vfs.handle, VW.label);
      if (t !== Status.OK) return [total > 0 ? Errno.SUCCESS : this.transportErrno(t), total, at];
      if (regs[0] !== 0) return [total > 0 ? Errno.SUCCESS : regs[0]!, total, at];
      const written = regs[VW.reply.regs.written!]!;
      total += written;
      at = regs[VW.reply.regs.end!]!;
      if (written < n || pi >= parts.length) break;
    }
    return [Errno.SUCCESS, total, at];
  }

  /** Read up to `into`'s total length from a file at `offset`. Returns [errno, bytes read]. */
  fileRead(fid: number, offset: number, into: readonly Uint8Array[]): [number, number] {
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
        const t = this.caller.invoke(this.vfs.handle, VR.label);
        if (t !== Status.OK) return [total > 0 ? Errno.SUCCESS : this.transportErrno(t), total];
        if (regs[0] !== 0) return [total > 0 ? Errno.SUCCESS : regs[0]!, total];
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
    let done = 0;
    for (const dst of into) {
      if (done >= len) break;
      const take = Math.min(dst.length, len - done);
      dst.set(this.caller.bulk.subarray(off + done, off + done + take));
      done += take;
    }
    return [Errno.SUCCESS, len];
  }
}

/**
 * WASI functions that need no file system: args, environment, clocks, random, poll on clocks,
 * process exit, signals, yield, and sockets (Keel has no socket fds yet: every fd is not a socket).
 */

import { Errno } from './errno.js';
import { ClockId } from './rights.js';
import { ProcExit, type ShimContext } from './shim-context.js';

const encoder = new TextEncoder();

function writeStrings(ctx: ShimContext, list: readonly string[], ptrs: number, buf: number): number {
  const encoded = list.map((s) => encoder.encode(s + '\0'));
  const size = encoded.reduce((a, b) => a + b.length, 0);
  ctx.mem.check(ptrs, list.length * 4);
  ctx.mem.check(buf, size);
  let at = buf;
  encoded.forEach((bytes, i) => {
    ctx.mem.setU32(ptrs + i * 4, at);
    ctx.mem.bytes(at, bytes.length).set(bytes);
    at += bytes.length;
  });
  return Errno.SUCCESS;
}

function sizes(ctx: ShimContext, list: readonly string[], countPtr: number, sizePtr: number): number {
  const size = list.reduce((a, s) => a + encoder.encode(s).length + 1, 0);
  ctx.mem.check(countPtr, 4);
  ctx.mem.check(sizePtr, 4);
  ctx.mem.setU32(countPtr, list.length);
  ctx.mem.setU32(sizePtr, size);
  return Errno.SUCCESS;
}

export function miscFunctions(ctx: ShimContext) {
  const clockNow = (id: number): bigint | number | null => {
    switch (id) {
      case ClockId.REALTIME: return ctx.realtime();
      case ClockId.MONOTONIC:
      case ClockId.PROCESS_CPUTIME:
      case ClockId.THREAD_CPUTIME: return Math.floor(ctx.now());
      default: return null;
    }
  };
  return {
    args_get: (argv: number, buf: number) => writeStrings(ctx, ctx.args, argv, buf),
    args_sizes_get: (count: number, size: number) => sizes(ctx, ctx.args, count, size),
    environ_get: (envp: number, buf: number) => writeStrings(ctx, ctx.env, envp, buf),
    environ_sizes_get: (count: number, size: number) => sizes(ctx, ctx.env, count, size),
    clock_res_get: (id: number, out: number) => {
      if (id < 0 || id > 3) return Errno.INVAL;
      ctx.mem.setU64(out, id === ClockId.REALTIME ? 1000n : 1n);
      return Errno.SUCCESS;
    },
    clock_time_get: (id: number, _precision: bigint, out: number) => {
      const t = clockNow(id);
      if (t === null) return Errno.INVAL;
      ctx.mem.setU64(out, t);
      return Errno.SUCCESS;
    },
    random_get: (buf: number, len: number) => {
      const view = ctx.mem.bytes(buf, len);
      // Fill through a private copy: the host may refuse views of memory it does not own.
      for (let off = 0; off < len; off += 65536) {
        const chunk = new Uint8Array(Math.min(65536, len - off));
        ctx.randomFill(chunk);
        view.set(chunk, off);
      }
      return Errno.SUCCESS;
    },
    poll_oneoff: (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number) => {
      if (nsubs === 0) return Errno.INVAL;
      ctx.mem.check(inPtr, nsubs * 48);
      ctx.mem.check(outPtr, nsubs * 32);
      ctx.mem.check(neventsPtr, 4);
      const now = ctx.now();
      let nearest = Infinity;
      const ready: { userdata: bigint; type: number; error: number; nbytes: bigint }[] = [];
      const clocks: { userdata: bigint; deadline: number }[] = [];
      for (let i = 0; i < nsubs; i++) {
        const s = inPtr + i * 48;
        const userdata = ctx.mem.u64(s);
        const tag = ctx.mem.u8(s + 8);
        if (tag === 0) {
          const id = ctx.mem.u32(s + 16);
          const timeout = Number(ctx.mem.u64(s + 24));
          const flags = ctx.mem.u16(s + 40);
          const base = clockNow(id);
          if (base === null) {
            ready.push({ userdata, type: 0, error: Errno.INVAL, nbytes: 0n });
            continue;
          }
          const abs = (flags & 1) !== 0;
          const deadline = abs ? now + (timeout - Number(base)) : now + timeout;
          clocks.push({ userdata, deadline });
          nearest = Math.min(nearest, deadline);
        } else if (tag === 1 || tag === 2) {
          const fd = ctx.mem.u32(s + 16);
          const e = ctx.fds.get(fd);
          ready.push({ userdata, type: tag, error: e ? Errno.SUCCESS : Errno.BADF, nbytes: 0n });
        } else {
          ready.push({ userdata, type: tag, error: Errno.INVAL, nbytes: 0n });
        }
      }
      if (ready.length === 0 && clocks.length > 0) {
        const wait = nearest - ctx.now();
        if (wait > 0) ctx.sleep(wait);
      }
      const t = ctx.now();
      for (const c of clocks) if (c.deadline <= t) ready.push({ userdata: c.userdata, type: 0, error: 0, nbytes: 0n });
      ready.forEach((ev, i) => {
        const o = outPtr + i * 32;
        ctx.mem.bytes(o, 32).fill(0);
        ctx.mem.setU64(o, ev.userdata);
        ctx.mem.setU16(o + 8, ev.error);
        ctx.mem.setU8(o + 10, ev.type);
        ctx.mem.setU64(o + 16, ev.nbytes);
      });
      ctx.mem.setU32(neventsPtr, ready.length);
      return Errno.SUCCESS;
    },
    proc_exit: (code: number): number => {
      throw new ProcExit(code >>> 0);
    },
    // The default action of the signal, as a process without handlers gets it (WASI has no way to
    // install one): ignored for CHLD, CONT, URG and WINCH, and 0 is a no-op; every other signal
    // ends the process as killed by it. WASI numbers 1–15 match POSIX; from 16 on they are one less.
    proc_raise: (sig: number) => {
      if (!Number.isInteger(sig) || sig < 0 || sig > 30) return Errno.INVAL;
      if (sig === 0 || sig === 16 || sig === 17 || sig === 22 || sig === 27) return Errno.SUCCESS;
      throw new ProcExit(0, sig <= 15 ? sig : sig + 1);
    },
    sched_yield: () => Errno.SUCCESS,
    sock_accept: (fd: number) => (ctx.fds.get(fd) ? Errno.NOTSOCK : Errno.BADF),
    sock_recv: (fd: number) => (ctx.fds.get(fd) ? Errno.NOTSOCK : Errno.BADF),
    sock_send: (fd: number) => (ctx.fds.get(fd) ? Errno.NOTSOCK : Errno.BADF),
    sock_shutdown: (fd: number) => (ctx.fds.get(fd) ? Errno.NOTSOCK : Errno.BADF),
  };
}

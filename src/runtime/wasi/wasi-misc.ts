/**
 * WASI functions that need no file system: args, environment, clocks, random, poll on clocks,
 * process exit, signals, yield, and sockets (Keel has no socket fds yet: every fd is not a socket).
 */

import { Errno } from '../../abi/errno.js';
import { ClockId } from '../../abi/wasi-rights.js';
import { ProcExit, type ShimContext } from '../shim-context.js';
import { pollOneoff } from './wasi-poll.js';
import { socketFunctions } from './wasi-sock.js';

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
    poll_oneoff: pollOneoff(ctx, clockNow),
    proc_exit: (code: number): number => {
      throw new ProcExit(code >>> 0);
    },
    // The default action of the signal, as a process without handlers gets it (WASI has no way to
    // install one): ignored for CHLD, CONT, URG and WINCH, and 0 is a no-op; STOP, TSTP, TTIN and
    // TTOU stop the process as a job-control stop does (it returns once continued); every other
    // signal ends the process as killed by it. WASI numbers 1–15 match POSIX; from 16 on they are one less.
    proc_raise: (sig: number) => {
      if (!Number.isInteger(sig) || sig < 0 || sig > 30) return Errno.INVAL;
      if (sig === 0 || sig === 16 || sig === 17 || sig === 22 || sig === 27) return Errno.SUCCESS;
      if (sig >= 18 && sig <= 21) return ctx.lk.stopSelf(sig + 1);
      throw new ProcExit(0, sig <= 15 ? sig : sig + 1);
    },
    sched_yield: () => Errno.SUCCESS,
    ...socketFunctions(ctx),
  };
}

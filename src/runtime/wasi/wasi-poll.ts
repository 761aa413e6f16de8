/**
 * poll_oneoff: wait until one of a set of events happens — a clock deadline, or an fd ready to
 * read or write — and report every event that is ready then.
 *
 * Readiness by kind of fd: a regular file is always ready (for reads, `nbytes` is what is left
 * after the fd's offset); a pipe end reads its ring when it has one (runtime/direct-pipes.ts), else
 * asks the VFS (bytes buffered / room left; `hangup` once the other side has closed); stdin asks the console (input buffered, or ended); console output is
 * always ready. While nothing is ready the thread sleeps in growing steps (50 µs up to 10 ms)
 * until the nearest clock deadline, so a long poll costs little CPU and answers within 10 ms.
 */

import { Errno } from '../../abi/errno.js';
import type { FdEntry } from '../fd-table.js';
import type { ShimContext } from '../shim-context.js';
import { statOf, vfsResult } from './wasi-fd.js';

const EVENT_CLOCK = 0, EVENT_FD_READ = 1, EVENT_FD_WRITE = 2;
const FD_READWRITE_HANGUP = 1;
const SUBSCRIPTION_SIZE = 48, EVENT_SIZE = 32;

interface Event { userdata: bigint; type: number; error: number; nbytes: number; flags: number }
interface FdSub { userdata: bigint; type: number; fd: number; entry: FdEntry | undefined }

export function pollOneoff(ctx: ShimContext, clockNow: (id: number) => bigint | number | null) {
  const { mem, lk } = ctx;

  /** The event for an fd subscription if it is ready now, else null. */
  const check = (s: FdSub): Event | null => {
    const e = s.entry;
    const base = { userdata: s.userdata, type: s.type, error: 0, nbytes: 0, flags: 0 };
    if (!e) return { ...base, error: Errno.BADF };
    if (e.kind === 'pipe') {
      const r = lk.pipes.ready(e.fid) ?? vfsResult(lk.vfs.call('ready', { fid: e.fid }));
      if (typeof r === 'number') return { ...base, error: r };
      if (s.type === EVENT_FD_READ) {
        if (r.bytes > 0) return { ...base, nbytes: r.bytes };
        return r.hangup ? { ...base, flags: FD_READWRITE_HANGUP } : null;
      }
      if (r.hangup) return { ...base, error: Errno.PIPE, flags: FD_READWRITE_HANGUP };
      return r.space > 0 ? { ...base, nbytes: r.space } : null;
    }
    if (e.kind === 'console' && e.fid === 0 && s.type === EVENT_FD_READ) {
      const r = lk.console.call('ready', {});
      if (r.transport !== 0 || r.status !== 0) return { ...base, error: r.transport !== 0 ? Errno.IO : r.status };
      if (r.reply!.bytes > 0) return { ...base, nbytes: r.reply!.bytes };
      return r.reply!.ended ? { ...base, flags: FD_READWRITE_HANGUP } : null;
    }
    if (e.kind === 'file' && s.type === EVENT_FD_READ) {
      const st = statOf(lk, e);
      if (typeof st === 'number') return { ...base, error: st };
      return { ...base, nbytes: Math.max(0, st.size - e.offset) };
    }
    return base;
  };

  return (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number => {
    if (nsubs === 0) return Errno.INVAL;
    mem.check(inPtr, nsubs * SUBSCRIPTION_SIZE);
    mem.check(outPtr, nsubs * EVENT_SIZE);
    mem.check(neventsPtr, 4);
    const start = ctx.now();
    const clocks: { userdata: bigint; deadline: number }[] = [];
    const fdSubs: FdSub[] = [];
    const immediate: Event[] = [];
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      const userdata = mem.u64(s);
      const tag = mem.u8(s + 8);
      if (tag === EVENT_CLOCK) {
        const id = mem.u32(s + 16);
        const timeout = Number(mem.u64(s + 24));
        const absolute = (mem.u16(s + 40) & 1) !== 0;
        const now = clockNow(id);
        if (now === null) {
          immediate.push({ userdata, type: EVENT_CLOCK, error: Errno.INVAL, nbytes: 0, flags: 0 });
          continue;
        }
        clocks.push({ userdata, deadline: absolute ? start + (timeout - Number(now)) : start + timeout });
      } else if (tag === EVENT_FD_READ || tag === EVENT_FD_WRITE) {
        const fd = mem.u32(s + 16);
        fdSubs.push({ userdata, type: tag, fd, entry: ctx.fds.get(fd) });
      } else {
        immediate.push({ userdata, type: tag, error: Errno.INVAL, nbytes: 0, flags: 0 });
      }
    }
    const nearest = clocks.reduce((m, c) => Math.min(m, c.deadline), Infinity);
    let step = 50_000;
    let events: Event[];
    for (;;) {
      events = [...immediate];
      for (const s of fdSubs) {
        const ev = check(s);
        if (ev) events.push(ev);
      }
      const now = ctx.now();
      for (const c of clocks) if (c.deadline <= now) events.push({ userdata: c.userdata, type: EVENT_CLOCK, error: 0, nbytes: 0, flags: 0 });
      if (events.length > 0) break;
      ctx.sleep(Math.min(step, nearest - now));
      step = Math.min(step * 2, 10_000_000);
    }
    events.forEach((ev, i) => {
      const o = outPtr + i * EVENT_SIZE;
      mem.bytes(o, EVENT_SIZE).fill(0);
      mem.setU64(o, ev.userdata);
      mem.setU16(o + 8, ev.error);
      mem.setU8(o + 10, ev.type);
      mem.setU64(o + 16, ev.nbytes);
      mem.setU16(o + 24, ev.flags);
    });
    mem.setU32(neventsPtr, events.length);
    return Errno.SUCCESS;
  };
}

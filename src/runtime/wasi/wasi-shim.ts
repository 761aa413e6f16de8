/**
 * The `wasi_snapshot_preview1` import object: every function of the witx, assembled from the
 * families (fd, path, misc). Each function is wrapped so that no host exception ever reaches the
 * program or the kernel: a bad guest pointer becomes EFAULT, a bug inside the shim becomes EIO
 * (and is counted), and only proc_exit's unwinding passes through.
 */

import type { FuncSig, ValType } from '../wasm-module-reader.js';
import { Errno } from '../../abi/errno.js';
import { GuestFault, type GuestMemory } from './guest-memory.js';
import { ProcExit, type ShimContext } from './shim-context.js';
import { fdFunctions } from './wasi-fd.js';
import { miscFunctions } from './wasi-misc.js';
import { pathFunctions } from './wasi-path.js';

export interface ShimStats {
  calls: number;
  faults: number;
  internalErrors: number;
  lastInternalError: string;
}

const i32 = 'i32', i64 = 'i64';
/** A preview1 function returning an errno (all but proc_exit), taking `params`. */
const errnoFn = (...params: ValType[]): FuncSig => ({ params, results: [i32] });

/**
 * Every preview1 function (all 46) with its core wasm signature: the witx
 * (wasi_snapshot_preview1.witx) lowered by its rules — handles, u8-u32 values, enums, flags up to
 * 32 bits and pointers are i32; u64/s64 values (filesize, timestamp, rights, dircookie, userdata,
 * …) are i64; a string or list is a pointer and a length; each result but the errno is one more
 * pointer parameter. A module importing one of them with another signature is refused at load
 * (runtime/link-check.ts), as wasmtime refuses it at link time.
 */
export const WASI_PREVIEW1_SIGNATURES = {
  args_get: errnoFn(i32, i32),
  args_sizes_get: errnoFn(i32, i32),
  environ_get: errnoFn(i32, i32),
  environ_sizes_get: errnoFn(i32, i32),
  clock_res_get: errnoFn(i32, i32),
  clock_time_get: errnoFn(i32, i64, i32),
  fd_advise: errnoFn(i32, i64, i64, i32),
  fd_allocate: errnoFn(i32, i64, i64),
  fd_close: errnoFn(i32),
  fd_datasync: errnoFn(i32),
  fd_fdstat_get: errnoFn(i32, i32),
  fd_fdstat_set_flags: errnoFn(i32, i32),
  fd_fdstat_set_rights: errnoFn(i32, i64, i64),
  fd_filestat_get: errnoFn(i32, i32),
  fd_filestat_set_size: errnoFn(i32, i64),
  fd_filestat_set_times: errnoFn(i32, i64, i64, i32),
  fd_pread: errnoFn(i32, i32, i32, i64, i32),
  fd_prestat_get: errnoFn(i32, i32),
  fd_prestat_dir_name: errnoFn(i32, i32, i32),
  fd_pwrite: errnoFn(i32, i32, i32, i64, i32),
  fd_read: errnoFn(i32, i32, i32, i32),
  fd_readdir: errnoFn(i32, i32, i32, i64, i32),
  fd_renumber: errnoFn(i32, i32),
  fd_seek: errnoFn(i32, i64, i32, i32),
  fd_sync: errnoFn(i32),
  fd_tell: errnoFn(i32, i32),
  fd_write: errnoFn(i32, i32, i32, i32),
  path_create_directory: errnoFn(i32, i32, i32),
  path_filestat_get: errnoFn(i32, i32, i32, i32, i32),
  path_filestat_set_times: errnoFn(i32, i32, i32, i32, i64, i64, i32),
  path_link: errnoFn(i32, i32, i32, i32, i32, i32, i32),
  path_open: errnoFn(i32, i32, i32, i32, i32, i64, i64, i32, i32),
  path_readlink: errnoFn(i32, i32, i32, i32, i32, i32),
  path_remove_directory: errnoFn(i32, i32, i32),
  path_rename: errnoFn(i32, i32, i32, i32, i32, i32),
  path_symlink: errnoFn(i32, i32, i32, i32, i32),
  path_unlink_file: errnoFn(i32, i32, i32),
  poll_oneoff: errnoFn(i32, i32, i32, i32),
  proc_exit: { params: [i32], results: [] },
  proc_raise: errnoFn(i32),
  sched_yield: errnoFn(),
  random_get: errnoFn(i32, i32),
  sock_accept: errnoFn(i32, i32, i32),
  sock_recv: errnoFn(i32, i32, i32, i32, i32, i32),
  sock_send: errnoFn(i32, i32, i32, i32, i32),
  sock_shutdown: errnoFn(i32, i32),
} as const satisfies Readonly<Record<string, FuncSig>>;

/** The preview1 function names, so a missing one is caught when the shim is made. */
export const WASI_PREVIEW1_FUNCTIONS = Object.keys(WASI_PREVIEW1_SIGNATURES) as ReadonlyArray<keyof typeof WASI_PREVIEW1_SIGNATURES>;

/**
 * Wrap an import so no host exception reaches the program: a bad guest pointer becomes EFAULT, a
 * bug in the shim EIO (counted), and only proc_exit's unwinding passes through. The wrapper has
 * the import's own arity (up to 4; more takes the 11-parameter form, keel.spawn_pgid's count), so
 * a call passes no padding arguments and allocates nothing: the hot calls (clocks, reads, writes)
 * take 2-4. Every call first lets `mem` see whether the program's memory grew (GuestMemory.watch:
 * one comparison when it did not), so the memory ledger hears of growth at the next system call.
 */
export function guardImport(name: string, fn: (...args: never[]) => number, stats: ShimStats, mem: GuestMemory): (...args: never[]) => number {
  const failed = (err: unknown): number => {
    if (err instanceof ProcExit) throw err;
    if (err instanceof GuestFault) {
      stats.faults++;
      return Errno.FAULT;
    }
    stats.internalErrors++;
    stats.lastInternalError = err instanceof Error ? `${name}: ${err.message}` : `${name}: ${String(err)}`;
    return Errno.IO;
  };
  type Any = unknown;
  const f = fn as (...args: Any[]) => number;
  let guarded: (...args: Any[]) => number;
  switch (fn.length) {
    case 0: guarded = () => { stats.calls++; try { mem.watch(); return f(); } catch (e) { return failed(e); } }; break;
    case 1: guarded = (a: Any) => { stats.calls++; try { mem.watch(); return f(a); } catch (e) { return failed(e); } }; break;
    case 2: guarded = (a: Any, b: Any) => { stats.calls++; try { mem.watch(); return f(a, b); } catch (e) { return failed(e); } }; break;
    case 3: guarded = (a: Any, b: Any, c: Any) => { stats.calls++; try { mem.watch(); return f(a, b, c); } catch (e) { return failed(e); } }; break;
    case 4: guarded = (a: Any, b: Any, c: Any, d: Any) => { stats.calls++; try { mem.watch(); return f(a, b, c, d); } catch (e) { return failed(e); } }; break;
    default:
      guarded = (a: Any, b: Any, c: Any, d: Any, e: Any, g: Any, h: Any, i: Any, j: Any, k: Any, l: Any) => {
        stats.calls++;
        try { mem.watch(); return f(a, b, c, d, e, g, h, i, j, k, l); } catch (err) { return failed(err); }
      };
  }
  return guarded as (...args: never[]) => number;
}

export function wasiImports(ctx: ShimContext, stats: ShimStats): WebAssembly.ModuleImports {
  const all: Record<string, (...args: never[]) => number> = {
    ...miscFunctions(ctx),
    ...fdFunctions(ctx),
    ...pathFunctions(ctx),
  };
  const out: Record<string, (...args: never[]) => number> = {};
  for (const name of WASI_PREVIEW1_FUNCTIONS) {
    const fn = all[name];
    if (!fn) throw new Error(`WASI shim lacks ${name}`);
    out[name] = guardImport(name, fn, stats, ctx.mem);
  }
  return out;
}

/**
 * The `wasi_snapshot_preview1` import object: every function of the witx, assembled from the
 * families (fd, path, misc). Each function is wrapped so that no host exception ever reaches the
 * program or the kernel: a bad guest pointer becomes EFAULT, a bug inside the shim becomes EIO
 * (and is counted), and only proc_exit's unwinding passes through.
 */

import { Errno } from './errno.js';
import { GuestFault } from './guest-memory.js';
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

/** The preview1 function names (all 45), so a missing one is caught when the module loads. */
export const WASI_PREVIEW1_FUNCTIONS = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept',
  'sock_recv', 'sock_send', 'sock_shutdown',
] as const;

/**
 * Wrap an import so no host exception reaches the program: a bad guest pointer becomes EFAULT, a
 * bug in the shim EIO (counted), and only proc_exit's unwinding passes through. Imports take at
 * most 11 parameters (keel.spawn_pgid); a fixed-arity wrapper allocates nothing per call.
 */
export function guardImport(name: string, fn: (...args: never[]) => number, stats: ShimStats): (...args: never[]) => number {
  const call = fn as (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown, j: unknown, k: unknown) => number;
  return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown, j: unknown, k: unknown): number => {
    stats.calls++;
    try {
      return call(a, b, c, d, e, f, g, h, i, j, k);
    } catch (err) {
      if (err instanceof ProcExit) throw err;
      if (err instanceof GuestFault) {
        stats.faults++;
        return Errno.FAULT;
      }
      stats.internalErrors++;
      stats.lastInternalError = err instanceof Error ? `${name}: ${err.message}` : `${name}: ${String(err)}`;
      return Errno.IO;
    }
  }) as (...args: never[]) => number;
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
    out[name] = guardImport(name, fn, stats);
  }
  return out;
}

/**
 * The `wasi_snapshot_preview1` import object: every function of the witx, assembled from the
 * families (fd, path, misc). Each function is wrapped so that no host exception ever reaches the
 * program or the kernel: a bad guest pointer becomes EFAULT, a bug inside the shim becomes EIO
 * (and is counted), and only proc_exit's unwinding passes through.
 */

import { WASI_PREVIEW1_FUNCTIONS } from '../../abi/signatures.js';
import { Errno } from '../../abi/errno.js';
import { GuestFault, type GuestMemory } from '../guest-memory.js';
import { ProcExit, type ShimContext } from '../shim-context.js';
import { fdFunctions } from './wasi-fd.js';
import { miscFunctions } from './wasi-misc.js';
import { pathFunctions } from './wasi-path.js';

export interface ShimStats {
  calls: number;
  faults: number;
  internalErrors: number;
  lastInternalError: string;
}


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

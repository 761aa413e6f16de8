/**
 * Opening a process and running a wasm instance's `_start`: the local kernel, fd table and import
 * functions of a new process, and the run to its end as an exit status. Shared by a process in its
 * own worker (wasm-process.ts) and one attached to a thread the host already has (the node:wasi
 * drop-in's caller, attached-process.ts), which needs nothing else of the process runtime — not
 * Keel's TypeScript programs, which only wasm-process.ts loads.
 */

import { LocalKernel } from '../runtime/local-kernel.js';
import { GuestMemory } from '../runtime/guest-memory.js';
import { ProcExit, type ShimContext } from '../runtime/shim-context.js';
import { type ShimStats, guardImport, wasiImports } from '../runtime/wasi/wasi-shim.js';
import { keelFunctions } from '../runtime/keel/keel-imports.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import type { ProcProtocol } from '../abi/protocols/proc.js';
import { RecoveringProcClient } from '../runtime/recovering-proc.js';
import type { ExitStatus } from '../abi/exit-status.js';
import type { WasmBoot } from '../abi/boot-spec.js';
import type { ThreadRuntime } from './thread-runtime.js';
import { initialFds } from '../runtime/initial-fds.js';
import { MemoryLedger } from '../ipc/memory-ledger.js';

const SIGKILL = 9;

export interface OpenedProcess {
  lk: LocalKernel;
  ctx: ShimContext;
  stats: ShimStats;
  proc: ProtocolClient<ProcProtocol> | null;
  wasi: Record<string, (...args: never[]) => number>;
  keel: Record<string, (...args: never[]) => number>;
}

/** The local kernel, fd table and import functions of a new process (before any program is loaded). */
export function openProcess(rt: ThreadRuntime, boot: WasmBoot): OpenedProcess | string {
  const vfsHandle = rt.handles[boot.vfs] ?? 0;
  const consoleHandle = rt.handles[boot.console] ?? 0;
  const lk = new LocalKernel(rt.caller, vfsHandle, consoleHandle, boot.net !== undefined ? rt.handles[boot.net] ?? 0 : 0, boot.closeAtOnce !== true, boot.noDirectFiles !== true, boot.noDirectHostFiles === true ? null : rt.platform.hostFiles ?? null, rt.platform.hostFs, boot.noLocalOpens !== true);
  const fds = initialFds(lk, { preopens: boot.preopens, inherit: boot.inherit, stdio: boot.stdio, sockets: boot.sockets, maxFds: rt.start.limits?.openFiles });
  if (typeof fds === 'string') return fds;
  lk.recovery.adopt(fds, boot.vfsIncarnation);

  const mem = new GuestMemory();
  const ledger = new MemoryLedger(rt.arena);
  mem.onGrow = (bytes) => {
    if (ledger.publish(rt.pid, bytes) === 'over-budget') throw new ProcExit(0, SIGKILL, 'memory');
  };
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const ctx: ShimContext = {
    mem, fds, lk, args: boot.args, env: boot.env,
    now: () => rt.platform.now(),
    realtime: () => rt.platform.realtime(),
    randomFill: (b) => rt.platform.randomFill(b),
    sleep: (ns) => { Atomics.wait(sleeper, 0, 0, ns / 1e6); },
  };
  const stats: ShimStats = { calls: 0, faults: 0, internalErrors: 0, lastInternalError: '' };

  const proc = boot.proc !== undefined ? new RecoveringProcClient(rt.caller, rt.handles[boot.proc] ?? 0, () => rt.platform.now() / 1e6) : null;
  const keel: Record<string, (...args: never[]) => number> = {};
  for (const [name, fn] of Object.entries(keelFunctions(ctx, proc))) keel[name] = guardImport(`keel.${name}`, fn, stats, mem);
  return { lk, ctx, stats, proc, keel, wasi: wasiImports(ctx, stats) as Record<string, (...args: never[]) => number> };
}

/** Run an instance's `_start` against `ctx` (whose imports it was made with) to its end. */
export function runStart(instance: WebAssembly.Instance, ctx: ShimContext): ExitStatus {
  const memory = instance.exports['memory'];
  const start = instance.exports['_start'];
  if (!(memory instanceof WebAssembly.Memory)) return { kind: 'crashed', message: 'does not export its memory' };
  if (typeof start !== 'function') return { kind: 'crashed', message: 'has no _start function (not a WASI command)' };
  // A module loaded from bytes had its entry point's type checked (runtime/link-check.ts); one given
  // compiled shows only its parameter count, which must be 0 too.
  if (start.length !== 0) return { kind: 'crashed', message: `entry point \`_start\` must be a func of type \`() -> ()\`, found one taking ${start.length} parameter${start.length === 1 ? '' : 's'}` };
  ctx.mem.attach(memory);
  try {
    // Its initial memory enters the ledger before it runs: a program that does not fit ends here.
    ctx.mem.watch();
    (start as () => void)();
    return { kind: 'exited', code: 0 };
  } catch (e) {
    if (e instanceof ProcExit) return e.signal ? { kind: 'killed', signal: e.signal, ...(e.limit ? { limit: e.limit } : {}) } : { kind: 'exited', code: e.code };
    if (e instanceof WebAssembly.RuntimeError) return { kind: 'trapped', message: e.message };
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { kind: 'trapped', message: 'call stack exhausted' };
    return { kind: 'crashed', message: e instanceof Error ? e.message : String(e) };
  }
}

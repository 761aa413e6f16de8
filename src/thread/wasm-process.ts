/**
 * A program process: the local kernel and WASI shim around one program — an unmodified wasm
 * program, or one of Keel's TypeScript programs (`#!keel NAME`), which gets the `sys` API built
 * on the very same shim functions and fd table.
 *
 * Start-up: set up the fd table (inherited from the parent, or the console on 0–2 and each preopen
 * from 3), load the program (given, by VFS path, or from a file the parent shared), then either
 * instantiate it against `wasi_snapshot_preview1` and `keel` and run `_start`, or run the TS
 * program's `main(sys)`. The end is always reported to the kernel as an exit status: the exit
 * code, a trap (with the engine's message), or a crash (a module that cannot be linked or started,
 * a TS program that throws).
 *
 * Memory: the kernel's limits for the process (ThreadStart.limits, at most its lineage's) and the
 * system's memory budget cap the module's memory maximum when it is loaded, and the process's
 * memory is published to the memory ledger whenever a system call finds it grew. The process
 * whose growth takes the programs over the budget ends there, killed with limit 'memory' — the
 * kernel and the services are never in the ledger, so never the ones to go.
 */

import { LocalKernel } from '../runtime/local-kernel.js';
import { GuestMemory } from '../runtime/guest-memory.js';
import { ProcExit, type ShimContext } from '../runtime/shim-context.js';
import { type ShimStats, guardImport, wasiImports } from '../runtime/wasi/wasi-shim.js';
import { keelFunctions } from '../runtime/keel/keel-imports.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import { procProtocol } from '../abi/protocols/proc.js';
import type { ExitStatus } from '../abi/exit-status.js';
import type { WasmBoot } from '../abi/boot-spec.js';
import type { ThreadRuntime } from './thread-runtime.js';
import { initialFds } from '../runtime/initial-fds.js';
import { type LoadedProgram, loadByFid, loadByPath, loadByToken } from '../runtime/program-loader.js';
import { MemoryLedger } from '../ipc/memory-ledger.js';
import type { ProcessLimits } from '../abi/exit-status.js';
import type { ProcProtocol } from '../abi/protocols/proc.js';
import { Sys, type SysGrants } from '../sys/sys.js';
import { registryProtocol } from '../abi/protocols/registry.js';
import { runScript } from './script-process.js';
import { isProgramName } from '../programs/registry.js';


/**
 * A thread may be reused for another process when its wasm program ended by itself (no script
 * code that could leave callbacks behind) and its memory was small enough that dropping it for
 * the garbage collector costs less than a fresh thread.
 */
const REUSABLE_MEMORY_BYTES = 64 * 1024 * 1024;

/** How a process thread ended: its status, and whether the thread may serve another process. */
export interface ProcessEnd {
  status: ExitStatus;
  reusable: boolean;
}

const SIGKILL = 9;

/** The most memory the process's module may declare: its limit, and the system's budget. */
function memoryCap(limits: ProcessLimits, ledger: MemoryLedger): number | undefined {
  const cap = Math.min(limits.memoryBytes ?? Infinity, ledger.budgetBytes);
  return Number.isFinite(cap) ? cap : undefined;
}

export async function runWasmProcess(rt: ThreadRuntime, boot: WasmBoot): Promise<ProcessEnd> {
  const opened = openProcess(rt, boot);
  if (typeof opened === 'string') return { status: { kind: 'crashed', message: opened }, reusable: false };
  const { lk, ctx, proc, keel, wasi } = opened;
  const cap = memoryCap(rt.start.limits ?? {}, new MemoryLedger(rt.arena));
  const program: LoadedProgram | string = boot.module ? { kind: 'wasm', module: boot.module }
    : boot.programFid ? loadByFid(lk, boot.program, boot.programFid, cap)
      : boot.programToken ? loadByToken(lk, boot.program, boot.programToken, cap)
        : boot.path ? loadByPath(lk, boot.path, cap) : 'no module to run';
  if (typeof program === 'string') return { status: { kind: 'crashed', message: program }, reusable: false };
  if (program.kind === 'script') {
    if (!isProgramName(program.name)) {
      return { status: { kind: 'crashed', message: `${boot.path ?? boot.program}: #!keel names no program Keel has: ${program.name.slice(0, 40)}` }, reusable: false };
    }
    // Keel's own programs are synchronous (the lint forbids timers, promises and async code in
    // src/programs): once main has returned, nothing of theirs runs on, so a program that ended
    // by itself leaves its thread for the next process as a wasm program does.
    const status = await runScript(program.name, new Sys(ctx, wasi, keel, proc, grantsOf(rt, boot, program.name)));
    return { status, reusable: status.kind === 'exited' };
  }
  const status = runWasm(program.module, ctx, wasi, keel);
  return { status, reusable: ctx.mem.size <= REUSABLE_MEMORY_BYTES };
}

/**
 * The sessions proc granted the process (WasmBoot.grants), as the clients its TypeScript program
 * gets — only if the program that loaded is the one proc granted them to. A wasm program never
 * gets them: its only calls are the WASI and keel imports.
 */
function grantsOf(rt: ThreadRuntime, boot: WasmBoot, program: string): SysGrants {
  const g = boot.grants;
  if (!g || g.program !== program) return {};
  const registry = g.services['registry'];
  return registry !== undefined ? { registry: new ProtocolClient(registryProtocol, rt.caller, rt.handles[registry] ?? 0) } : {};
}

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
  const lk = new LocalKernel(rt.caller, vfsHandle, consoleHandle, boot.net !== undefined ? rt.handles[boot.net] ?? 0 : 0, boot.closeAtOnce !== true, boot.noDirectFiles !== true);
  const fds = initialFds(lk, { preopens: boot.preopens, inherit: boot.inherit, stdio: boot.stdio, sockets: boot.sockets, maxFds: rt.start.limits?.openFiles });
  if (typeof fds === 'string') return fds;
  lk.recovery.adopt(fds);

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

  const proc = boot.proc !== undefined ? new ProtocolClient(procProtocol, rt.caller, rt.handles[boot.proc] ?? 0) : null;
  const keel: Record<string, (...args: never[]) => number> = {};
  for (const [name, fn] of Object.entries(keelFunctions(ctx, proc))) keel[name] = guardImport(`keel.${name}`, fn, stats, mem);
  return { lk, ctx, stats, proc, keel, wasi: wasiImports(ctx, stats) as Record<string, (...args: never[]) => number> };
}

function runWasm(module: WebAssembly.Module, ctx: ShimContext, wasi: WebAssembly.ModuleImports, keel: WebAssembly.ModuleImports): ExitStatus {
  const imports = { wasi_snapshot_preview1: wasi, keel };
  // Own names only: `in` would also accept names every object inherits (toString, constructor).
  const unknown = WebAssembly.Module.imports(module).filter((i) => !Object.hasOwn(imports, i.module) || !Object.hasOwn(imports[i.module as keyof typeof imports], i.name));
  if (unknown.length > 0) {
    const first = unknown[0]!;
    return { kind: 'crashed', message: `imports ${first.module}.${first.name}, which Keel does not provide` };
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    return { kind: 'crashed', message: `cannot instantiate: ${e instanceof Error ? e.message : String(e)}` };
  }
  return runStart(instance, ctx);
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

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

import type { ExitStatus, ProcessLimits } from '../abi/exit-status.js';
import type { WasmBoot } from '../abi/boot-spec.js';
import type { ThreadRuntime } from './thread-runtime.js';
import { type LoadedProgram, loadByFid, loadByPath, loadByToken, useShelf } from '../runtime/program-loader.js';
import { MemoryLedger } from '../ipc/memory-ledger.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import type { ShimContext } from '../runtime/shim-context.js';
import { Sys, type SysGrants } from '../sys/sys.js';
import { registryProtocol } from '../abi/protocols/registry.js';
import { runScript } from './script-process.js';
import { isProgramName } from '../programs/program-names.js';
import { type OpenedProcess, openProcess, runStart } from './wasm-start.js';

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

/** The most memory the process's module may declare: its limit, and the system's budget. */
function memoryCap(limits: ProcessLimits, ledger: MemoryLedger): number | undefined {
  const cap = Math.min(limits.memoryBytes ?? Infinity, ledger.budgetBytes);
  return Number.isFinite(cap) ? cap : undefined;
}

export async function runWasmProcess(rt: ThreadRuntime, boot: WasmBoot): Promise<ProcessEnd> {
  const opened = openProcess(rt, boot);
  if (typeof opened === 'string') return { status: { kind: 'crashed', message: opened }, reusable: false };
  try {
    return await runOpened(rt, boot, opened);
  } finally {
    // The host descriptors of its direct host files are the process's own: they end with it.
    opened.lk.end();
  }
}

async function runOpened(rt: ThreadRuntime, boot: WasmBoot, opened: OpenedProcess): Promise<ProcessEnd> {
  const { lk, ctx, proc, keel, wasi } = opened;
  const cap = memoryCap(rt.start.limits ?? {}, new MemoryLedger(rt.arena));
  const share = rt.platform.shareModule;
  useShelf(rt.arena, rt.start.modules ?? [], share ? (m) => share.call(rt.platform, m) : null);
  const program: LoadedProgram | string = boot.module ? { kind: 'wasm', module: boot.module }
    : boot.programFid ? loadByFid(lk, boot.program, boot.programFid, cap, boot.programOrigin)
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

/**
 * Programs, seen from the kernel thread: how the host starts one (a wasm module or a file in
 * Keel's namespace, or one of its TypeScript programs), signals it and its tree, and waits for
 * it. Each program is a child of the kernel process holding fresh sessions (badged client ends)
 * of the services programs may hold — the VFS and the console always, proc and net when the
 * manifest lets programs have them — in the order its boot spec names.
 */

import type { Kernel } from '../kernel/kernel.js';
import { KERNEL_PID } from '../kernel/kernel.js';
import type { Handle } from '../abi/handle.js';
import { Status, statusName } from '../abi/status.js';
import type { ExitStatus, ProcessLimits, ResourceLimit } from '../abi/exit-status.js';
import type { ScriptBoot, WasmBoot } from '../abi/boot-spec.js';
import type { SystemConfig } from '../manifest/system-config.js';
import type { ServiceWiring } from './wiring.js';
import { KeelError } from './keel-error.js';

/** What a program is started with: the boot spec's program fields (`module`, or a VFS `path`), its limits. */
export type SpawnWasmOptions = Pick<WasmBoot, 'program' | 'module' | 'path' | 'args' | 'env' | 'preopens' | 'stdio' | 'attached'> & {
  readonly limits?: ProcessLimits;
  /** The module's initial memory, when known: the spawn is refused (NO_MEMORY) if it does not fit the budget. */
  readonly initialMemoryBytes?: number;
};

export class Programs {
  constructor(
    private readonly kernel: Kernel,
    private readonly config: SystemConfig,
    private readonly wiring: ServiceWiring,
    /** True once shutdown has begun: nothing new starts. */
    private readonly stopping: () => boolean,
  ) {}

  /** The services programs may hold sessions of (all the system has, unless the manifest says). */
  private get capabilities(): readonly string[] {
    return this.config.programCapabilities ?? ['vfs', 'console', 'proc', 'net'];
  }

  private may(service: string): boolean {
    return this.wiring.master(service) !== undefined && this.capabilities.includes(service);
  }

  /**
   * Start a program — a compiled wasm module, or the file at a VFS path (wasm or `#!keel`) —
   * with sessions of the VFS, the console, proc and net; its pid and the kernel's handle to it.
   */
  spawnWasm(opts: SpawnWasmOptions): { pid: number; handle: Handle } {
    if (this.stopping()) throw new KeelError('SHUT_DOWN', 'the system has been shut down');
    const ledger = this.kernel.ledger;
    if (!ledger.fits(opts.initialMemoryBytes ?? 0)) {
      throw new KeelError('NO_MEMORY', `cannot start ${opts.program}: its ${opts.initialMemoryBytes} bytes of initial memory do not fit the memory budget (${ledger.committedBytes} of ${ledger.budgetBytes} bytes in use)`);
    }
    const handles = [this.wiring.sessionHandle('vfs'), this.wiring.sessionHandle('console')];
    const extra: { proc?: number; net?: number; sockets?: number } = {};
    if (this.may('proc')) {
      extra.proc = handles.length;
      handles.push(this.wiring.sessionHandle('proc'));
    }
    if (this.may('net')) {
      const net = this.config.services.find((s) => s.name === 'net');
      extra.net = handles.length;
      extra.sockets = net?.kind === 'net' ? (net.config.listen ?? []).length : 0;
      handles.push(this.wiring.sessionHandle('net'));
    }
    const boot: WasmBoot = {
      kind: 'wasm', program: opts.program, ...(opts.module ? { module: opts.module } : { path: opts.path ?? opts.program }), args: opts.args, env: opts.env,
      preopens: opts.preopens, vfs: 0, console: 1, ...extra,
      ...(opts.stdio ? { stdio: opts.stdio } : {}), ...(opts.attached ? { attached: true } : {}),
      ...(this.config.fastPaths?.deferredClose === false ? { closeAtOnce: true } : {}),
      ...(this.config.fastPaths?.directFiles === false ? { noDirectFiles: true } : {}),
      ...(this.config.fastPaths?.directHostFiles === false ? { noDirectHostFiles: true } : {}),
      ...(this.config.fastPaths?.localOpens === false ? { noLocalOpens: true } : {}),
    };
    return this.launch(opts.program, handles, boot, opts.limits);
  }

  /**
   * Start a TypeScript/JavaScript program (a module exporting `main(rt, args, data)`), with
   * sessions in this order in its handles: VFS, console, proc; `limits` bound what it starts.
   */
  spawnScript(url: string, args: readonly string[], data?: unknown, limits?: ProcessLimits): { pid: number; handle: Handle } {
    const handles = [this.wiring.sessionHandle('vfs'), this.wiring.sessionHandle('console')];
    if (this.may('proc')) handles.push(this.wiring.sessionHandle('proc'));
    return this.launch(url.split('/').pop() ?? url, handles, { kind: 'script', url, args, data }, limits);
  }

  /** Start a child of the kernel process with `handles` moved into it; they are closed if it cannot start. */
  private launch(name: string, handles: Handle[], boot: WasmBoot | ScriptBoot, limits?: ProcessLimits): { pid: number; handle: Handle } {
    const r = this.kernel.spawn(KERNEL_PID, { name, handles, boot, ...(limits ? { limits } : {}) });
    if (r.status !== Status.OK) {
      for (const h of handles) this.kernel.close(KERNEL_PID, h);
      throw new KeelError('SPAWN', `cannot start ${name}: ${statusName(r.status)}`);
    }
    return { pid: r.value.pid, handle: r.value.handle };
  }

  /** Send `signal` to the process behind `handle` (a handle from spawnWasm); 9 ends it at once. */
  kill(handle: Handle, signal: number, limit?: ResourceLimit): Status {
    return this.kernel.kill(KERNEL_PID, handle, signal, limit);
  }

  /** The session (process tree) a process started by spawnWasm leads. */
  sessionOf(pid: number): number {
    return this.kernel.process(pid)?.session ?? 0;
  }

  /** Signal every live process of `session` (a run's whole tree, orphans included); how many. */
  signalSession(session: number, signal: number, limit?: ResourceLimit): number {
    return this.kernel.signalSession(session, signal, limit);
  }

  /** Resolves once no process of `session` is left. */
  sessionEnded(session: number): Promise<void> {
    return new Promise((resolve) => this.kernel.sessions.onEnd(session, resolve));
  }

  /** Resolve with the exit status of the process behind `handle` (a handle from spawnWasm). */
  wait(handle: Handle): Promise<ExitStatus> {
    return new Promise((resolve, reject) => {
      const s = this.kernel.waitProcess(KERNEL_PID, handle, resolve);
      if (s !== Status.OK) reject(new KeelError('WAIT', `cannot wait: ${statusName(s)}`));
    });
  }

  /** Close the kernel's handle to a process (from spawnWasm) once it is no longer needed. */
  release(handle: Handle): void {
    this.kernel.close(KERNEL_PID, handle);
  }
}

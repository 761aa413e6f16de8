/**
 * A drop-in for node:wasi's `WASI` class, backed by Keel:
 *
 *   import { WASI } from 'keel/wasi';          // was: import { WASI } from 'node:wasi';
 *   const wasi = new WASI({ version: 'preview1', args, env, preopens: { '/sandbox': dir } });
 *   const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
 *   const code = wasi.start(instance);
 *
 * Same shape and the same synchronous `start()`: the program runs on the caller's thread, as with
 * node:wasi. What changes is everything behind its system calls. `start()` attaches the caller's
 * thread as a process to a Keel system in a kernel worker (the caller's thread may not host the
 * kernel: it blocks while the program runs), booted by the first WASI object of its shape (same
 * preopens, stdio fds and manifest) and shared by the later ones. Each preopen is served by its own hostfs
 * service, which confines the program to that directory (no escape by `..` or by symlinks, on
 * Linux not even by ones another host process plants or swaps in: Keel guarantees what
 * node:wasi's documentation says it does not; docs/wasi-vs-node.md); stdio goes through the console
 * service; the program holds capabilities to nothing else.
 *
 * As with node:wasi: a trap is thrown from `start()` as the engine's RuntimeError; proc_exit
 * returns its code (or exits the host process when `returnOnExit` is false). Unlike it,
 * `initialize()` (reactors) is not offered.
 */

import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { KeelError } from '../../api/keel.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import { WASI_PREVIEW1_FUNCTIONS } from '../../abi/signatures.js';
import type { ThreadStart } from '../../abi/boot-spec.js';
import { runAttached } from '../../thread/attached-process.js';
import { nodeThreadPlatform } from './node-thread-platform.js';
import type { WasiKernelData, WasiKernelRequest } from './wasi-kernel.js';
import { takeEarlyWasiKernel, wasiKernelEntry } from './early-wasi-kernel.js';

export interface WASIOptions {
  /** node:wasi requires 'preview1'; it is the only version Keel offers. */
  readonly version?: 'preview1';
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Guest path → host directory. */
  readonly preopens?: Readonly<Record<string, string>>;
  /** Return proc_exit's code from start() (default true); false exits the host process with it. */
  readonly returnOnExit?: boolean;
  /** Host fds for the program's stdin, stdout and stderr (default 0, 1, 2). */
  readonly stdin?: number;
  readonly stdout?: number;
  readonly stderr?: number;
  /** Keel only: the system manifest to boot (default: Keel's). */
  readonly manifest?: string;
}

/** How long start() waits for the kernel worker to boot and attach before giving up. */
const ATTACH_TIMEOUT_MS = 30_000;


/** One kernel worker per system shape (manifest, stdio fds, preopens), shared by every WASI object of that shape. */
const kernels = new Map<string, { worker: Worker; port: MessagePort }>();

function kernelFor(o: WASIOptions): { key: string; worker: Worker; port: MessagePort } {
  const shape: Omit<WasiKernelData, 'port'> = {
    preopens: { ...(o.preopens ?? {}) }, stdio: [o.stdin ?? 0, o.stdout ?? 1, o.stderr ?? 2], ...(o.manifest ? { manifest: o.manifest } : {}),
  };
  const key = JSON.stringify(shape);
  let k = kernels.get(key);
  if (!k) {
    const { port1, port2 } = new MessageChannel();
    const early = takeEarlyWasiKernel();
    if (early) early.postMessage({ ...shape, port: port2 }, [port2]);
    const worker = early ?? new Worker(wasiKernelEntry(), { workerData: { ...shape, port: port2 }, transferList: [port2], name: 'keel:wasi-kernel' });
    worker.unref();
    port1.unref();
    worker.on('error', () => kernels.delete(key));
    worker.once('exit', () => kernels.delete(key));
    kernels.set(key, k = { worker, port: port1 });
  }
  return { key, ...k };
}

export class WASI {
  /** The wasi_snapshot_preview1 functions the instance imports (bound to Keel at start()). */
  readonly wasiImport: Record<string, (...args: never[]) => number>;
  private bound: WebAssembly.ModuleImports | null = null;
  private started = false;

  constructor(private readonly options: WASIOptions = {}) {
    if (options.version !== undefined && options.version !== 'preview1') {
      throw new KeelError('BAD_OPTION', `WASI version ${String(options.version)}: Keel offers preview1 only`);
    }
    for (const [name, v] of [['stdin', options.stdin], ['stdout', options.stdout], ['stderr', options.stderr]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new KeelError('BAD_OPTION', `${name}: expected a file descriptor number`);
    }
    // The kernel worker starts booting now, while the caller compiles and instantiates its module.
    kernelFor(options);
    this.wasiImport = {};
    for (const name of WASI_PREVIEW1_FUNCTIONS) {
      this.wasiImport[name] = ((...args: never[]) => {
        if (!this.bound) throw new Error(`WASI: ${name} called before start()`);
        return (this.bound[name] as (...a: never[]) => number)(...args);
      }) as (...args: never[]) => number;
    }
  }

  getImportObject(): { wasi_snapshot_preview1: Record<string, (...args: never[]) => number> } {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  /** Run the instance's `_start` as a Keel process on this thread; its exit code. */
  start(instance: WebAssembly.Instance): number {
    if (this.started) throw new KeelError('ALREADY_STARTED', 'WASI: start() was already called');
    this.started = true;
    if (!(instance.exports['memory'] instanceof WebAssembly.Memory)) throw new TypeError('WASI: the instance does not export "memory"');
    if (typeof instance.exports['_start'] !== 'function') throw new TypeError('WASI: the instance does not export "_start"');
    const { port, start } = this.attach();
    let status: ExitStatus;
    try {
      status = runAttached(start, nodeThreadPlatform(null, false), instance, (wasi) => { this.bound = wasi; });
    } catch (e) {
      status = { kind: 'crashed', message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage({ exited: status, pid: start.pid } satisfies WasiKernelRequest);
    switch (status.kind) {
      case 'exited':
        if (this.options.returnOnExit === false) process.exit(status.code);
        return status.code;
      case 'trapped': throw new WebAssembly.RuntimeError(status.message);
      case 'killed': return 128 + status.signal;
      case 'crashed': throw new KeelError('CRASHED', status.message);
    }
  }

  /** Ask the kernel worker for a process for this thread, blocking until it answers. */
  private attach(): { port: MessagePort; start: ThreadStart } {
    const o = this.options;
    const { key, worker, port } = kernelFor(o);
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.env ?? {})) if (v !== undefined) env[k] = v;
    port.postMessage({ attach: { args: [...(o.args ?? [])], env, signal } } satisfies WasiKernelRequest);
    const deadline = Date.now() + ATTACH_TIMEOUT_MS;
    while (Atomics.load(signal, 0) === 0) {
      if (Date.now() > deadline) {
        kernels.delete(key);
        void worker.terminate();
        throw new KeelError('BOOT', `the Keel kernel did not answer within ${ATTACH_TIMEOUT_MS} ms`);
      }
      Atomics.wait(signal, 0, 0, 100);
    }
    const m = receiveMessageOnPort(port)?.message as { start?: ThreadStart; error?: { code: string; message: string } } | undefined;
    if (!m?.start) {
      kernels.delete(key);
      void worker.terminate();
      throw new KeelError(m?.error?.code ?? 'BOOT', m?.error?.message ?? 'the Keel kernel stopped before answering');
    }
    return { port, start: m.start };
  }
}

/**
 * The kernel worker of the node:wasi drop-in (wasi.ts). The caller's thread blocks in `start()`
 * while its program runs, so the kernel and the services cannot live there: this worker boots a
 * Keel system once (the manifest given, else Keel's default; each preopen a hostfs service) and
 * then serves attach requests, one per `start()`: it creates the attached process, posts its
 * ThreadStart on the port and raises the request's signal word. Unless told otherwise (the
 * manifest option, KEEL_MANIFEST), the system is manifests/run.yaml: the services on this worker's
 * own thread, beside the kernel, since the program runs on the caller's and no worker of its own is
 * needed — one thread to start, as node:wasi needs none. When the caller reports the end,
 * it records the exit status. Failures are reported the same way, so the caller never waits on
 * a worker that will not answer. The worker lives as long as the host process (it is unref'd).
 * Its shape (WasiKernelData) is its workerData, or — a worker started when `keel/wasi` was loaded,
 * before any WASI object said what it wants (early-wasi-kernel.ts) — its first message.
 */

import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { Keel } from '../../api/keel.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import { MANIFESTS_DIR, nodeKeelHost } from './index.js';
import { nodeThreadPlatform, type StdioFds } from './node-thread-platform.js';
import { writeCodeCaches } from './code-cache.js';

export interface WasiKernelData {
  readonly port: MessagePort;
  readonly preopens: Readonly<Record<string, string>>;
  readonly stdio: StdioFds;
  readonly manifest?: string;
}

export type WasiKernelRequest =
  | { readonly attach: { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly signal: Int32Array } }
  | { readonly exited: ExitStatus; readonly pid: number };

/** Boot the system of `data`'s shape and serve its attach requests and exit reports. */
function serve(data: WasiKernelData): void {
  const host = { ...nodeKeelHost, platform: nodeThreadPlatform(null, true, data.stdio) };
  const dirs: Record<string, string> = {};
  const preopens: Record<string, string> = {};
  Object.entries(data.preopens).forEach(([guest, hostDir], i) => {
    dirs[`/mnt/${i}`] = hostDir;
    preopens[guest] = `/mnt/${i}`;
  });
  const manifest = data.manifest ?? (process.env['KEEL_MANIFEST'] || `${MANIFESTS_DIR}run.yaml`);
  const booted = Keel.boot(host, { dirs, manifest, threads: { warm: 0, atBoot: 0 } });
  booted.catch(() => {});
  const running = new Map<number, (status: ExitStatus) => void>();

  const attach = async (args: readonly string[], env: Readonly<Record<string, string>>, signal: Int32Array): Promise<void> => {
    try {
      const keel = await booted;
      const a = await keel.attach({ args, env, dirs: preopens, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' });
      // Booted and attached: what this worker compiled is worth keeping (code-cache.ts). Now, while
      // the caller waits (the first start of an install only): a caller that exits right after its
      // program ends would end this worker before any later moment.
      writeCodeCaches();
      running.set(a.start.pid, a.done);
      data.port.postMessage({ start: a.start });
    } catch (e) {
      data.port.postMessage({ error: { code: (e as { code?: string }).code ?? 'BOOT', message: e instanceof Error ? e.message : String(e) } });
    } finally {
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    }
  };

  data.port.on('message', (m: WasiKernelRequest) => {
    if ('attach' in m) void attach(m.attach.args, m.attach.env, m.attach.signal);
    else {
      running.get(m.pid)?.(m.exited);
      running.delete(m.pid);
    }
  });
}

// The shape: given at the start, or (an early worker, started before the first WASI object said
// what it wants) in the first message.
if (workerData) serve(workerData as WasiKernelData);
else parentPort!.once('message', (shape: WasiKernelData) => serve(shape));

/**
 * The kernel worker of the node:wasi drop-in (wasi.ts). The caller's thread will block in
 * `start()` while its program runs, so the kernel and the services cannot live there: this
 * worker boots a Keel system (the manifest given, else Keel's default), mounts the preopens as
 * hostfs services, creates the attached process, hands its ThreadStart over the port and raises
 * the signal word. When the caller reports the end, it records the status and shuts the system
 * down. Any failure is reported the same way, so the caller never waits on a dead worker.
 */

import { type MessagePort, workerData } from 'node:worker_threads';
import { Keel } from '../../api/keel.js';
import type { ExitStatus } from '../../kernel/process.js';
import { nodeKeelHost } from './index.js';
import { nodeThreadPlatform, type StdioFds } from './node-thread-platform.js';

export interface WasiKernelData {
  readonly signal: Int32Array;
  readonly port: MessagePort;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly preopens: Readonly<Record<string, string>>;
  readonly stdio: StdioFds;
  readonly manifest?: string;
}

const data = workerData as WasiKernelData;

function raise(): void {
  Atomics.store(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
}

async function main(): Promise<void> {
  const host = { ...nodeKeelHost, platform: nodeThreadPlatform(null, true, data.stdio) };
  const dirs: Record<string, string> = {};
  const preopens: Record<string, string> = {};
  Object.entries(data.preopens).forEach(([guest, hostDir], i) => {
    dirs[`/mnt/${i}`] = hostDir;
    preopens[guest] = `/mnt/${i}`;
  });
  let keel: Keel | null = null;
  try {
    keel = await Keel.boot(host, { dirs, ...(data.manifest ? { manifest: data.manifest } : {}) });
    const a = await keel.attach({ args: data.args, env: data.env, dirs: preopens, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' });
    const booted = keel;
    data.port.on('message', (m: { exited: ExitStatus }) => {
      a.done(m.exited);
      void booted.shutdown().finally(() => data.port.close());
    });
    data.port.postMessage({ start: a.start });
  } catch (e) {
    data.port.postMessage({ error: { code: (e as { code?: string }).code ?? 'BOOT', message: e instanceof Error ? e.message : String(e) } });
    await keel?.shutdown();
    data.port.close();
  } finally {
    raise();
  }
}

void main();

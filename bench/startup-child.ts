/**
 * A fresh process for one start-up measurement of bench/startup.ts; prints its times (ms) as one
 * JSON line. It loads Keel the way a user's program does: the package's entries (dist/bundle).
 *
 *   startup-child worker            an empty worker thread: start to its first message
 *   startup-child library PROG      import, bootKeel(), the first run of PROG, shutdown
 *   startup-child dropin PROG       keel/wasi: import, construct, compile, instantiate, start()
 *   startup-child node-wasi PROG    the same with node:wasi
 *   startup-child repeat:N PROG     one system, PROG run N times after one: the median run
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('../../', import.meta.url));
const [mode = '', program = ''] = process.argv.slice(2);
const out = (times: Record<string, number>): void => {
  process.stdout.write(`${JSON.stringify(times)}\n`);
};

interface Library {
  bootKeel(options?: object): Promise<{ run(p: string, o?: object): Promise<{ exitCode: number; stdout: string }>; shutdown(): Promise<void> }>;
}
interface WasiCtor {
  new (o: object): { getImportObject(): WebAssembly.Imports; start(i: WebAssembly.Instance): number };
}

async function dropin(mod: string): Promise<void> {
  const t0 = performance.now();
  const { WASI } = (await import(mod)) as { WASI: WasiCtor };
  const wasi = new WASI({ version: 'preview1', args: [program], env: {}, stdout: 2 });
  const module = new WebAssembly.Module(readFileSync(program));
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  const code = wasi.start(instance);
  if (code !== 0) throw new Error(`exit ${code}`);
  out({ total: performance.now() - t0 });
}

if (mode === 'worker') {
  const t0 = performance.now();
  const w = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true });
  await new Promise((resolve) => w.once('message', resolve));
  const worker = performance.now() - t0;
  await w.terminate();
  out({ worker });
} else if (mode === 'library') {
  const t0 = performance.now();
  const { bootKeel } = (await import(join(root, 'dist/bundle/index.js'))) as Library;
  const t1 = performance.now();
  const keel = await bootKeel();
  const t2 = performance.now();
  const r = await keel.run(program);
  const t3 = performance.now();
  await keel.shutdown();
  const t4 = performance.now();
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}`);
  out({ import: t1 - t0, boot: t2 - t1, 'first-program': t3 - t2, shutdown: t4 - t3 });
} else if (mode === 'dropin') {
  await dropin(join(root, 'dist/bundle/wasi.js'));
  process.exit(0); // the drop-in's kernel worker is the embedder's to end; a bench child just leaves
} else if (mode === 'node-wasi') {
  process.removeAllListeners('warning');
  await dropin('node:wasi');
} else if (mode.startsWith('repeat:')) {
  const n = Number(mode.slice('repeat:'.length));
  const { bootKeel } = (await import(join(root, 'dist/bundle/index.js'))) as Library;
  const keel = await bootKeel();
  await keel.run(program);
  const runs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await keel.run(program);
    runs.push(performance.now() - t);
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}`);
  }
  await keel.shutdown();
  runs.sort((a, b) => a - b);
  out({ perRun: runs[runs.length >> 1]! });
} else {
  process.stderr.write('usage: startup-child worker | library PROG | dropin PROG | node-wasi PROG | repeat:N PROG\n');
  process.exit(2);
}

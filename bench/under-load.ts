/**
 * The `under-load` rows of `npm run bench`: the syscall-heavy programs run N at once (1, 2, 4, 8)
 * in one booted Keel, against N node:wasi programs at once, each in its own worker (as Keel runs
 * each program in one). Timed from the first start to the last exit; the ratio is Keel's time
 * over node:wasi's for the same N, so it reads as a throughput ratio. On two cores, N > 2 puts more
 * runnable threads than cores on both sides; Keel also has its services' threads, so this is
 * where a crossing that spins or waits for the scheduler shows (decision 002, "Since then").
 *
 * Programs: open_stat (open + fstat + close 8 directories deep) and write_small (64-byte writes),
 * each on its own directory of the root tmpfs in Keel and of one host directory under node:wasi.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { System } from '../src/system/system.js';
import type { SystemConfig } from '../src/manifest/system-config.js';
import { NodeHost } from '../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../src/platform/node/node-thread-platform.js';
import { makeDirectories } from '../src/api/namespace-files.js';
import { median } from './median.js';

export interface LoadRow { benchmark: string; variant: string; keel: number; baseline: number; unit: string }

interface Job { readonly name: string; readonly program: string; readonly args: (dir: string) => string[] }

function jobs(quick: boolean): Job[] {
  return [
    { name: 'open-stat-close', program: 'open_stat', args: (d) => [d, '8', quick ? '1000' : '5000'] },
    { name: 'file-write-small', program: 'write_small', args: (d) => [`${d}/w`, quick ? '10000' : '50000', '64'] },
  ];
}

/** Wall ms for `n` node:wasi workers running `job` at once, each in its own host directory. */
async function nodeWasiAtOnce(baselineWorker: URL, module: WebAssembly.Module, job: Job, n: number, hostDir: string): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
    const dir = join(hostDir, `p${i}`);
    const w = new Worker(baselineWorker, { workerData: { module, args: [job.program, ...job.args('/sandbox')], preopens: { '/sandbox': dir } } });
    w.once('message', (code: number) => (code === 0 ? resolve() : reject(new Error(`${job.program} exited ${code} under node:wasi`))));
    w.once('error', reject);
  })));
  return performance.now() - t0;
}

/** Wall ms for `n` Keel programs running `job` at once, each in its own directory of /tmp. */
async function keelAtOnce(system: System, module: WebAssembly.Module, job: Job, n: number): Promise<number> {
  const t0 = performance.now();
  const handles = Array.from({ length: n }, (_, i) => system.spawnWasm({
    program: job.program, module, args: [job.program, ...job.args('/sandbox')], env: [],
    preopens: [{ guestPath: '/sandbox', vfsPath: `/tmp/p${i}` }],
  }).handle);
  const statuses = await Promise.all(handles.map((h) => system.wait(h)));
  for (const s of statuses) if (s.kind !== 'exited' || s.code !== 0) throw new Error(`${job.program} failed under Keel: ${JSON.stringify(s)}`);
  return performance.now() - t0;
}

/**
 * Every (program, N) row, medians of `rounds`, alternating Keel and node:wasi. `config` is the
 * system to boot (the default placement); `baselineWorker` the node:wasi worker script.
 */
export async function underLoad(quick: boolean, config: SystemConfig, prog: (name: string) => string, baselineWorker: URL, progress: (m: string) => void): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const counts = quick ? [1, 2, 4] : [1, 2, 4, 8];
  const rounds = quick ? 3 : 5;
  const hostDir = mkdtempSync(join(tmpdir(), 'keel-bench-load-'));
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), config);
  try {
    for (const job of jobs(quick)) {
      const module = new WebAssembly.Module(readFileSync(prog(job.program)));
      for (const n of counts) {
        progress(`under-load: ${job.name} ×${n}`);
        for (let i = 0; i < n; i++) await makeDirectories(system.systemVfs, `/tmp/p${i}`);
        const k: number[] = [];
        const b: number[] = [];
        for (let r = 0; r < rounds; r++) {
          k.push(await keelAtOnce(system, module, job, n));
          for (let i = 0; i < n; i++) {
            rmSync(join(hostDir, `p${i}`), { recursive: true, force: true });
            mkdirSync(join(hostDir, `p${i}`), { recursive: true });
          }
          b.push(await nodeWasiAtOnce(baselineWorker, module, job, n, hostDir));
        }
        rows.push({ benchmark: 'under-load', variant: `${job.name}, ${n} at once, tmpfs`, keel: median(k), baseline: median(b), unit: 'ms (first start to last exit)' });
      }
    }
  } finally {
    await system.shutdown();
    rmSync(hostDir, { recursive: true, force: true });
  }
  return rows;
}


/**
 * Entry of a Node worker that runs programs (wasm, or Keel's TypeScript programs): the worker
 * loop with the process runtime only, loaded at once — a program's worker is often started ahead
 * of its program (the warm pool), and then it is ready when the program comes. An early worker may
 * be told which of Keel's TypeScript programs it will run (`workerData.preloadPrograms`, the
 * shell for `keel boot`) and loads them too while it waits.
 */

import { workerData } from 'node:worker_threads';
import { preloadRuntimes, type ThreadRuntimes } from '../../thread/thread-main.js';
import { serveThreads } from './worker-loop.js';
import { startMark } from './start-trace.js';

const runtimes: ThreadRuntimes = { program: () => import('../../thread/wasm-process.js') };
startMark('worker');
serveThreads(runtimes);
preloadRuntimes(runtimes);
// An early worker told which TypeScript programs it will run (early-worker.ts) loads them now.
const preload = (workerData as { preloadPrograms?: unknown } | null)?.preloadPrograms;
if (Array.isArray(preload)) void import('../../programs/registry.js').then(async (r) => { for (const name of preload) if (typeof name === 'string') await r.loadProgram(name); }).catch(() => {});

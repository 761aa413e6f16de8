/**
 * Entry of a Node worker that runs programs (wasm, or Keel's TypeScript programs): the worker
 * loop with the process runtime only, loaded at once — a program's worker is often started ahead
 * of its program (the warm pool), and then it is ready when the program comes.
 */

import { preloadRuntimes, type ThreadRuntimes } from '../../thread/thread-main.js';
import { serveThreads } from './worker-loop.js';
import { startMark } from './start-trace.js';

const runtimes: ThreadRuntimes = { program: () => import('../../thread/wasm-process.js') };
startMark('worker');
serveThreads(runtimes);
preloadRuntimes(runtimes);

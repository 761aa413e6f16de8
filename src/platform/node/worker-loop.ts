/**
 * The loop every Keel worker started by NodeHost runs: each process's start data arrives as a
 * message (the first as soon as the worker is given a process) and goes to the portable
 * runThread with the Node thread platform. A worker whose process retired (runThread returned)
 * closes that process's control port, says `idle` to the host and waits for its next process;
 * the host terminates it instead whenever it likes.
 *
 * There are two entries (program-entry.ts, service-entry.ts), one per kind of worker, each
 * naming only what its kind runs, so a program's worker never loads the services and a
 * services worker never loads the process runtime (in a bundle: never reads it either).
 */

import { parentPort } from 'node:worker_threads';
import { type ThreadRuntimes, runThread } from '../../thread/thread-main.js';
import { nodeThreadPlatform } from './node-thread-platform.js';
import { IDLE, type PoolStart, type WorkerStart as Start } from './pool-messages.js';
import { startMark } from './start-trace.js';
import { keelThread } from './node-host-files.js';

export function serveThreads(runtimes: ThreadRuntimes): void {
  const serve = async (start: Start): Promise<void> => {
    startMark('process');
    await runThread(start, nodeThreadPlatform(start.control, true), runtimes);
    startMark('done');
    start.control.close();
    parentPort!.postMessage(IDLE);
  };
  // Every worker serves processes one after another, each from a message: a worker started for a
  // process gets its first at once, a warm one from the pool when a program takes it, the next
  // ones once the host has taken it back.
  keelThread();
  parentPort!.on('message', (m: PoolStart) => void serve(m.start));
}

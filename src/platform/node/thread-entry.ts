/**
 * Worker-thread entry point for every Keel thread started by NodeHost. Hands the start data — from
 * workerData, or, for a pooled worker, from a message — to the portable runThread with the Node
 * thread platform. A worker whose process retired (runThread returned) closes that process's
 * control port, says `idle` to the host and waits for its next process; the host terminates it
 * instead whenever it likes. Nothing else belongs here.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { runThread } from '../../thread/thread-main.js';
import { nodeThreadPlatform } from './node-thread-platform.js';
import { IDLE, type PoolStart, type WorkerStart as Start } from './pool-messages.js';

async function serve(start: Start): Promise<void> {
  await runThread(start, nodeThreadPlatform(start.control, true));
  start.control.close();
  parentPort!.postMessage(IDLE);
}

// Every worker serves processes one after another: the first from workerData (a worker started
// for a process) or from a message (a warm worker from the host's pool), the next ones from
// messages once the host has taken it back.
parentPort!.on('message', (m: PoolStart) => void serve(m.start));
if (!(workerData as { pooled?: boolean }).pooled) void serve(workerData as Start);

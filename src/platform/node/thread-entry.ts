/**
 * Worker-thread entry point for every Keel thread started by NodeHost. Hands each process's start
 * data — it arrives as a message, the first one as soon as the worker is given a process — to the
 * portable runThread with the Node thread platform. A worker whose process retired (runThread
 * returned) closes that process's control port, says `idle` to the host and waits for its next
 * process; the host terminates it instead whenever it likes. Nothing else belongs here.
 */

import { parentPort } from 'node:worker_threads';
import { runThread } from '../../thread/thread-main.js';
import { nodeThreadPlatform } from './node-thread-platform.js';
import { IDLE, type PoolStart, type WorkerStart as Start } from './pool-messages.js';

async function serve(start: Start): Promise<void> {
  await runThread(start, nodeThreadPlatform(start.control, true));
  start.control.close();
  parentPort!.postMessage(IDLE);
}

// Every worker serves processes one after another, each from a message: a worker started for a
// process gets its first at once, a warm one from the pool when a program takes it, the next
// ones once the host has taken it back.
parentPort!.on('message', (m: PoolStart) => void serve(m.start));

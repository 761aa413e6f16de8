/**
 * Worker-thread entry point for every Keel thread started by NodeHost. Hands the start data — from
 * workerData, or, for a pooled worker, from the first message — to the portable runThread with the
 * Node thread platform. Nothing else belongs here.
 */

import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { ThreadStart } from '../../system/boot-spec.js';
import { runThread } from '../../system/thread-main.js';
import { nodeThreadPlatform } from './node-thread-platform.js';

type Start = ThreadStart & { control: MessagePort };

if ((workerData as { pooled?: boolean }).pooled) {
  // A warm worker from the host's pool: wait to be given a process.
  parentPort!.once('message', (m: { start: Start }) => {
    void runThread(m.start, nodeThreadPlatform(m.start.control, true));
  });
} else {
  const start = workerData as Start;
  void runThread(start, nodeThreadPlatform(start.control, true));
}

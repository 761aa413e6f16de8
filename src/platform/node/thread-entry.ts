/**
 * Worker-thread entry point for every Keel thread started by NodeHost. Hands the start data to the
 * portable runThread with the Node thread platform. Nothing else belongs here.
 */

import { type MessagePort, workerData } from 'node:worker_threads';
import type { ThreadStart } from '../../system/boot-spec.js';
import { runThread } from '../../system/thread-main.js';
import { nodeThreadPlatform } from './node-thread-platform.js';

const start = workerData as ThreadStart & { control: MessagePort };
void runThread(start, nodeThreadPlatform(start.control, true));

/**
 * The messages between NodeHost and its workers (worker-loop.ts): the host gives a worker — new,
 * or idle in the pool — a process; the worker says when that process has retired and it is free
 * again.
 */

import type { MessagePort } from 'node:worker_threads';
import type { ShelvedModule, ThreadStart } from '../../abi/boot-spec.js';

/** A process's start data as a Node worker receives it: with its control port. */
export type WorkerStart = ThreadStart & { control: MessagePort };

/** Host → worker: run this process. */
export interface PoolStart { start: WorkerStart }

/** Worker → host: its process retired and it holds nothing of it any more. */
export const IDLE = 'idle';

/** Worker → host: a module it compiled from an unchanged file, for the next program threads (ipc/module-shelf.ts). */
export interface ModuleOffer { module: ShelvedModule }

export function isModuleOffer(m: unknown): m is ModuleOffer {
  return typeof m === 'object' && m !== null && typeof (m as ModuleOffer).module === 'object' && (m as ModuleOffer).module !== null;
}


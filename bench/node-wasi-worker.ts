/**
 * Baseline worker for the benchmarks: instantiate and run a WASI program under node:wasi in a
 * fresh worker thread (as Keel runs each program in one), then post the exit code.
 */

import { WASI } from 'node:wasi';
import { parentPort, workerData } from 'node:worker_threads';

interface Job { module: WebAssembly.Module; args: string[]; preopens: Record<string, string> }
const job = workerData as Job;
const wasi = new WASI({ version: 'preview1', args: job.args, env: {}, preopens: job.preopens, returnOnExit: true });
const instance = new WebAssembly.Instance(job.module, wasi.getImportObject() as WebAssembly.Imports);
parentPort!.postMessage(wasi.start(instance));

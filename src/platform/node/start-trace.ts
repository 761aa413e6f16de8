/**
 * Start-up phase marks, for measuring where a short run's time goes (`npm run bench`, start-up
 * section; decision 011). With KEEL_TRACE_START=1 in the environment, each mark writes one line
 * to stderr: `keel-start EPOCH_MS THREAD PHASE`, the wall clock in milliseconds (comparable
 * across threads), `main` or `worker N`, and the phase. Without it a mark costs one boolean test.
 *
 * The phases of `keel run`: on the main thread `command` (bin/keel.js began), `loaded` (the CLI
 * bundle is in), `booted`, `spawned`, `ended` (the program's status arrived), `exit`; on the
 * program's worker `worker` (its bundle is in), `process` (it was given the process), `done` (the
 * process ran to its end).
 */

import { writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

const tracing = process.env['KEEL_TRACE_START'] === '1';

export function startMark(phase: string): void {
  if (!tracing) return;
  const at = performance.timeOrigin + performance.now();
  writeSync(2, `keel-start ${at.toFixed(2)} ${threadId === 0 ? 'main' : `worker ${threadId}`} ${phase}\n`);
}

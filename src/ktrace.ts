import { writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
export function kt(label: string): void {
  if (process.env['KEEL_T']) writeSync(2, `T ${(performance.timeOrigin + performance.now()).toFixed(1)} [${threadId}] ${label}\n`);
}

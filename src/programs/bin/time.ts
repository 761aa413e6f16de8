/**
 * time [-p] COMMAND [ARG...]: run COMMAND and report on standard error how long it took, then
 * exit with its status. -p: POSIX's form (`real 0.01` / `user` / `sys`); otherwise bash's
 * (`real	0m0.012s`). Keel measures wall-clock time only: user and sys are reported as 0.
 */

import type { Sys } from '../../sys/sys.js';
import { startCommand } from '../lib/run-command.js';

export function main(sys: Sys): number {
  let args = sys.args.slice(1);
  let posix = false;
  while (args[0] === '-p' || args[0] === '--portability') {
    posix = true;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sys.write(2, 'Usage: time [-p] command [arguments...]\n');
    return 2;
  }
  const t0 = sys.now();
  const started = startCommand(sys, 'time', args);
  const status = 'status' in started ? started.status : sys.wait(started.pid).code;
  const seconds = (sys.now() - t0) / 1000;
  if (posix) sys.write(2, `real ${seconds.toFixed(2)}\nuser 0.00\nsys 0.00\n`);
  else {
    const fmt = (s: number): string => `${Math.floor(s / 60)}m${(s % 60).toFixed(3)}s`;
    sys.write(2, `\nreal\t${fmt(seconds)}\nuser\t0m0.000s\nsys\t0m0.000s\n`);
  }
  return status;
}

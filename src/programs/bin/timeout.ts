/**
 * timeout [-s SIGNAL] [-k DURATION] [--preserve-status] DURATION COMMAND [ARG...]: run COMMAND and
 * signal it (TERM) if it is still running after DURATION, as GNU timeout: status 124 when it
 * timed out (or 128 + signal with --preserve-status), else COMMAND's; 125 for timeout's own
 * errors, 126/127 when COMMAND cannot be run; -k sends KILL that long after the first signal.
 *
 * Keel has no wait with a time limit, so timeout looks at the process table (sys.processes) at
 * growing intervals (1 ms doubling to 50 ms) until the child has ended or the time is up.
 */

import type { Sys } from '../../sys/sys.js';
import { parseDuration, startCommand } from '../lib/run-command.js';

const SIGNALS: Readonly<Record<string, number>> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, ALRM: 14, TERM: 15, CONT: 18, STOP: 19 };

function usage(sys: Sys, message: string): number {
  sys.write(2, `timeout: ${message}\nTry 'timeout --help' for more information.\n`);
  return 125;
}

function ended(sys: Sys, pid: number): boolean {
  const row = sys.processes().find((p) => p.pid === pid);
  return !row || (row.state !== 'running' && row.state !== 'stopped');
}

/** Wait up to `ms` for `pid` to end; true when it did. */
function waitFor(sys: Sys, pid: number, ms: number): boolean {
  const deadline = sys.now() + ms;
  let step = 1;
  for (;;) {
    if (ended(sys, pid)) return true;
    const left = deadline - sys.now();
    if (left <= 0) return false;
    sys.sleep(Math.min(step, left));
    step = Math.min(step * 2, 50);
  }
}

export function main(sys: Sys): number {
  const args = sys.args.slice(1);
  let signal = 15;
  let killAfter: number | null = null;
  let preserve = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--preserve-status') preserve = true;
    else if (a === '--foreground' || a === '-v' || a === '--verbose') continue;
    else if (a === '-s' || a.startsWith('--signal') || (a.startsWith('-s') && a.length > 2)) {
      const v = a.startsWith('--signal=') ? a.slice(9) : a.length > 2 && !a.startsWith('--') ? a.slice(2) : args[++i] ?? '';
      const n = /^[0-9]+$/.test(v) ? Number(v) : SIGNALS[v.toUpperCase().replace(/^SIG/, '')];
      if (n === undefined) return usage(sys, `${v}: invalid signal`);
      signal = n;
    } else if (a === '-k' || a.startsWith('--kill-after') || a.startsWith('-k')) {
      const v = a.startsWith('--kill-after=') ? a.slice(13) : a.length > 2 && !a.startsWith('--') ? a.slice(2) : args[++i] ?? '';
      killAfter = parseDuration(v);
      if (killAfter === null) return usage(sys, `invalid time interval '${v}'`);
    } else return usage(sys, `invalid option -- '${a[1]!}'`);
  }
  const duration = args[i];
  if (duration === undefined) return usage(sys, 'missing operand');
  const ms = parseDuration(duration);
  if (ms === null) return usage(sys, `invalid time interval '${duration}'`);
  const command = args.slice(i + 1);
  if (command.length === 0) return usage(sys, `missing operand after '${duration}'`);
  const started = startCommand(sys, 'timeout', command);
  if ('status' in started) return started.status;
  const pid = started.pid;
  if (ms === 0 || waitFor(sys, pid, ms)) return sys.wait(pid).code;
  try {
    sys.kill(pid, signal);
  } catch {
    // it ended just now
  }
  let killed = signal === 9;
  if (killAfter !== null && !waitFor(sys, pid, killAfter)) {
    killed = true;
    try {
      sys.kill(pid, 9);
    } catch {
      // ended
    }
  }
  const w = sys.wait(pid);
  if (preserve) return w.code;
  // GNU timeout signals its own process group too: KILL ends timeout itself (128 + 9).
  return killed ? 137 : 124;
}

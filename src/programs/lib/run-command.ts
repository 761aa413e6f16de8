/**
 * Starting a command from a utility that runs one (time, timeout, env-like tools): PATH search
 * as the shell does it, spawn with fds 0-2, and the GNU statuses and messages when it cannot be
 * run (127 not found, 126 cannot be started).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { findCommand } from './find-command.js';

/** Spawn argv; its pid, or the status after printing `PROG: failed to run command 'NAME': …`. */
export function startCommand(sys: Sys, prog: string, argv: readonly string[], quote: (s: string) => string = (s) => `'${s}'`): { pid: number } | { status: number } {
  const path = findCommand(sys, argv[0]!, sys.env.get('PATH') ?? '/bin');
  if (path === null) {
    sys.write(2, `${prog}: failed to run command ${quote(argv[0]!)}: No such file or directory\n`);
    return { status: 127 };
  }
  try {
    return { pid: sys.spawn(path, { args: argv, env: sys.environment(), fds: [[0, 0], [1, 1], [2, 2]] }) };
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `${prog}: failed to run command ${quote(argv[0]!)}: ${errorText(e.errno)}\n`);
    return { status: e.code === 'ENOENT' ? 127 : 126 };
  }
}

/** A duration like sleep's: NUMBER[smhd]; milliseconds, or null. */
export function parseDuration(text: string): number | null {
  const m = /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?([smhd]?)$/.exec(text);
  if (!m) return null;
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[3]!]!;
  return Number(m[1]! + (m[2] ?? '')) * unit;
}

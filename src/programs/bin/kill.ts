/**
 * kill [-s SIGNAL | -SIGNAL] PID... | kill -l [NUMBER] | kill -L: send a signal (TERM by default)
 * to processes, as procps kill. Keel lets a process signal only what it started, directly or not,
 * so this program reaches its own descendants; the shell's `kill` builtin is what signals the
 * shell's jobs. -l lists the signal names (or names one), -L as a table.
 */

import { type Sys, SysError } from '../../sys/sys.js';

const NAMES = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'POLL', 'PWR', 'SYS'];

function signalNumber(spec: string): number | undefined {
  if (/^[0-9]+$/.test(spec)) return Number(spec) <= 64 ? Number(spec) : undefined;
  const name = spec.toUpperCase().replace(/^SIG/, '');
  const i = NAMES.indexOf(name === 'IO' ? 'POLL' : name);
  return i < 0 ? undefined : i + 1;
}

export function main(sys: Sys): number {
  let args = sys.args.slice(1);
  if (args[0] === '-l' || args[0] === '--list') {
    if (args[1] !== undefined) {
      const n = Number(args[1]);
      const number = signalNumber(args[1]);
      const name = Number.isInteger(n) ? NAMES[(n > 128 ? n - 128 : n) - 1] : number === undefined ? undefined : String(number);
      if (name === undefined) {
        sys.write(2, `kill: unknown signal: ${args[1]}\n`);
        return 1;
      }
      sys.write(1, `${name}\n`);
      return 0;
    }
    sys.write(1, `${NAMES.slice(0, 16).join(' ')}\n${NAMES.slice(16).join(' ')}\n`);
    return 0;
  }
  if (args[0] === '-L' || args[0] === '--table') {
    let out = '';
    NAMES.forEach((n, i) => {
      out += `${String(i + 1).padStart(2)} ${n.padEnd(7)}${(i + 1) % 7 === 0 || i === NAMES.length - 1 ? '\n' : ' '}`;
    });
    sys.write(1, out.replace(/ +\n/g, '\n'));
    return 0;
  }
  let signal = 15;
  if (args[0] === '-s' || args[0] === '-n') {
    const n = signalNumber(args[1] ?? '');
    if (n === undefined) {
      sys.write(2, `kill: unknown signal: ${args[1] ?? ''}\n`);
      return 1;
    }
    signal = n;
    args = args.slice(2);
  } else if (args[0]?.startsWith('-') && args[0] !== '--' && args[0] !== '-') {
    const n = signalNumber(args[0].slice(1));
    if (n === undefined) {
      sys.write(2, `kill: unknown signal: ${args[0].slice(1)}\n`);
      return 1;
    }
    signal = n;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sys.write(2, 'kill: not enough arguments\n');
    return 1;
  }
  let status = 0;
  for (const target of args) {
    if (!/^-?[0-9]+$/.test(target)) {
      sys.write(2, `kill: failed to parse argument: '${target}'\n`);
      status = 1;
      continue;
    }
    try {
      sys.kill(Number(target), signal);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `kill: (${target}): ${e.code === 'ESRCH' ? 'No such process' : 'Operation not permitted'}\n`);
      status = 1;
    }
  }
  return status;
}

/**
 * Job control builtins: jobs, fg, bg, wait, kill.
 *
 * `kill` is a builtin because in Keel a process may signal only what it started, directly or not
 * (proc checks): the shell started the jobs — and, through them, everything they started, orphans
 * included — so the shell signals them. `kill %N` and `kill -SIG -PGID` signal a whole process
 * group. A signal the shell sends itself (`kill -TERM $$`) that has a trap runs the trap (after
 * the current command) instead of ending the shell; an ignored one does nothing.
 */

import { SysError } from '../../sys/sys.js';
import { continueJob, reapJobs, waitForeground } from './pipeline.js';
import { type Shell, SIGNALS, signalName, signalNumber } from './shell.js';

export function jobs(sh: Shell): number {
  reapJobs(sh);
  const all = sh.jobs.all();
  all.forEach((job, i) => {
    const mark = i === all.length - 1 ? '+' : i === all.length - 2 ? '-' : ' ';
    sh.write(1, job.stopped ? `[${job.id}]${mark}  Stopped\t\t${job.text}\n` : `[${job.id}]${mark}  Running\t\t${job.text} &\n`);
  });
  return 0;
}

export function fg(sh: Shell, argv: readonly string[]): number {
  const job = sh.jobs.find(argv[1]);
  if (!job) {
    sh.error(`fg: ${argv[1] ?? 'current'}: no such job`);
    return 2;
  }
  sh.write(1, `${job.text}\n`);
  sh.jobs.remove(job);
  if (job.stopped) continueJob(sh, job);
  const status = waitForeground(sh, job.pgid, job.pids, null, job.text);
  job.pids.length = 0;
  return status;
}

export function bg(sh: Shell, argv: readonly string[]): number {
  const job = sh.jobs.find(argv[1]);
  if (!job) {
    sh.error(`bg: ${argv[1] ?? 'current'}: no such job`);
    return 2;
  }
  if (!job.stopped) return 0;
  continueJob(sh, job);
  sh.write(1, `[${job.id}] ${job.text}\n`);
  return 0;
}

export function wait(sh: Shell, argv: readonly string[]): number {
  const targets = argv.length > 1 ? argv.slice(1) : sh.jobs.all().map((j) => `%${j.id}`);
  let status = 0;
  for (const spec of targets) {
    if (spec.startsWith('%')) {
      const job = sh.jobs.find(spec);
      if (!job) {
        status = 127;
        continue;
      }
      for (const pid of job.pids) status = sh.sys.wait(pid).code;
      job.pids.length = 0;
      sh.jobs.remove(job);
      continue;
    }
    if (!/^[0-9]+$/.test(spec)) {
      sh.error(`wait: Illegal number: ${spec}`);
      return 2;
    }
    const pid = Number(spec);
    try {
      status = sh.sys.wait(pid).code;
      for (const job of sh.jobs.all()) {
        const i = job.pids.indexOf(pid);
        if (i >= 0) job.pids.splice(i, 1);
        if (job.pids.length === 0) sh.jobs.remove(job);
      }
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      status = 127;
    }
  }
  return status;
}

export function kill(sh: Shell, argv: readonly string[]): number {
  let signal = 15;
  let args = argv.slice(1);
  if (args[0] === '-l' || args[0] === '-L') {
    if (args.length > 1) {
      for (const a of args.slice(1)) {
        const n = Number(a);
        const name = Number.isInteger(n) ? signalName(n > 128 ? n - 128 : n) : undefined;
        if (name === undefined) {
          sh.error(`kill: invalid signal number or exit status: ${a}`);
          return 2;
        }
        sh.write(1, `${name}\n`);
      }
      return 0;
    }
    sh.write(1, `${['0', ...Object.keys(SIGNALS)].join('\n')}\n`);
    return 0;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    const n = signalNumber(args[1] ?? '');
    if (n === undefined) {
      sh.error(`kill: invalid signal number or name: ${args[1] ?? ''}`);
      return 2;
    }
    signal = n;
    args = args.slice(2);
  } else if (args[0]?.startsWith('-') && args[0].length > 1 && args[0] !== '--') {
    const n = signalNumber(args[0].slice(1));
    if (n === undefined) {
      sh.error(`kill: invalid signal number or name: ${args[0].slice(1)}`);
      return 2;
    }
    signal = n;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sh.error('kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]');
    return 2;
  }
  let status = 0;
  for (const target of args) {
    const job = target.startsWith('%') ? sh.jobs.find(target) : undefined;
    const pid = job ? -job.pgid : /^-?[0-9]+$/.test(target) ? Number(target) : undefined;
    if (pid === undefined || (job && job.pgid <= 0)) {
      sh.error(`kill: ${target.startsWith('%') ? `${target}: no such job` : `Illegal number: ${target}`}`);
      status = 2;
      continue;
    }
    if (pid === sh.pid && signal !== 0 && selfSignal(sh, signal)) continue;
    try {
      sh.sys.kill(pid, signal);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      const why = e.code === 'ESRCH' ? 'No such process' : e.code === 'EPERM' ? 'Operation not permitted' : e.message;
      sh.error(`kill: ${why}`);
      status = 1;
    }
  }
  return status;
}

/** A signal to the shell itself that it handles: a trap (run after the command) or an ignored signal. */
function selfSignal(sh: Shell, signal: number): boolean {
  const action = sh.traps.get(signalName(signal) ?? '');
  if (action === undefined) return false;
  if (action !== '') sh.pendingSignals.push(signal);
  return true;
}

/**
 * The shell's builtins: the commands that must act on the shell itself (its variables, working
 * directory, jobs and children) and so cannot be separate programs — cd, pwd, export, unset,
 * exit, source (.), jobs, fg, bg, wait, kill — plus `:`, true and false.
 *
 * `kill` is a builtin because in Keel a process may signal only what it started, directly or not
 * (proc checks): the shell started the jobs — and, through them, everything they started, orphans
 * included — so the shell signals them. `kill %N` and `kill -SIG -PGID` signal a whole process
 * group: a job and whatever its processes started in it.
 */

import { SysError } from '../../sys/sys.js';
import type { Shell } from './shell.js';
import { ShellExit } from './shell-exit.js';

export interface BuiltinIo {
  readonly in: number;
  readonly out: number;
  readonly err: number;
}

export type Builtin = (sh: Shell, argv: readonly string[], io: BuiltinIo) => number;

const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, CONT: 18, STOP: 19, TSTP: 20,
};

function say(sh: Shell, fd: number, text: string): void {
  if (fd < 0) return;
  try {
    sh.sys.write(fd, text);
  } catch {
    // output closed
  }
}

function fail(sh: Shell, io: BuiltinIo, name: string, message: string, status = 1): number {
  say(sh, io.err, `keel: ${name}: ${message}\n`);
  return status;
}

const cd: Builtin = (sh, argv, io) => {
  const home = sh.vars.get('HOME') ?? '/';
  let target = argv[1] ?? home;
  if (target === '-') {
    target = sh.vars.get('OLDPWD') ?? sh.sys.cwd();
    say(sh, io.out, `${target}\n`);
  }
  const before = sh.sys.cwd();
  try {
    sh.sys.chdir(target);
  } catch (e) {
    if (e instanceof SysError) return fail(sh, io, 'cd', `${target}: ${e.message.replace(/^.*: /, '')}`);
    throw e;
  }
  sh.setVar('OLDPWD', before, true);
  sh.setVar('PWD', sh.sys.cwd(), true);
  return 0;
};

const exportVar: Builtin = (sh, argv, io) => {
  if (argv.length === 1) {
    for (const name of [...sh.exported].sort()) say(sh, io.out, `export ${name}=${JSON.stringify(sh.vars.get(name) ?? '')}\n`);
    return 0;
  }
  let status = 0;
  for (const arg of argv.slice(1)) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      status = fail(sh, io, 'export', `\`${arg}': not a valid identifier`);
      continue;
    }
    if (eq >= 0) sh.setVar(name, arg.slice(eq + 1), true);
    else sh.exported.add(name);
  }
  return status;
};

const unset: Builtin = (sh, argv) => {
  for (const name of argv.slice(1)) {
    sh.vars.delete(name);
    sh.exported.delete(name);
  }
  return 0;
};

const exit: Builtin = (sh, argv, io) => {
  const arg = argv[1];
  if (arg !== undefined && !/^-?[0-9]+$/.test(arg)) {
    fail(sh, io, 'exit', `${arg}: numeric argument required`);
    throw new ShellExit(2);
  }
  throw new ShellExit(arg === undefined ? sh.status : Number(arg) & 255);
};

const source: Builtin = (sh, argv, io) => {
  const file = argv[1];
  if (file === undefined) return fail(sh, io, argv[0]!, 'filename argument required', 2);
  let text: string;
  try {
    text = sh.sys.readText(file);
  } catch (e) {
    if (e instanceof SysError) return fail(sh, io, argv[0]!, e.message);
    throw e;
  }
  return sh.runSource(text);
};

const jobs: Builtin = (sh, _argv, io) => {
  sh.reapJobs();
  const all = sh.jobs.all();
  all.forEach((job, i) => {
    const mark = i === all.length - 1 ? '+' : i === all.length - 2 ? '-' : ' ';
    say(sh, io.out, job.stopped ? `[${job.id}]${mark}  Stopped\t\t${job.text}\n` : `[${job.id}]${mark}  Running\t\t${job.text} &\n`);
  });
  return 0;
};

const fg: Builtin = (sh, argv, io) => {
  const job = sh.jobs.find(argv[1]);
  if (!job) return fail(sh, io, 'fg', `${argv[1] ?? 'current'}: no such job`);
  say(sh, io.out, `${job.text}\n`);
  sh.jobs.remove(job);
  if (job.stopped) sh.continueJob(job);
  const status = sh.waitForeground(job.pgid, job.pids, null, job.text);
  job.pids.length = 0;
  return status;
};

const bg: Builtin = (sh, argv, io) => {
  const job = sh.jobs.find(argv[1]);
  if (!job) return fail(sh, io, 'bg', `${argv[1] ?? 'current'}: no such job`);
  if (!job.stopped) return fail(sh, io, 'bg', `job ${job.id} already in background`, 0);
  sh.continueJob(job);
  say(sh, io.out, `[${job.id}]+ ${job.text} &\n`);
  return 0;
};

const wait: Builtin = (sh, argv, io) => {
  const targets = argv.length > 1 ? argv.slice(1) : sh.jobs.all().map((j) => `%${j.id}`);
  let status = 0;
  for (const spec of targets) {
    if (spec.startsWith('%')) {
      const job = sh.jobs.find(spec);
      if (!job) {
        status = fail(sh, io, 'wait', `${spec}: no such job`, 127);
        continue;
      }
      for (const pid of job.pids) status = sh.sys.wait(pid).code;
      job.pids.length = 0;
      sh.jobs.remove(job);
      continue;
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
      status = fail(sh, io, 'wait', `pid ${spec} is not a child of this shell`, 127);
    }
  }
  return status;
};

const kill: Builtin = (sh, argv, io) => {
  let signal = 15;
  let args = argv.slice(1);
  if (args[0] === '-l') {
    say(sh, io.out, `${Object.entries(SIGNALS).map(([n, v]) => `${v}) SIG${n}`).join('\n')}\n`);
    return 0;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    const v = args[1] ?? '';
    const n = /^[0-9]+$/.test(v) ? Number(v) : SIGNALS[v.replace(/^SIG/, '').toUpperCase()];
    if (n === undefined) return fail(sh, io, 'kill', `${v}: invalid signal specification`);
    signal = n;
    args = args.slice(2);
  } else if (args[0]?.startsWith('-') && args[0].length > 1) {
    const v = args[0].slice(1);
    const n = /^[0-9]+$/.test(v) ? Number(v) : SIGNALS[v.replace(/^SIG/, '').toUpperCase()];
    if (n === undefined) return fail(sh, io, 'kill', `${v}: invalid signal specification`);
    signal = n;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) return fail(sh, io, 'kill', 'usage: kill [-s SIGNAL | -SIGNAL] PID | -PGID | %JOB ...', 2);
  let status = 0;
  for (const target of args) {
    // A job is its process group; -PGID names a group; PID a process (kill(2)'s numbering).
    const job = target.startsWith('%') ? sh.jobs.find(target) : undefined;
    const pid = job ? -job.pgid : /^-?[0-9]+$/.test(target) ? Number(target) : undefined;
    if (pid === undefined || (job && job.pgid <= 0)) {
      status = fail(sh, io, 'kill', `${target}: ${target.startsWith('%') ? 'no such job' : 'arguments must be process or job IDs'}`);
      continue;
    }
    try {
      sh.sys.kill(pid, signal);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      const why = e.code === 'ESRCH' ? 'No such process' : e.code === 'EPERM' ? 'Operation not permitted (not started from this shell)' : e.message;
      status = fail(sh, io, 'kill', `(${target}) - ${why}`);
    }
  }
  return status;
};

const pwd: Builtin = (sh, _argv, io) => {
  say(sh, io.out, `${sh.sys.cwd()}\n`);
  return 0;
};

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['cd', cd], ['pwd', pwd], ['export', exportVar], ['unset', unset], ['exit', exit], ['source', source], ['.', source],
  ['jobs', jobs], ['fg', fg], ['bg', bg], ['wait', wait], ['kill', kill], [':', () => 0], ['true', () => 0], ['false', () => 1],
]);

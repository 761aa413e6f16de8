/**
 * Starting processes: the stages of a pipeline, a subshell, a background job, a program.
 *
 * In a Unix shell every pipeline stage is a forked subshell. Keel has no fork, so each stage is
 * started the cheapest way that keeps that meaning:
 *   - a program (a simple command naming no builtin or function, whose expansions assign
 *     nothing): its words are expanded here and the program is spawned directly;
 *   - an output-only builtin (echo printf test [ true false : pwd) whose expansions assign
 *     nothing: run in the shell with its output captured, then written into the stage's pipe
 *     when it fits (32 KiB, half a pipe, so it cannot block before the reader starts) — else a
 *     child shell writes it (a "feeder");
 *   - anything else (a compound command, a function, a builtin that changes the shell, a command
 *     name that needs expanding): a child shell given the shell's state and the command's tree
 *     (subshell.ts), which is what a forked subshell would have.
 * The stages of a foreground pipeline form one process group led by the first process; when the
 * shell's input is a terminal that group gets it while the shell waits (^C and ^Z reach the job).
 * A subshell's commands stay in the subshell's group, which its parent made the foreground.
 */

import { SysError } from '../../sys/sys.js';
import type { AndOr, Command, List, Redirect, SimpleCommand, Word, WordPart } from './ast.js';
import { BUILTINS, PURE_BUILTINS } from './builtins.js';
import { runSimple } from './command.js';
import { expandString, expandWords } from './expand.js';
import { CAPTURE } from './fds.js';
import { RedirectError, applyRedirects } from './redirect.js';
import { ShellError } from './shell-exit.js';
import type { Shell } from './shell.js';
import { spawnChildShell } from './subshell.js';

const SIGCONT = 18;
/** Inline output up to this size is written into the stage's pipe (64 KiB) before its reader starts. */
const INLINE_MAX = 32 * 1024;

export interface Started {
  /** The process group (0: none was made). */
  readonly pgid: number;
  readonly pids: number[];
  /** The last stage's status when it did not become a process (run inline, or failed to start). */
  readonly lastStatus: number | null;
}

type StageResult = { pid: number } | { status: number };

/** A pipeline (or one subshell) in the foreground; the last command's status. */
export function runPipelineStages(sh: Shell, commands: readonly Command[], tested: boolean): number {
  // A subshell's commands stay in its process group: ^C reaches the whole job it is part of.
  const started = startStages(sh, commands, { newGroup: !sh.isSubshell, tested, inline: true });
  return waitForeground(sh, started.pgid, started.pids, started.lastStatus, describe(commands));
}

/**
 * Start every stage: `newGroup` puts them in a new process group (else the shell's); `inline`
 * allows output-only builtins to run in the shell.
 */
export function startStages(sh: Shell, commands: readonly Command[], opts: { newGroup: boolean; tested: boolean; inline: boolean }): Started {
  const pipes: [number, number][] = [];
  try {
    for (let i = 0; i < commands.length - 1; i++) pipes.push(sh.sys.pipe());
  } catch (e) {
    for (const [r, w] of pipes) {
      sh.closeQuietly(r);
      sh.closeQuietly(w);
    }
    sh.error(e instanceof SysError ? `Cannot create pipe: ${e.message}` : String(e));
    return { pgid: 0, pids: [], lastStatus: 2 };
  }
  let pgid = 0;
  let lastStatus: number | null = null;
  const pids: number[] = [];
  commands.forEach((c, i) => {
    sh.fds.push();
    try {
      if (i > 0) sh.fds.set(0, pipes[i - 1]![0]);
      if (i < commands.length - 1) sh.fds.set(1, pipes[i]![1]);
      const group = opts.newGroup ? (pgid === 0 ? -1 : pgid) : 0;
      const r = startStage(sh, c, group, opts.tested, opts.inline);
      if ('pid' in r) {
        pids.push(r.pid);
        if (opts.newGroup && pgid === 0) pgid = r.pid;
        if (i === commands.length - 1) lastStatus = null;
      } else if (i === commands.length - 1) {
        lastStatus = r.status;
      }
    } finally {
      sh.fds.pop();
    }
  });
  for (const [r, w] of pipes) {
    sh.closeQuietly(r);
    sh.closeQuietly(w);
  }
  return { pgid, pids, lastStatus };
}

function listOf(c: Command): List {
  return { items: [{ andOr: { first: { negated: false, commands: [c] }, rest: [] }, background: false }] };
}

function startStage(sh: Shell, c: Command, pgid: number, tested: boolean, inline: boolean): StageResult {
  try {
    return startStageOrThrow(sh, c, pgid, tested, inline);
  } catch (e) {
    if (!(e instanceof ShellError)) throw e;
    sh.error(e.message);
    return { status: 2 };
  }
}

function startStageOrThrow(sh: Shell, c: Command, pgid: number, tested: boolean, inline: boolean): StageResult {
  if (c.kind === 'subshell') {
    sh.fds.push();
    try {
      applyRedirects(sh, c.redirects);
      return { pid: spawnChildShell(sh, c.body, { pgid, tested }) };
    } catch (e) {
      if (!(e instanceof RedirectError) && !(e instanceof ShellError)) throw e;
      sh.lineno = c.line;
      sh.error(e.message);
      return { status: 2 };
    } finally {
      sh.fds.pop();
    }
  }
  if (c.kind !== 'simple') return { pid: spawnChildShell(sh, listOf(c), { pgid, tested }) };
  const how = classify(sh, c, inline);
  if (how === 'child') return { pid: spawnChildShell(sh, listOf(c), { pgid, tested }) };
  if (how === 'inline') {
    const { status, output } = runCaptured(sh, c);
    if (output.length <= INLINE_MAX) {
      sh.write(1, output);
      return { status };
    }
    return { pid: spawnChildShell(sh, null, { pgid, tested, output, status }) };
  }
  sh.lineno = c.line;
  let argv: string[];
  const extra = new Map<string, string>();
  try {
    argv = expandWords(c.words, sh.expander);
  } catch (e) {
    if (!(e instanceof ShellError)) throw e;
    sh.error(e.message);
    return { status: 2 };
  }
  return spawnCommand(sh, c.redirects, argv, extra, pgid, c);
}

/** Run a simple command in the shell with its standard output captured. */
function runCaptured(sh: Shell, c: SimpleCommand): { status: number; output: Uint8Array } {
  sh.fds.push();
  sh.fds.set(1, CAPTURE);
  sh.fds.beginCapture();
  let status = 1;
  let output: Uint8Array = new Uint8Array(0);
  try {
    status = runSimple(sh, c, true);
  } finally {
    output = sh.fds.endCapture();
    sh.fds.pop();
  }
  return { status, output };
}

type Classification = 'program' | 'inline' | 'child';

/** How a pipeline stage that is a simple command is started (see the file's header). */
function classify(sh: Shell, c: SimpleCommand, inline: boolean): Classification {
  const first = c.words[0];
  if (!first) return 'child';
  const name = literalText(first);
  if (name === null || assigns(c)) return 'child';
  if (sh.functions.has(name)) return 'child';
  if (BUILTINS.has(name)) return inline && PURE_BUILTINS.has(name) ? 'inline' : 'child';
  return 'program';
}

/** A word's text when nothing in it expands. */
export function literalText(w: Word): string | null {
  let s = '';
  for (const p of w.parts) {
    if (p.kind === 'lit' || p.kind === 'quoted') s += p.text;
    else if (p.kind === 'dq' && p.parts.every((q) => q.kind === 'quoted')) s += p.parts.map((q) => (q as { text: string }).text).join('');
    else return null;
  }
  return s;
}

/** Whether expanding the command could assign a variable (${x=…}, $((x=…))): it must then run in a subshell. */
function assigns(c: SimpleCommand): boolean {
  const words = [...c.words, ...c.assigns.map((a) => a.value), ...c.redirects.map((r) => r.target)];
  return words.some(wordAssigns);
}

function wordAssigns(w: Word): boolean {
  return w.parts.some(partAssigns);
}

function partAssigns(p: WordPart): boolean {
  switch (p.kind) {
    case 'dq': return p.parts.some(partAssigns);
    case 'param': return p.op === '=' || (p.arg !== null && wordAssigns(p.arg));
    case 'arith': return wordAssigns(p.expr) || p.expr.parts.some((q) => (q.kind === 'lit' || q.kind === 'quoted') && /(^|[^=!<>])=(?!=)/.test(q.text));
    default: return false;
  }
}

/**
 * Spawn program argv[0] with the shell's fds, `redirects` applied and `extra` in its
 * environment; `c` (when given) supplies the assignments to expand. Its pid, or the status it
 * failed with (after saying why).
 */
export function spawnCommand(sh: Shell, redirects: readonly Redirect[], argv: readonly string[], extra: Map<string, string>, pgid: number, c?: SimpleCommand): StageResult {
  sh.fds.push();
  try {
    try {
      if (c) for (const a of c.assigns) extra.set(a.name, expandAssign(sh, a.value));
      applyRedirects(sh, redirects);
    } catch (e) {
      if (!(e instanceof RedirectError) && !(e instanceof ShellError)) throw e;
      sh.error(e.message);
      return { status: 2 };
    }
    if (argv.length === 0) return { status: sh.substStatus ?? 0 };
    const found = sh.resolveCommand(argv[0]!);
    if ('error' in found) {
      sh.error(found.error);
      return { status: found.status };
    }
    try {
      const pid = sh.sys.spawn(found.path, {
        args: [...found.prefix, ...(found.prefix.length > 0 ? argv.slice(1) : argv)],
        env: sh.environment(extra),
        fds: sh.fds.pairs(sh.preopens),
        pgid,
      });
      return { pid };
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sh.error(`${argv[0]}: ${e.code === 'ENOENT' ? 'not found' : e.message.replace(/^[^:]*: /, '')}`);
      return { status: e.code === 'ENOENT' ? 127 : 126 };
    }
  } finally {
    sh.fds.pop();
  }
}

function expandAssign(sh: Shell, value: Word): string {
  return expandString(value, sh.expander, true);
}

/** `&`: start an and-or list without waiting; it becomes a job. */
export function startBackground(sh: Shell, a: AndOr): void {
  sh.fds.push();
  let started: Started;
  try {
    if (!sh.interactive && !sh.options.has('m')) {
      try {
        sh.fds.set(0, sh.fds.adopt(sh.sys.open('/dev/null', { read: true })));
      } catch {
        // no /dev/null: the job shares the shell's input
      }
    }
    if (a.rest.length === 0 && !a.first.negated) {
      started = startStages(sh, a.first.commands, { newGroup: true, tested: true, inline: false });
    } else {
      const pid = spawnChildShell(sh, { items: [{ andOr: a, background: false }] }, { pgid: -1, tested: false });
      started = { pgid: pid, pids: [pid], lastStatus: null };
    }
  } finally {
    sh.fds.pop();
  }
  if (started.pids.length === 0) {
    sh.status = started.lastStatus ?? 0;
    return;
  }
  const job = sh.jobs.add(started.pgid, started.pids, describe(a.first.commands));
  sh.lastBackground = started.pids[started.pids.length - 1]!;
  if (sh.interactive) sh.write(2, `[${job.id}] ${sh.lastBackground}\n`);
}

/** Hand the terminal to `pgid` (0: back to the shell). */
export function foreground(sh: Shell, pgid: number): void {
  if (!sh.terminal || sh.isSubshell) return;
  try {
    sh.sys.setForeground(pgid);
  } catch {
    // no terminal service: nothing to hand over
  }
}

/**
 * Wait for a foreground job; its status (the last process's, unless `lastStatus` is set). If
 * the job is stopped (^Z), it becomes a stopped job in the table and the shell carries on.
 */
export function waitForeground(sh: Shell, pgid: number, pids: readonly number[], lastStatus: number | null, text: string): number {
  if (pids.length === 0) return lastStatus ?? 0;
  foreground(sh, pgid);
  let status = 0;
  try {
    for (const [i, pid] of pids.entries()) {
      const w = sh.sys.waitUntraced(pid);
      if (w.status === null) {
        const job = sh.jobs.add(pgid, pids.slice(i), text);
        job.stopped = true;
        sh.write(2, `\n[${job.id}]+  Stopped\t\t${text}\n`);
        return w.code;
      }
      status = sh.report({ code: w.code, status: w.status });
    }
  } finally {
    foreground(sh, 0);
  }
  return lastStatus ?? status;
}

/** Wait for processes started outside job control (a command substitution); the last one's status. */
export function waitAll(sh: Shell, pids: readonly number[]): number {
  let status = 0;
  for (const pid of pids) {
    const w = sh.sys.wait(pid);
    status = sh.report(w);
  }
  return status;
}

/** Continue a stopped job (SIGCONT to each of its processes). */
export function continueJob(sh: Shell, job: { pids: readonly number[]; stopped: boolean }): void {
  for (const pid of job.pids) {
    try {
      sh.sys.kill(pid, SIGCONT);
    } catch {
      // already gone: wait will collect it
    }
  }
  job.stopped = false;
}

/** Collect background jobs that have ended (and, interactively, say so). */
export function reapJobs(sh: Shell): void {
  const jobs = sh.jobs.all();
  if (jobs.length === 0) return;
  let table: { pid: number; state: string }[];
  try {
    table = sh.sys.processes();
  } catch {
    return;
  }
  const running = new Set(table.filter((p) => p.state === 'running' || p.state === 'stopped').map((p) => p.pid));
  for (const job of jobs) {
    if (job.pids.some((pid) => running.has(pid))) continue;
    for (const pid of job.pids) job.status = sh.sys.wait(pid).code;
    job.pids.length = 0;
    sh.jobs.remove(job);
    if (sh.interactive) sh.write(2, `[${job.id}]+  ${job.status === 0 ? 'Done' : `Exit ${job.status}`}\t${job.text}\n`);
  }
}

/** A pipeline as text, for `jobs`. */
export function describe(commands: readonly Command[]): string {
  return commands.map(commandText).join(' | ');
}

function commandText(c: Command): string {
  if (c.kind !== 'simple') return c.kind === 'subshell' ? '( … )' : c.kind === 'function' ? `${c.name}() …` : c.kind;
  const word = (w: Word): string => w.parts.map(partText).join('');
  return [...c.assigns.map((a) => `${a.name}=${word(a.value)}`), ...c.words.map(word)].join(' ');
}

function partText(p: WordPart): string {
  switch (p.kind) {
    case 'lit':
    case 'quoted': return p.text;
    case 'dq': return `"${p.parts.map(partText).join('')}"`;
    case 'param': return p.op === null ? `$${p.name}` : '${…}';
    case 'cmdsub': return '$(…)';
    case 'arith': return '$((…))';
  }
}

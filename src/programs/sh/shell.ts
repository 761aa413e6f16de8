/**
 * The shell's interpreter: runs parsed command lines — lists (`;`, `&`), `&&`/`||` chains,
 * pipelines of any length, redirections, variables and builtins — by starting programs through
 * `sys` exactly as any other Keel program could.
 *
 * A pipeline's processes form one process group (led by the first); in the foreground the shell
 * hands the terminal to that group, so ^C reaches the job and not the shell, and takes it back
 * when the job ends. The shell keeps its copies of pipe ends and redirected files only while
 * starting the pipeline, so readers see end of input when the writers end.
 *
 * Status conventions (as in sh): a command's status is its exit code, 128 + signal when killed,
 * 127 when not found, 126 when it cannot be run; a pipeline's is its last command's.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import { isProgramFile } from '../../abi/program-files.js';
import { findCommand } from '../lib/find-command.js';
import { type ExpandContext, expandSingle, expandWords } from './expand.js';
import { globPaths } from './glob.js';
import { JobTable } from './jobs.js';
import { type AndOr, ParseError, type Pipeline, type Script, type SimpleCommand, type Word, parse } from './parse.js';
import { BUILTINS, type BuiltinIo } from './builtins.js';

export { ShellExit } from './shell-exit.js';

const SIGCONT = 18;

export class Shell {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  readonly jobs = new JobTable();
  status = 0;
  lastBackground = 0;
  /** Whether the terminal is ours to hand to jobs (stdin is a terminal). */
  readonly terminal: boolean;
  private readonly expandCtx: ExpandContext;
  private pidCache = 0;

  constructor(readonly sys: Sys, public positional: string[], readonly interactive: boolean) {
    for (const [k, v] of sys.env) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    if (!this.vars.has('PWD')) this.setVar('PWD', sys.cwd(), true);
    this.terminal = sys.isatty(0);
    this.expandCtx = {
      param: (name) => this.param(name),
      glob: (pattern) => globPaths(this.sys, pattern),
    };
  }

  private param(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(this.pidCache ||= this.sys.getpid());
      case '!': return this.lastBackground ? String(this.lastBackground) : '';
      case '#': return String(Math.max(0, this.positional.length - 1));
    }
    if (/^[0-9]+$/.test(name)) return this.positional[Number(name)] ?? '';
    return this.vars.get(name);
  }

  setVar(name: string, value: string, exported = false): void {
    this.vars.set(name, value);
    if (exported) this.exported.add(name);
  }

  /** The environment children get: the exported variables, with `extra` on top. */
  environment(extra: ReadonlyMap<string, string> = new Map()): string[] {
    const env = new Map<string, string>();
    for (const name of this.exported) {
      const v = this.vars.get(name);
      if (v !== undefined) env.set(name, v);
    }
    for (const [k, v] of extra) env.set(k, v);
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  error(message: string): void {
    try {
      this.sys.write(2, `keel: ${message}\n`);
    } catch {
      // stderr gone: nothing to tell
    }
  }

  /** Parse and run `source`; the status of the last command (2 for a syntax error). */
  runSource(source: string): number {
    let script: Script;
    try {
      script = parse(source);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.error(e.message);
      this.status = 2;
      return 2;
    }
    return this.runScript(script);
  }

  runScript(script: Script): number {
    for (const item of script.items) {
      if (item.background) this.startBackground(item.andOr);
      else this.status = this.runAndOr(item.andOr);
    }
    return this.status;
  }

  private runAndOr(a: AndOr): number {
    let status = this.runPipeline(a.first);
    for (const { op, pipeline } of a.rest) {
      this.status = status;
      if ((op === '&&') === (status === 0)) status = this.runPipeline(pipeline);
    }
    return status;
  }

  private runPipeline(p: Pipeline): number {
    let status: number;
    const only = p.commands.length === 1 ? p.commands[0]! : null;
    const name = only ? this.commandName(only) : null;
    if (only && (name === null || BUILTINS.has(name))) status = this.runInShell(only);
    else {
      const started = this.startPipeline(p.commands);
      status = this.waitForeground(started.pgid, started.pids, started.lastStatus, describe(p));
    }
    return p.negated ? (status === 0 ? 1 : 0) : status;
  }

  /** The first word of a command as it will be expanded (null: no command word). */
  private commandName(c: SimpleCommand): string | null {
    if (c.words.length === 0) return null;
    return expandWords([c.words[0]!], this.expandCtx)[0] ?? null;
  }

  /** A builtin, or a command of only assignments and redirections, in the shell itself. */
  private runInShell(c: SimpleCommand): number {
    const argv = expandWords(c.words, this.expandCtx);
    if (argv.length === 0) {
      for (const a of c.assignments) this.setVar(a.name, expandSingle(a.value, this.expandCtx), this.exported.has(a.name));
    }
    const io = this.openRedirections(c, new Map([[0, 0], [1, 1], [2, 2]]));
    if (typeof io === 'string') {
      this.error(io);
      return 1;
    }
    try {
      if (argv.length === 0) return 0;
      const builtin = BUILTINS.get(argv[0]!)!;
      const bio: BuiltinIo = { in: io.map.get(0) ?? -1, out: io.map.get(1) ?? -1, err: io.map.get(2) ?? -1 };
      return builtin(this, argv, bio);
    } finally {
      for (const fd of io.opened) this.closeQuietly(fd);
    }
  }

  /**
   * Apply `c`'s redirections to `map` (child fd → shell fd), opening files as needed. Returns the
   * map and the fds opened (the caller closes them), or an error message.
   */
  private openRedirections(c: SimpleCommand, map: Map<number, number>): { map: Map<number, number>; opened: number[] } | string {
    const opened: number[] = [];
    for (const r of c.redirects) {
      const target = expandSingle(r.target, this.expandCtx);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') {
          map.delete(r.fd);
          continue;
        }
        const from = map.get(Number(target));
        if (!/^[0-9]+$/.test(target) || from === undefined) {
          for (const fd of opened) this.closeQuietly(fd);
          return `${target}: Bad file descriptor`;
        }
        map.set(r.fd, from);
        continue;
      }
      try {
        const fd = r.op === '<' ? this.sys.open(target, { read: true })
          : this.sys.open(target, { write: true, create: true, truncate: r.op === '>', append: r.op === '>>' });
        opened.push(fd);
        map.set(r.fd, fd);
      } catch (e) {
        for (const fd of opened) this.closeQuietly(fd);
        if (e instanceof SysError) return e.message;
        throw e;
      }
    }
    return { map, opened };
  }

  closeQuietly(fd: number): void {
    try {
      this.sys.close(fd);
    } catch {
      // already closed
    }
  }

  /**
   * Find the program for command `name`: a path when it contains `/`, else the first PATH
   * directory holding NAME or NAME.wasm (the utilities' search, lib/find-command.ts). Then what
   * to run: the file itself (wasm or `#!keel`), or /bin/sh with the file for a shell script.
   * An error and status (127 not found, 126 not runnable) otherwise.
   */
  resolveCommand(name: string): { path: string; prefix: string[] } | { error: string; status: number } {
    const path = findCommand(this.sys, name, this.vars.get('PATH') ?? '/bin');
    if (path === null) return { error: `${name}: command not found`, status: 127 };
    if (name.includes('/')) {
      let type: string;
      try {
        type = this.sys.stat(path).type;
      } catch {
        return { error: `${name}: No such file or directory`, status: 127 };
      }
      if (type === 'dir') return { error: `${name}: Is a directory`, status: 126 };
    }
    return this.isProgram(path) ? { path, prefix: [] } : { path: '/bin/sh', prefix: ['sh', path] };
  }

  /** True for a wasm module or a `#!keel` program (anything else runs as a shell script). */
  private isProgram(path: string): boolean {
    let fd = -1;
    try {
      fd = this.sys.open(path, { read: true });
      return isProgramFile(this.sys.read(fd, 8));
    } catch {
      return true; // unreadable: let the loader report why
    } finally {
      if (fd >= 0) this.closeQuietly(fd);
    }
  }

  /** Start every command of a pipeline in one new process group. */
  startPipeline(commands: readonly SimpleCommand[]): { pgid: number; pids: number[]; lastStatus: number | null } {
    const pipes: [number, number][] = [];
    const pids: number[] = [];
    let pgid = 0;
    let lastStatus: number | null = null;
    try {
      for (let i = 0; i < commands.length - 1; i++) pipes.push(this.sys.pipe());
    } catch (e) {
      for (const [r, w] of pipes) { this.closeQuietly(r); this.closeQuietly(w); }
      this.error(e instanceof SysError ? `pipe: ${e.message}` : String(e));
      return { pgid: 0, pids: [], lastStatus: 1 };
    }
    commands.forEach((c, i) => {
      const map = new Map<number, number>([[0, i > 0 ? pipes[i - 1]![0] : 0], [1, i < commands.length - 1 ? pipes[i]![1] : 1], [2, 2]]);
      const r = this.startCommand(c, map, pgid);
      if ('status' in r) {
        if (i === commands.length - 1) lastStatus = r.status;
        return;
      }
      if (pgid === 0) pgid = r.pid;
      pids.push(r.pid);
    });
    for (const [r, w] of pipes) {
      this.closeQuietly(r);
      this.closeQuietly(w);
    }
    return { pgid, pids, lastStatus };
  }

  /** Start one command with fds `map`; its pid, or the status it failed with. */
  private startCommand(c: SimpleCommand, map: Map<number, number>, pgid: number): { pid: number } | { status: number } {
    const argv = expandWords(c.words, this.expandCtx);
    const io = this.openRedirections(c, map);
    if (typeof io === 'string') {
      this.error(io);
      return { status: 1 };
    }
    try {
      if (argv.length === 0) return { status: 0 };
      const extra = new Map<string, string>();
      for (const a of c.assignments) extra.set(a.name, expandSingle(a.value, this.expandCtx));
      const found = this.resolveCommand(argv[0]!);
      if ('error' in found) {
        this.error(found.error);
        return { status: found.status };
      }
      try {
        const pid = this.sys.spawn(found.path, {
          args: [...found.prefix, ...(found.prefix.length > 0 ? argv.slice(1) : argv)],
          env: this.environment(extra),
          fds: [...io.map],
          pgid: pgid === 0 ? -1 : pgid,
        });
        return { pid };
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
        this.error(`${argv[0]}: ${e.message.replace(/^[^:]*: /, '')}`);
        return { status: e.code === 'ENOENT' ? 127 : 126 };
      }
    } finally {
      for (const fd of io.opened) this.closeQuietly(fd);
    }
  }

  /** Hand the terminal to `pgid` (0: back to the shell). */
  foreground(pgid: number): void {
    if (!this.terminal) return;
    try {
      this.sys.setForeground(pgid);
    } catch {
      // no terminal service: nothing to hand over
    }
  }

  /**
   * Wait for a foreground job; its status (the last process's, unless `lastStatus` is set). If
   * the job is stopped (^Z), it becomes a stopped job in the table and the shell carries on.
   */
  waitForeground(pgid: number, pids: readonly number[], lastStatus: number | null, text: string): number {
    if (pids.length === 0) return lastStatus ?? 0;
    this.foreground(pgid);
    let status = 0;
    try {
      for (const [i, pid] of pids.entries()) {
        const w = this.sys.waitUntraced(pid);
        if (w.status === null) {
          const job = this.jobs.add(pgid, pids.slice(i), text);
          job.stopped = true;
          this.sys.write(2, `\n[${job.id}]+  Stopped\t\t${text}\n`);
          return w.code;
        }
        status = this.report({ code: w.code, status: w.status });
      }
    } finally {
      this.foreground(0);
    }
    return lastStatus ?? status;
  }

  /** Continue a stopped job (SIGCONT to each of its processes). */
  continueJob(job: { pids: readonly number[]; stopped: boolean }): void {
    for (const pid of job.pids) {
      try {
        this.sys.kill(pid, SIGCONT);
      } catch {
        // already gone: wait will collect it
      }
    }
    job.stopped = false;
  }

  private startBackground(a: AndOr): void {
    if (a.rest.length > 0 || a.first.negated) {
      this.error('only a single pipeline can run in the background');
      this.status = 2;
      return;
    }
    const started = this.startPipeline(a.first.commands);
    if (started.pids.length === 0) {
      this.status = started.lastStatus ?? 0;
      return;
    }
    const job = this.jobs.add(started.pgid, started.pids, describe(a.first));
    this.lastBackground = started.pids[started.pids.length - 1]!;
    if (this.interactive) this.sys.write(2, `[${job.id}] ${this.lastBackground}\n`);
    this.status = 0;
  }

  /** Say how a process ended when it did not simply exit (as sh reports "Killed"); its code. */
  report(w: { code: number; status: ExitStatus }): number {
    const s = w.status;
    if (s.kind === 'trapped') this.error(`trapped: ${s.message}`);
    else if (s.kind === 'crashed') this.error(s.message);
    else if (s.kind === 'killed' && s.limit === 'memory') this.error(`killed by signal ${s.signal} (out of memory: the programs were over the memory budget)`);
    else if (s.kind === 'killed' && s.signal !== 2 && s.signal !== 13) this.error(`killed by signal ${s.signal}${s.limit ? ` (${s.limit} limit)` : ''}`);
    return w.code;
  }

  /** Collect background jobs that have ended (and, interactively, say so). */
  reapJobs(): void {
    const jobs = this.jobs.all();
    if (jobs.length === 0) return;
    let table: { pid: number; state: string }[];
    try {
      table = this.sys.processes();
    } catch {
      return;
    }
    const running = new Set(table.filter((p) => p.state === 'running' || p.state === 'stopped').map((p) => p.pid));
    for (const job of jobs) {
      if (job.pids.some((pid) => running.has(pid))) continue;
      for (const pid of job.pids) job.status = this.sys.wait(pid).code;
      job.pids.length = 0;
      this.jobs.remove(job);
      if (this.interactive) this.sys.write(2, `[${job.id}]+  ${job.status === 0 ? 'Done' : `Exit ${job.status}`}\t${job.text}\n`);
    }
  }
}

/** A pipeline as text, for `jobs`. */
function describe(p: Pipeline): string {
  const word = (w: Word): string => w.parts.map((x) => (x.kind === 'text' ? x.text : `$${x.name}`)).join('');
  return p.commands.map((c) => [...c.assignments.map((a) => `${a.name}=${word(a.value)}`), ...c.words.map(word)].join(' ')).join(' | ');
}

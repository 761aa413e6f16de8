/**
 * The shell's state and the services the evaluator, the expander and the builtins share:
 * variables, positional parameters, functions, options, traps, the fd table, the job table, the
 * status of the last command, how errors are reported, and running text (`eval`, `.`, traps).
 *
 * Evaluation itself is in eval.ts (lists and compound commands), command.ts (simple commands),
 * pipeline.ts (starting processes) and subshell.ts (child shells); expansion in expand.ts.
 *
 * Messages are dash's: `NAME: LINE: message` on the shell's fd 2, NAME being $0 as the shell was
 * started (`sh` for -c, the script's path for a script) and LINE the current command's line.
 * Status conventions (as in sh): a command's status is its exit code, 128 + signal when killed,
 * 127 when not found, 126 when it cannot be run, 2 for shell errors.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import { isProgramFile } from '../../abi/program-files.js';
import { findCommand } from '../lib/find-command.js';
import { ArithError, evalArith } from './arith.js';
import type { FunctionDefinition, List } from './ast.js';
import type { ExpandHost } from './expand.js';
import { FdTable } from './fds.js';
import { globPaths } from './glob.js';
import { JobTable } from './jobs.js';
import { ParseError, Parser } from './parse.js';
import { ShellError, ShellExit } from './shell-exit.js';
import { Variables } from './variables.js';
import { commandSubstitution } from './substitution.js';
import { runList } from './eval.js';

export { ShellExit } from './shell-exit.js';

/** Signal names the shell knows (kill, trap), by number. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};

/** A signal number for `spec` (a number, or a name with or without SIG), or undefined. */
export function signalNumber(spec: string): number | undefined {
  if (/^[0-9]+$/.test(spec)) return Number(spec);
  return SIGNALS[spec.toUpperCase().replace(/^SIG/, '')];
}

export function signalName(n: number): string | undefined {
  return Object.entries(SIGNALS).find(([, v]) => v === n)?.[0];
}

export class Shell {
  readonly vars = new Variables();
  readonly functions = new Map<string, FunctionDefinition>();
  /** Option letters that are on: e u x f n v C a. */
  readonly options = new Set<string>();
  /** Trap actions by condition (EXIT, INT, TERM, …); '' ignores the signal. */
  readonly traps = new Map<string, string>();
  readonly jobs = new JobTable();
  readonly fds: FdTable;
  readonly expander: ExpandHost;
  status = 0;
  lastBackground = 0;
  /** $$: the pid of the shell that was started (a subshell keeps its parent's). */
  rootPid = 0;
  lineno = 0;
  /** Status of the last command substitution of the current command (for `x=$(cmd)`). */
  substStatus: number | null = null;
  /** Function call and loop nesting (for return, break, continue). */
  funcDepth = 0;
  loopDepth = 0;
  /** Signals the shell sent itself that have a trap, to run after the current command. */
  readonly pendingSignals: number[] = [];
  /** Set by `exec COMMAND`: the shell ends without running its EXIT trap. */
  execed = false;
  /** Whether the terminal is ours to hand to jobs (stdin is a terminal). */
  readonly terminal: boolean;
  /** getopts' place: the OPTIND it last set, and the offset within that argument. */
  getopts = { optind: 1, offset: 0 };
  /** This process is a subshell (started with the state of its parent). */
  isSubshell = false;
  private ownPid = 0;

  constructor(readonly sys: Sys, public arg0: string, public positional: string[], readonly interactive: boolean,
    fds: readonly (readonly [number, number])[] = [[0, 0], [1, 1], [2, 2]]) {
    this.fds = new FdTable(sys, fds);
    this.terminal = sys.isatty(0);
    const shell = this;
    this.expander = {
      param: (name) => this.param(name),
      positional: () => this.positional,
      assign: (name, value) => this.vars.set(name, value),
      get nounset() {
        return shell.options.has('u');
      },
      get noglob() {
        return shell.options.has('f');
      },
      substitute: (body) => commandSubstitution(this, body),
      arith: (text) => this.arith(text),
      glob: (pattern) => globPaths(this.sys, pattern),
    };
  }

  private preopenSet: Set<number> | null = null;

  /** The fds of this process's preopened directories (a child gets them at the same numbers). */
  get preopens(): ReadonlySet<number> {
    this.preopenSet ??= new Set(this.sys.openFds().filter((fd) => fd > 2 && this.sys.isDirectoryFd(fd)));
    return this.preopenSet;
  }

  /** The shell's own pid (not $$ in a subshell). */
  get pid(): number {
    return (this.ownPid ||= this.sys.getpid());
  }

  /** Take the environment as variables (all exported), PWD and PPID as the shell sets them. */
  importEnvironment(): void {
    for (const [k, v] of this.sys.env) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) this.vars.set(k, v, true);
    }
    this.vars.set('PWD', this.sys.cwd(), true);
    if (!this.vars.has('IFS')) this.vars.set('IFS', ' \t\n');
    if (!this.vars.has('PS1')) this.vars.set('PS1', '$ ');
    if (!this.vars.has('PS2')) this.vars.set('PS2', '> ');
    if (!this.vars.has('PS4')) this.vars.set('PS4', '+ ');
    this.vars.set('PPID', String(this.sys.getppid()));
    if (!this.vars.has('OPTIND')) this.vars.set('OPTIND', '1');
    this.rootPid = this.pid;
  }

  param(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(this.rootPid || this.pid);
      case '!': return this.lastBackground ? String(this.lastBackground) : '';
      case '#': return String(this.positional.length);
      case '-': return this.optionString();
      case '0': return this.arg0;
      case 'LINENO': return String(this.lineno);
    }
    if (/^[0-9]+$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name);
  }

  optionString(): string {
    return ['e', 'f', 'u', 'v', 'x', 'a', 'C', 'n'].filter((o) => this.options.has(o)).join('') + (this.interactive ? 'i' : '');
  }

  arith(text: string): string {
    try {
      return String(evalArith(text, { get: (n) => this.param(n), set: (n, v) => this.vars.set(n, v) }));
    } catch (e) {
      if (e instanceof ArithError) throw new ShellError(e.message);
      throw e;
    }
  }

  // ─── output ───────────────────────────────────────────────────────────────

  /** Write to the command's view of fd `fd`; false when it is closed or gone (EPIPE). */
  write(fd: number, text: string | Uint8Array): boolean {
    try {
      return this.fds.write(fd, text);
    } catch (e) {
      if (e instanceof SysError) return false;
      throw e;
    }
  }

  /** `NAME: LINE: message` on fd 2. */
  error(message: string): void {
    this.write(2, `${this.arg0}: ${this.lineno}: ${message}\n`);
  }

  /** Report a ShellError; a non-interactive shell then exits with its status. */
  fail(e: ShellError): number {
    this.error(e.message);
    if (!this.interactive) throw new ShellExit(e.status);
    return e.status;
  }

  /** The environment children get: the exported variables, with `extra` on top. */
  environment(extra: ReadonlyMap<string, string> = new Map()): string[] {
    if (extra.size === 0) return this.vars.environment();
    const env = new Map<string, string>();
    for (const kv of this.vars.environment()) {
      const i = kv.indexOf('=');
      env.set(kv.slice(0, i), kv.slice(i + 1));
    }
    for (const [k, v] of extra) env.set(k, v);
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  // ─── running text ─────────────────────────────────────────────────────────

  /** Parse all of `text` and run it (eval, `.`, traps); a syntax error is status 2 (exit if not interactive). */
  runText(text: string, line = this.lineno || 1, who = ''): number {
    let list: List;
    try {
      list = new Parser(text, line).program();
    } catch (e) {
      if (e instanceof RangeError) return this.fail(new ShellError(`${who}Syntax error: nested too deeply`));
      if (!(e instanceof ParseError)) throw e;
      this.lineno = e.line;
      return this.fail(new ShellError(`${who}${e.message}`));
    }
    return runList(this, list, false);
  }

  /** Run the trap actions of the signals the shell sent itself. */
  runPendingTraps(): void {
    while (this.pendingSignals.length > 0) {
      const sig = this.pendingSignals.shift()!;
      const action = this.traps.get(signalName(sig) ?? String(sig));
      if (action === undefined || action === '') continue;
      const saved = this.status;
      this.runText(action);
      this.status = saved;
    }
  }

  /** Run the EXIT trap once (at the end of the shell); `exit` inside it sets the status. */
  runExitTrap(status: number): number {
    const action = this.traps.get('EXIT');
    if (action === undefined || this.execed) return status;
    this.traps.delete('EXIT');
    this.status = status;
    try {
      this.runText(action);
    } catch (e) {
      if (e instanceof ShellExit) return e.code;
      throw e;
    }
    return status;
  }

  // ─── commands ─────────────────────────────────────────────────────────────

  /**
   * Find the program for command `name`: a path when it contains `/`, else the first PATH
   * directory holding NAME or NAME.wasm (lib/find-command.ts). Then what to run: the file itself
   * (wasm or `#!keel`), or /bin/sh with the file for a shell script. An error and status (127
   * not found, 126 not runnable) otherwise.
   */
  resolveCommand(name: string): { path: string; prefix: string[] } | { error: string; status: number } {
    const path = findCommand(this.sys, name, this.vars.get('PATH') ?? '/bin');
    if (path === null) return { error: `${name}: not found`, status: 127 };
    if (name.includes('/')) {
      let type: string;
      try {
        type = this.sys.stat(path).type;
      } catch {
        return { error: `${name}: not found`, status: 127 };
      }
      if (type === 'dir') return { error: `${name}: Permission denied`, status: 126 };
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

  closeQuietly(fd: number): void {
    try {
      this.sys.close(fd);
    } catch {
      // already closed
    }
  }

  /** Say how a process ended when it did not simply exit (as sh reports "Killed"); its code. */
  report(w: { code: number; status: ExitStatus }): number {
    const s = w.status;
    if (s.kind === 'trapped') this.error(`trapped: ${s.message}`);
    else if (s.kind === 'crashed') this.error(s.message);
    else if (s.kind === 'killed' && s.limit === 'memory') this.error(`killed by signal ${s.signal} (out of memory: the programs were over the memory budget)`);
    else if (s.kind === 'killed' && s.signal !== 2 && s.signal !== 13 && s.signal !== 15) this.error(`killed by signal ${s.signal}${s.limit ? ` (${s.limit} limit)` : ''}`);
    return w.code;
  }
}

/**
 * Builtins that steer the evaluation: exit, return, break, continue, eval, `.` (source), exec,
 * command, type, trap, hash, times.
 *
 * - `exec COMMAND`: Keel cannot replace a process's program, so the shell runs COMMAND with its
 *   fds and then ends with COMMAND's status, without running its EXIT trap (as an exec'd shell
 *   never does). Without a command, exec's redirections are made for good (command.ts).
 * - `.` looks a name without `/` up in PATH, then in the working directory (as bash does; dash
 *   looks only in PATH).
 * - `trap` records INT, TERM and the other signals' actions; Keel delivers a signal to a program
 *   by ending it, so a trap runs only for a signal the shell sends itself (`kill -TERM $$`) —
 *   and EXIT when the shell ends.
 */

import { SysError } from '../../sys/sys.js';
import { BUILTINS, KEYWORDS, SPECIAL_BUILTINS } from './builtins.js';
import { findCommand } from '../lib/find-command.js';
import { Parser, ParseError, singleQuote } from './parse.js';
import { spawnCommand, waitForeground } from './pipeline.js';
import { FunctionReturn, LoopControl, ShellError, ShellExit } from './shell-exit.js';
import { type Shell, SIGNALS, signalName, signalNumber } from './shell.js';
import { runList } from './eval.js';

function number(name: string, arg: string): number {
  if (!/^[0-9]+$/.test(arg)) throw new ShellError(`${name}: Illegal number: ${arg}`);
  return Number(arg);
}

export function exit(sh: Shell, argv: readonly string[]): number {
  const arg = argv[1];
  throw new ShellExit(arg === undefined ? sh.status : number('exit', arg) & 255);
}

export function returnBuiltin(sh: Shell, argv: readonly string[]): number {
  const arg = argv[1];
  throw new FunctionReturn(arg === undefined ? sh.status : number('return', arg) & 255);
}

export function breakBuiltin(sh: Shell, argv: readonly string[]): number {
  return loopControl(sh, argv, false);
}

export function continueBuiltin(sh: Shell, argv: readonly string[]): number {
  return loopControl(sh, argv, true);
}

function loopControl(sh: Shell, argv: readonly string[], isContinue: boolean): number {
  const n = argv[1] === undefined ? 1 : number(argv[0]!, argv[1]);
  if (n < 1) throw new ShellError(`${argv[0]}: Illegal number: ${argv[1]}`);
  if (sh.loopDepth === 0) return 0;
  throw new LoopControl(Math.min(n, sh.loopDepth), isContinue);
}

export function evalBuiltin(sh: Shell, argv: readonly string[]): number {
  const text = argv.slice(1).join(' ');
  if (text.trim() === '') return 0;
  return sh.runText(text, sh.lineno || 1, 'eval: ');
}

export function dot(sh: Shell, argv: readonly string[]): number {
  const name = argv[1];
  if (name === undefined) throw new ShellError(`${argv[0]}: filename argument required`);
  let path: string | null = name;
  if (!name.includes('/')) {
    path = findCommand(sh.sys, name, sh.vars.get('PATH') ?? '/bin');
    if (path === null && sh.sys.exists(name)) path = name;
  }
  let text: string;
  try {
    if (path === null) throw new SysError(44, 'open', name);
    text = sh.sys.readText(path);
  } catch (e) {
    if (e instanceof SysError) throw new ShellError(`${argv[0]}: cannot open ${name}: No such file`);
    throw e;
  }
  const savedPositional = sh.positional;
  if (argv.length > 2) sh.positional = argv.slice(2);
  try {
    const parser = new Parser(text);
    let status = 0;
    for (;;) {
      let list;
      try {
        list = parser.next();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        sh.lineno = e.line;
        throw new ShellError(e.message);
      }
      if (!list) break;
      status = runList(sh, list, false);
    }
    return status;
  } catch (e) {
    if (e instanceof FunctionReturn) return e.status;
    throw e;
  } finally {
    if (argv.length > 2) sh.positional = savedPositional;
  }
}

export function exec(sh: Shell, argv: readonly string[]): number {
  if (argv.length === 1) return 0;
  const r = spawnCommand(sh, [], argv.slice(1), new Map(), sh.isSubshell ? 0 : -1);
  const status = 'status' in r ? r.status : waitForeground(sh, r.pid, [r.pid], null, argv.slice(1).join(' '));
  sh.execed = true;
  throw new ShellExit(status);
}

/** What `name` is, as `type` words it; null when it is nothing. */
function describeName(sh: Shell, name: string): { kind: 'keyword' | 'function' | 'special' | 'builtin' | 'file'; path?: string } | null {
  if (KEYWORDS.has(name)) return { kind: 'keyword' };
  if (sh.functions.has(name)) return { kind: 'function' };
  if (SPECIAL_BUILTINS.has(name)) return { kind: 'special' };
  if (BUILTINS.has(name)) return { kind: 'builtin' };
  const path = findCommand(sh.sys, name, sh.vars.get('PATH') ?? '/bin');
  if (path !== null && sh.sys.exists(path)) return { kind: 'file', path: name.includes('/') ? name : path };
  return null;
}

function typeLine(name: string, d: NonNullable<ReturnType<typeof describeName>>): string {
  switch (d.kind) {
    case 'keyword': return `${name} is a shell keyword`;
    case 'function': return `${name} is a shell function`;
    case 'special': return `${name} is a special shell builtin`;
    case 'builtin': return `${name} is a shell builtin`;
    case 'file': return `${name} is ${d.path!}`;
  }
}

export function type(sh: Shell, argv: readonly string[]): number {
  let status = 0;
  for (const name of argv.slice(1)) {
    const d = describeName(sh, name);
    if (d) sh.write(1, `${typeLine(name, d)}\n`);
    else {
      sh.write(1, `${name}: not found\n`);
      status = 127;
    }
  }
  return status;
}

export function command(sh: Shell, argv: readonly string[]): number {
  let args = argv.slice(1);
  let mode: '' | 'v' | 'V' = '';
  while (args[0]?.startsWith('-') && args[0] !== '-') {
    const a = args[0];
    args = args.slice(1);
    if (a === '--') break;
    if (a.includes('v')) mode = 'v';
    if (a.includes('V')) mode = 'V';
  }
  if (args.length === 0) return 0;
  const name = args[0]!;
  if (mode !== '') {
    const d = describeName(sh, name);
    if (!d) {
      if (mode === 'V') sh.write(1, `${name}: not found\n`);
      return 127;
    }
    sh.write(1, mode === 'V' ? `${typeLine(name, d)}\n` : `${d.kind === 'file' ? d.path! : name}\n`);
    return 0;
  }
  const builtin = BUILTINS.get(name);
  if (builtin) return builtin(sh, args);
  const r = spawnCommand(sh, [], args, new Map(), sh.isSubshell ? 0 : -1);
  return 'status' in r ? r.status : waitForeground(sh, r.pid, [r.pid], null, args.join(' '));
}

/** The trap conditions in the order `trap` lists them. */
function conditionName(spec: string): string | null {
  if (spec === '0' || spec.toUpperCase() === 'EXIT') return 'EXIT';
  const n = signalNumber(spec);
  if (n === undefined || n < 1 || n > 31) return null;
  return signalName(n) ?? null;
}

export function trap(sh: Shell, argv: readonly string[]): number {
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    const order = ['EXIT', ...Object.keys(SIGNALS)];
    for (const name of order) {
      const action = sh.traps.get(name);
      if (action !== undefined) sh.write(1, `trap -- ${singleQuote(action)} ${name}\n`);
    }
    return 0;
  }
  const reset = /^[0-9]+$/.test(args[0]!) || args[0] === '-';
  const action = reset ? null : args[0]!;
  const conditions = reset && args[0] !== '-' ? args : args.slice(1);
  let status = 0;
  for (const spec of conditions) {
    const name = conditionName(spec);
    if (name === null) {
      sh.write(2, `trap: ${spec}: bad trap\n`);
      status = 1;
      continue;
    }
    if (action === null) sh.traps.delete(name);
    else sh.traps.set(name, action);
  }
  return status;
}

export function hash(): number {
  return 0;
}

export function times(sh: Shell): number {
  sh.write(1, '0m0.000000s 0m0.000000s\n0m0.000000s 0m0.000000s\n');
  return 0;
}

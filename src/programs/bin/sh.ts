/**
 * sh: Keel's shell — the POSIX shell command language (src/programs/sh/, docs/shell.md).
 *
 *   sh [-eux…] [-c COMMAND_STRING [NAME [ARG...]]]
 *   sh [-eux…] SCRIPT [ARG...]
 *   sh [-eux…] [-s] [ARG...]       read commands from stdin (interactive on a terminal)
 *   sh --subshell FD               a subshell: its state and tree come on FD (sh/subshell.ts)
 *
 * A script or command string runs one complete command (a line's and-or lists, with their
 * here-documents) at a time, as dash does: the lines before a syntax error run, the line with it
 * does not, and the shell then exits with status 2, saying `NAME: LINE: Syntax error: …`.
 * Interactively, a line that leaves a quote, a compound command or an operator open continues
 * on the next (prompt `> `).
 */

import type { Sys } from '../../sys/sys.js';
import type { List } from '../sh/ast.js';
import { runList } from '../sh/eval.js';
import { LineReader } from '../sh/line-reader.js';
import { ParseError, Parser } from '../sh/parse.js';
import { reapJobs } from '../sh/pipeline.js';
import { FunctionReturn, LoopControl, ShellError, ShellExit } from '../sh/shell-exit.js';
import { Shell } from '../sh/shell.js';
import { SUBSHELL_FLAG, feederOutput, receiveState, shellFromState } from '../sh/subshell.js';

const OPTION_LETTERS = 'efmnxvCabu';

export function main(sys: Sys): number {
  const args = sys.args;
  if (args[1] === SUBSHELL_FLAG) return runSubshell(sys, Number(args[2]));
  let i = 1;
  let command: string | null = null;
  let fromStdin = false;
  let forceInteractive = false;
  const options: string[] = [];
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (!/^[-+][A-Za-z]+$/.test(a)) break;
    for (const letter of a.slice(1)) {
      if (letter === 'c') command = '';
      else if (letter === 's') fromStdin = true;
      else if (letter === 'i') forceInteractive = true;
      else if (OPTION_LETTERS.includes(letter)) {
        if (a[0] === '-') options.push(letter);
      } else {
        sys.write(2, `sh: 0: Illegal option -${letter}\n`);
        return 2;
      }
    }
  }
  let sh: Shell;
  if (command !== null) {
    const text = args[i];
    if (text === undefined) {
      sys.write(2, 'sh: 0: -c requires an argument\n');
      return 2;
    }
    sh = new Shell(sys, args[i + 1] ?? 'sh', args.slice(i + 2), false);
    return start(sh, options, () => runText(sh, text, 1));
  }
  if (!fromStdin && args[i] !== undefined) {
    const script = args[i]!;
    sh = new Shell(sys, script, args.slice(i + 1), false);
    let text: string;
    try {
      text = sys.readText(script);
    } catch {
      sys.write(2, `sh: 0: cannot open ${script}: No such file\n`);
      return 2;
    }
    return start(sh, options, () => runText(sh, text, 1));
  }
  const interactive = forceInteractive || sys.isatty(0);
  sh = new Shell(sys, 'sh', args.slice(i), interactive);
  return start(sh, options, () => runLines(sh, new LineReader(sys, 0)));
}

/** Set the shell up, run `body`, end with the EXIT trap; the exit status. */
function start(sh: Shell, options: readonly string[], body: () => number): number {
  sh.importEnvironment();
  for (const o of options) sh.options.add(o);
  if (sh.options.has('a')) sh.vars.allexport = true;
  return sh.runExitTrap(guard(sh, body));
}

/** Run `body`, turning the ways a shell can end into its status. */
function guard(sh: Shell, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof ShellExit) return e.code;
    if (e instanceof FunctionReturn) return e.status;
    if (e instanceof LoopControl) return sh.status;
    if (e instanceof ShellError) {
      sh.error(e.message);
      return e.status;
    }
    throw e;
  }
}

function run(sh: Shell, list: List): void {
  if (sh.options.has('n') && !sh.interactive) return;
  runList(sh, list, false);
}

/** A script or command string, one complete command at a time. */
function runText(sh: Shell, text: string, line: number): number {
  const parser = new Parser(text, line);
  let from = 0;
  for (;;) {
    let list: List | null;
    try {
      list = parser.next();
    } catch (e) {
      if (e instanceof RangeError) {
        sh.error('Syntax error: nested too deeply');
        return 2;
      }
      if (!(e instanceof ParseError)) throw e;
      sh.lineno = e.line;
      sh.error(e.message);
      return 2;
    }
    if (!list) return sh.status;
    if (sh.options.has('v')) sh.write(2, text.slice(from, parser.position));
    from = parser.position;
    run(sh, list);
  }
}

/** Commands from fd 0, a line at a time (prompting on a terminal). */
function runLines(sh: Shell, reader: LineReader): number {
  let pending = '';
  let line = 1;
  let startLine = 1;
  for (;;) {
    if (sh.interactive) {
      reapJobs(sh);
      prompt(sh, pending === '' ? `keel:${sh.sys.cwd()}$ ` : '> ');
    }
    const text = reader.next();
    if (text === 'interrupted') {
      pending = '';
      sh.status = 130;
      continue;
    }
    if (text === null) {
      if (pending !== '') {
        sh.lineno = line;
        sh.error('Syntax error: end of file unexpected');
        return 2;
      }
      if (sh.interactive) sh.sys.write(2, 'exit\n');
      return sh.status;
    }
    if (pending === '') startLine = line;
    line++;
    const source = `${pending}${text}\n`;
    let lists: List[];
    try {
      const parser = new Parser(source, startLine);
      lists = [];
      for (let l = parser.next(); l; l = parser.next()) lists.push(l);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      if (e.incomplete) {
        pending = source;
        continue;
      }
      pending = '';
      sh.lineno = e.line;
      sh.error(e.message);
      sh.status = 2;
      if (!sh.interactive) return 2;
      continue;
    }
    pending = '';
    if (sh.options.has('v')) sh.write(2, source);
    for (const l of lists) {
      if (!sh.interactive) {
        run(sh, l);
        continue;
      }
      try {
        run(sh, l);
      } catch (e) {
        if (e instanceof ShellError) sh.fail(e);
        else if (e instanceof LoopControl || e instanceof FunctionReturn) continue;
        else throw e;
      }
    }
  }
}

function prompt(sh: Shell, text: string): void {
  try {
    sh.sys.write(2, text);
  } catch {
    // no terminal to prompt on
  }
}

/** A child shell: its state on `fd`, then its tree (or a feeder's bytes). */
function runSubshell(sys: Sys, fd: number): number {
  const state = receiveState(sys, fd);
  const output = feederOutput(state);
  if (output) {
    try {
      sys.write(1, output);
    } catch {
      // the reader went away
    }
    return state.status;
  }
  const sh = shellFromState(sys, state);
  const status = guard(sh, () => (state.body ? runList(sh, state.body, state.tested) : state.status));
  return sh.runExitTrap(status);
}

/**
 * The shell's builtins, by name: those that must act on the shell itself (its variables,
 * options, directory, fds, jobs and flow) and those a script calls so often that starting a
 * process for each would dominate its time (echo, printf, test, read).
 *
 * SPECIAL_BUILTINS are POSIX's special builtins: assignments before them stay, and their errors
 * end a non-interactive shell. PURE_BUILTINS only write output (no change to the shell, no
 * input): the pipeline and command substitution code may run them in the shell's own process.
 * Every builtin is a function (sh, argv) → status; argv[0] is its name.
 */

import * as flow from './builtins-flow.js';
import * as io from './builtins-io.js';
import * as jobs from './builtins-jobs.js';
import * as vars from './builtins-vars.js';
import type { Shell } from './shell.js';

export type Builtin = (sh: Shell, argv: readonly string[]) => number;

export const SPECIAL_BUILTINS: ReadonlySet<string> = new Set([
  'break', ':', 'continue', '.', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset',
]);

export const PURE_BUILTINS: ReadonlySet<string> = new Set(['echo', 'printf', 'test', '[', 'true', 'false', ':', 'pwd']);

export const KEYWORDS: ReadonlySet<string> = new Set([
  '!', '{', '}', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'if', 'in', 'then', 'until', 'while',
]);

function help(sh: Shell): number {
  const names = [...BUILTINS.keys()].sort();
  sh.write(1, `Keel sh: the POSIX shell language (docs/shell.md). Builtins:\n${names.join(' ')}\n`);
  return 0;
}

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [':', () => 0], ['true', () => 0], ['false', () => 1],
  ['.', flow.dot], ['source', flow.dot], ['eval', flow.evalBuiltin], ['exec', flow.exec], ['exit', flow.exit],
  ['return', flow.returnBuiltin], ['break', flow.breakBuiltin], ['continue', flow.continueBuiltin],
  ['command', flow.command], ['type', flow.type], ['trap', flow.trap], ['hash', flow.hash], ['times', flow.times],
  ['echo', io.echo], ['printf', io.printfBuiltin], ['test', io.test], ['[', io.test], ['read', io.read],
  ['export', vars.exportBuiltin], ['readonly', vars.readonlyBuiltin], ['unset', vars.unset], ['local', vars.local],
  ['set', vars.set], ['shift', vars.shift], ['getopts', vars.getopts], ['cd', vars.cd], ['pwd', vars.pwd], ['umask', vars.umask],
  ['jobs', jobs.jobs], ['fg', jobs.fg], ['bg', jobs.bg], ['wait', jobs.wait], ['kill', jobs.kill],
  ['help', help],
]);

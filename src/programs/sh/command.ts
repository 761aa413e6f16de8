/**
 * Simple commands in the shell's own process (XCU 2.9.1): expand the words, then
 *   - no command name: the assignments change the shell, redirections are made and undone;
 *   - a special builtin (break : continue . eval exec exit export readonly return set shift
 *     times trap unset): its assignments stay, and its errors end a non-interactive shell;
 *   - a function, or another builtin: the assignments hold for that command only;
 *   - anything else: a program, started with the assignments in its environment and waited for
 *     in the foreground (pipeline.ts).
 * Redirections are a frame of the fd table around the command. With `set -x` the expanded
 * command is written to fd 2 after $PS4.
 */

import type { SimpleCommand } from './ast.js';
import { BUILTINS, SPECIAL_BUILTINS } from './builtins.js';
import { callFunction } from './eval.js';
import { expandString, expandWords } from './expand.js';
import { spawnCommand, waitForeground } from './pipeline.js';
import { RedirectError, applyRedirects } from './redirect.js';
import { ShellError } from './shell-exit.js';
import type { Shell } from './shell.js';
import type { Variable } from './variables.js';

export function runSimple(sh: Shell, c: SimpleCommand, tested: boolean): number {
  sh.lineno = c.line;
  sh.substStatus = null;
  let argv: string[];
  let assigns: [string, string][];
  try {
    argv = expandWords(c.words, sh.expander);
    assigns = c.assigns.map((a) => [a.name, expandString(a.value, sh.expander, true)]);
  } catch (e) {
    if (e instanceof ShellError) return sh.fail(e);
    throw e;
  }
  trace(sh, assigns, argv);
  if (argv.length === 0) return assignOnly(sh, c, assigns);
  const name = argv[0]!;
  const special = SPECIAL_BUILTINS.has(name);
  const fn = special ? undefined : sh.functions.get(name);
  const builtin = BUILTINS.get(name);
  if (!fn && !builtin) return runProgram(sh, c, argv, assigns);
  if (name === 'exec' && argv.length === 1) return execRedirects(sh, c, assigns);

  const restore = special ? null : new Map<string, Variable | undefined>();
  sh.fds.push();
  try {
    for (const [n, v] of assigns) {
      if (restore && !restore.has(n)) {
        const old = sh.vars.attributes(n);
        restore.set(n, old ? { ...old } : undefined);
      }
      sh.vars.set(n, v, restore !== null);
    }
    try {
      applyRedirects(sh, c.redirects);
    } catch (e) {
      if (!(e instanceof RedirectError)) throw e;
      if (special) return sh.fail(new ShellError(e.message));
      sh.error(e.message);
      return 2;
    }
    return fn ? callFunction(sh, fn, argv.slice(1), tested) : builtin!(sh, argv);
  } catch (e) {
    if (e instanceof ShellError) return sh.fail(e);
    throw e;
  } finally {
    sh.fds.pop();
    if (restore) {
      for (const [n, old] of restore) {
        const now = sh.vars.attributes(n);
        if (now?.readonly) continue;
        if (old) {
          sh.vars.unset(n);
          if (old.value !== undefined) sh.vars.set(n, old.value, old.exported);
          else if (old.exported) sh.vars.export(n);
        } else {
          sh.vars.unset(n);
        }
      }
    }
  }
}

/** `exec` with only redirections: they are made for good (no frame). */
function execRedirects(sh: Shell, c: SimpleCommand, assigns: readonly [string, string][]): number {
  try {
    for (const [n, v] of assigns) sh.vars.set(n, v);
    applyRedirects(sh, c.redirects);
  } catch (e) {
    if (e instanceof RedirectError) return sh.fail(new ShellError(e.message));
    if (e instanceof ShellError) return sh.fail(e);
    throw e;
  }
  return 0;
}

function assignOnly(sh: Shell, c: SimpleCommand, assigns: readonly [string, string][]): number {
  try {
    for (const [n, v] of assigns) sh.vars.set(n, v);
  } catch (e) {
    if (e instanceof ShellError) return sh.fail(e);
    throw e;
  }
  if (c.redirects.length > 0) {
    sh.fds.push();
    try {
      applyRedirects(sh, c.redirects);
    } catch (e) {
      if (!(e instanceof RedirectError)) throw e;
      sh.error(e.message);
      return 2;
    } finally {
      sh.fds.pop();
    }
  }
  return sh.substStatus ?? 0;
}

/** A program in the foreground, in a process group of its own. */
function runProgram(sh: Shell, c: SimpleCommand, argv: readonly string[], assigns: readonly [string, string][]): number {
  const r = spawnCommand(sh, c.redirects, argv, new Map(assigns), sh.isSubshell ? 0 : -1);
  if ('status' in r) return r.status;
  return waitForeground(sh, r.pid, [r.pid], null, argv.join(' '));
}

/** `set -x`: the command as it will run. */
function trace(sh: Shell, assigns: readonly [string, string][], argv: readonly string[]): void {
  if (!sh.options.has('x')) return;
  const words = [...assigns.map(([n, v]) => `${n}=${v}`), ...argv];
  sh.write(2, `${sh.vars.get('PS4') ?? '+ '}${words.join(' ')}\n`);
}

/**
 * Command substitution (XCU 2.6.3): run a list as a subshell and take its standard output, less
 * its trailing newlines. The status is kept for a command made only of assignments
 * (`x=$(false)` has status 1).
 *
 * How the subshell runs, cheapest first, each keeping a subshell's meaning:
 *   - a list of output-only builtins (echo, printf, test, … in if/for/case/while as well) runs in
 *     the shell itself, its output captured in memory and every variable, parameter and option
 *     put back afterwards (they cannot start processes, read input or leave anything behind);
 *   - a single pipeline is started as pipeline stages are (pipeline.ts: programs spawned
 *     directly, the rest in child shells) with its output into a pipe the shell reads;
 *   - anything else runs in a child shell (subshell.ts) writing into that pipe.
 */

import { decodeText } from '../../abi/text-codec.js';
import type { Command, List } from './ast.js';
import { PURE_BUILTINS } from './builtins.js';
import { runList } from './eval.js';
import { CAPTURE } from './fds.js';
import { literalText, startStages, waitAll } from './pipeline.js';
import { FunctionReturn, LoopControl, ShellExit } from './shell-exit.js';
import type { Shell } from './shell.js';
import { spawnChildShell } from './subshell.js';

export function commandSubstitution(sh: Shell, body: List): string {
  const { status, output } = isPureList(sh, body) ? inProcess(sh, body) : inChild(sh, body);
  sh.substStatus = status;
  return decodeText(new TextDecoder(), output).replace(/\n+$/, '');
}

function inProcess(sh: Shell, body: List): { status: number; output: Uint8Array } {
  const vars = sh.vars.snapshot();
  const positional = sh.positional;
  const options = new Set(sh.options);
  const { status: savedStatus, lineno, funcDepth, loopDepth } = sh;
  sh.fds.push();
  sh.fds.set(1, CAPTURE);
  sh.fds.beginCapture();
  let status = 0;
  let output: Uint8Array = new Uint8Array(0);
  try {
    status = runList(sh, body, false);
  } catch (e) {
    if (e instanceof ShellExit) status = e.code;
    else if (e instanceof FunctionReturn) status = e.status;
    else if (!(e instanceof LoopControl)) throw e;
  } finally {
    output = sh.fds.endCapture();
    sh.fds.pop();
    sh.vars.restore(vars);
    sh.positional = positional;
    sh.options.clear();
    for (const o of options) sh.options.add(o);
    Object.assign(sh, { status: savedStatus, lineno, funcDepth, loopDepth });
  }
  return { status, output };
}

function inChild(sh: Shell, body: List): { status: number; output: Uint8Array } {
  const [r, w] = sh.sys.pipe();
  const item = body.items.length === 1 ? body.items[0]! : null;
  const single = item && !item.background && item.andOr.rest.length === 0 && !item.andOr.first.negated ? item.andOr.first.commands : null;
  let pids: number[] = [];
  let lastStatus: number | null = null;
  sh.fds.push();
  try {
    sh.fds.set(1, sh.fds.adopt(w));
    if (single) {
      const started = startStages(sh, single, { newGroup: false, tested: false, inline: true });
      pids = started.pids;
      lastStatus = started.lastStatus;
    } else {
      pids = [spawnChildShell(sh, body, { pgid: 0, tested: false })];
    }
  } finally {
    sh.fds.pop();
  }
  let output: Uint8Array;
  try {
    output = sh.sys.readAll(r);
  } finally {
    sh.closeQuietly(r);
  }
  const status = waitAll(sh, pids);
  return { status: lastStatus ?? status, output };
}

/** True when every command of the list is an output-only builtin (see the file's header). */
function isPureList(sh: Shell, list: List): boolean {
  return list.items.every((item) => !item.background
    && [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)].every((p) => p.commands.length === 1 && isPure(sh, p.commands[0]!)));
}

function isPure(sh: Shell, c: Command): boolean {
  const pure = (l: List): boolean => isPureList(sh, l);
  switch (c.kind) {
    case 'simple': {
      const name = c.words[0] ? literalText(c.words[0]) : null;
      return name !== null && PURE_BUILTINS.has(name) && !sh.functions.has(name) && c.assigns.length === 0;
    }
    case 'group': return c.redirects.length === 0 && pure(c.body);
    case 'if': return c.redirects.length === 0 && c.clauses.every((cl) => pure(cl.cond) && pure(cl.body)) && (!c.otherwise || pure(c.otherwise));
    case 'while':
    case 'until': return c.redirects.length === 0 && pure(c.cond) && pure(c.body);
    case 'for': return c.redirects.length === 0 && pure(c.body);
    case 'case': return c.redirects.length === 0 && c.items.every((i) => !i.body || pure(i.body));
    default: return false;
  }
}

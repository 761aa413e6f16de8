/**
 * The evaluator: lists, and-or lists, pipelines and the compound commands (XCU 2.9.3–2.9.5),
 * over the tree of ast.ts. Simple commands are command.ts's; starting processes pipeline.ts's.
 *
 * `tested` is true where a failure is being tested rather than fatal — the condition of if,
 * while and until, every pipeline of an and-or list but the last, a pipeline after `!`, and all
 * of a function called from such a place. `set -e` ends the shell when a simple command, a
 * multi-command pipeline or a subshell fails where it is not tested (dash's rule: an if, loop or
 * { } group does not end the shell by its own status).
 */

import type { AndOr, Command, CompoundCommand, FunctionDefinition, List, Pipeline } from './ast.js';
import { expandPattern, expandString, expandWords } from './expand.js';
import { runSimple } from './command.js';
import { matchPattern } from './pattern.js';
import { runPipelineStages, startBackground } from './pipeline.js';
import { RedirectError, applyRedirects } from './redirect.js';
import { FunctionReturn, LoopControl, ShellError, ShellExit } from './shell-exit.js';
import type { Shell } from './shell.js';

export function runList(sh: Shell, list: List, tested: boolean): number {
  for (const item of list.items) {
    if (item.background) {
      startBackground(sh, item.andOr);
      sh.status = 0;
    } else {
      sh.status = runAndOr(sh, item.andOr, tested);
    }
    if (sh.pendingSignals.length > 0) sh.runPendingTraps();
  }
  return sh.status;
}

export function runAndOr(sh: Shell, a: AndOr, tested: boolean): number {
  let status = runPipeline(sh, a.first, tested || a.rest.length > 0);
  a.rest.forEach(({ op, pipeline }, i) => {
    sh.status = status;
    if ((op === '&&') === (status === 0)) status = runPipeline(sh, pipeline, tested || i < a.rest.length - 1);
  });
  return status;
}

function runPipeline(sh: Shell, p: Pipeline, tested: boolean): number {
  const only = p.commands.length === 1 ? p.commands[0]! : null;
  let status: number;
  if (only && only.kind !== 'subshell') status = runCommand(sh, only, tested || p.negated);
  else status = runPipelineStages(sh, p.commands, tested || p.negated);
  if (!tested && !p.negated && status !== 0 && sh.options.has('e')) {
    if (!only || only.kind === 'simple' || only.kind === 'subshell') throw new ShellExit(status);
  }
  sh.status = p.negated ? (status === 0 ? 1 : 0) : status;
  return sh.status;
}

export function runCommand(sh: Shell, c: Command, tested: boolean): number {
  switch (c.kind) {
    case 'simple':
      return runSimple(sh, c, tested);
    case 'function':
      sh.functions.set(c.name, c);
      return 0;
    default:
      return runCompound(sh, c, tested);
  }
}

/** A compound command with its redirections (a frame of the fd table). */
export function runCompound(sh: Shell, c: CompoundCommand, tested: boolean): number {
  if (c.redirects.length === 0) return runCompoundBody(sh, c, tested);
  sh.fds.push();
  try {
    try {
      applyRedirects(sh, c.redirects);
    } catch (e) {
      if (e instanceof RedirectError) {
        sh.lineno = c.line;
        sh.error(e.message);
        return 2;
      }
      if (e instanceof ShellError) return sh.fail(e);
      throw e;
    }
    return runCompoundBody(sh, c, tested);
  } finally {
    sh.fds.pop();
  }
}

function runCompoundBody(sh: Shell, c: CompoundCommand, tested: boolean): number {
  switch (c.kind) {
    case 'group':
      return runList(sh, c.body, tested);
    case 'subshell':
      // Its redirections are already in place (runCompound's frame).
      return runPipelineStages(sh, [{ ...c, redirects: [] }], tested);
    case 'if':
      for (const clause of c.clauses) {
        if (runList(sh, clause.cond, true) === 0) return runList(sh, clause.body, tested);
      }
      return c.otherwise ? runList(sh, c.otherwise, tested) : 0;
    case 'while':
    case 'until':
      return loop(sh, () => (runList(sh, c.cond, true) === 0) === (c.kind === 'while'), () => runList(sh, c.body, tested));
    case 'for': {
      sh.lineno = c.line;
      let words: readonly string[];
      try {
        words = c.words ? expandWords(c.words, sh.expander) : [...sh.positional];
      } catch (e) {
        if (e instanceof ShellError) return sh.fail(e);
        throw e;
      }
      let i = 0;
      return loop(sh, () => {
        if (i >= words.length) return false;
        sh.vars.set(c.name, words[i++]!);
        return true;
      }, () => runList(sh, c.body, tested));
    }
    case 'case': {
      sh.lineno = c.line;
      try {
        const word = expandString(c.word, sh.expander);
        for (const item of c.items) {
          if (item.patterns.some((p) => matchPattern(expandPattern(p, sh.expander), word))) {
            return item.body ? runList(sh, item.body, tested) : 0;
          }
        }
      } catch (e) {
        if (e instanceof ShellError) return sh.fail(e);
        throw e;
      }
      return 0;
    }
  }
}

/** A loop: `body` while `more()`; break and continue of any level. Its status is the last body's (0 if none ran). */
function loop(sh: Shell, more: () => boolean, body: () => number): number {
  let status = 0;
  sh.loopDepth++;
  try {
    for (;;) {
      if (!more()) break;
      try {
        status = body();
      } catch (e) {
        if (!(e instanceof LoopControl)) throw e;
        if (e.levels > 1) throw new LoopControl(e.levels - 1, e.isContinue);
        status = 0;
        if (e.isContinue) continue;
        break;
      }
    }
  } finally {
    sh.loopDepth--;
  }
  sh.status = status;
  return status;
}

/** Function calls may nest this deep (deeper, JavaScript's stack would end the shell). */
const MAX_FUNCTION_DEPTH = 1000;

/** Call function `f` with `args` as $1…; `return` ends it. */
export function callFunction(sh: Shell, f: FunctionDefinition, args: readonly string[], tested: boolean): number {
  if (sh.funcDepth >= MAX_FUNCTION_DEPTH) throw new ShellError(`${f.name}: function calls nested too deeply`);
  const saved = sh.positional;
  const savedLoops = sh.loopDepth;
  sh.positional = [...args];
  sh.funcDepth++;
  sh.loopDepth = 0;
  sh.vars.pushScope();
  try {
    return runCompound(sh, f.body, tested);
  } catch (e) {
    if (e instanceof FunctionReturn) return e.status;
    if (e instanceof RangeError && /call stack/.test(e.message)) throw new ShellError(`${f.name}: function calls nested too deeply`);
    throw e;
  } finally {
    sh.vars.popScope();
    sh.funcDepth--;
    sh.loopDepth = savedLoops;
    sh.positional = saved;
  }
}

/**
 * Child shells: how Keel runs a subshell without fork.
 *
 * A subshell — `( … )`, a compound command or function in a pipeline, `$( … )` that is more than
 * a pipeline, a background and-or list — is a new process running /bin/sh, started as
 *
 *   sh --subshell FD
 *
 * with the parent's fds (the fd table's pairs) and, on fd FD (the first number the table does
 * not use), a pipe from which it reads its whole state as JSON, written by the parent right
 * after the spawn: every variable with its export and readonly attributes, the positional
 * parameters and $0, the functions (their trees), the options, the ignored signals, $?, $!, $$
 * (the parent's: a subshell keeps it), the line number, the working directory, whether `set -e`
 * is being tested, and the tree to run. The child closes FD, builds its Shell from the state,
 * runs the tree and exits with its status. Nothing is re-parsed, and the child sees exactly what
 * a forked subshell would: changes it makes stay in it.
 *
 * The same mechanism gives a "feeder": a child shell whose state carries bytes to write to its
 * standard output and a status to exit with (a large here-document, or a builtin's output that is
 * too big to put into a pipe before its reader starts).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import type { FunctionDefinition, List } from './ast.js';
import { ShellError } from './shell-exit.js';
import { Shell } from './shell.js';
import type { VariableRow } from './variables.js';

export const SUBSHELL_FLAG = '--subshell';
const SHELL_PATH = '/bin/sh';

export interface SubshellState {
  readonly vars: readonly VariableRow[];
  readonly positional: readonly string[];
  readonly arg0: string;
  readonly functions: readonly (readonly [string, FunctionDefinition])[];
  readonly options: string;
  readonly ignored: readonly string[];
  readonly status: number;
  readonly lastBackground: number;
  readonly rootPid: number;
  readonly lineno: number;
  readonly cwd: string;
  /** [logical fd, the fd number the child got it at]: the child's fd table starts with exactly these. */
  readonly fds: readonly (readonly [number, number])[];
  readonly tested: boolean;
  readonly body: List | null;
  /** A feeder's output, one character per byte. */
  readonly output?: string;
}

export interface ChildOptions {
  /** Process group: 0 the shell's, -1 a new one, > 0 that one. */
  readonly pgid: number;
  readonly tested: boolean;
  /** A feeder: write these bytes and exit with `status`. */
  readonly output?: Uint8Array;
  readonly status?: number;
}

function bytesToLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Start a child shell running `body` (or feeding `output`) with the shell's current fds; its pid. */
export function spawnChildShell(sh: Shell, body: List | null, opts: ChildOptions): number {
  // Fds 0-2 keep their numbers; the others go above every fd this process has (its preopens
  // among them, which the child gets at the same numbers), and the state says where.
  let next = Math.max(2, ...sh.sys.openFds(), ...sh.fds.logical()) + 1;
  const given: [number, number][] = [];
  const pairs: [number, number][] = [];
  for (const [logical, real] of sh.fds.pairs()) {
    const at = logical <= 2 ? logical : next++;
    given.push([logical, at]);
    pairs.push([at, real]);
  }
  const stateFd = next;
  const state: SubshellState = {
    vars: sh.vars.rows(),
    positional: sh.positional,
    arg0: sh.arg0,
    functions: [...sh.functions],
    options: [...sh.options].join(''),
    ignored: [...sh.traps].filter(([, action]) => action === '').map(([name]) => name),
    status: opts.status ?? sh.status,
    lastBackground: sh.lastBackground,
    rootPid: sh.rootPid,
    lineno: sh.lineno,
    cwd: sh.sys.cwd(),
    fds: given,
    tested: opts.tested,
    body,
    ...(opts.output ? { output: bytesToLatin1(opts.output) } : {}),
  };
  let r: number, w: number;
  try {
    [r, w] = sh.sys.pipe();
  } catch (e) {
    throw new ShellError(`Cannot create pipe: ${e instanceof Error ? e.message : String(e)}`);
  }
  let pid: number;
  try {
    pid = sh.sys.spawn(SHELL_PATH, { args: ['sh', SUBSHELL_FLAG, String(stateFd)], env: sh.environment(), fds: [...pairs, [stateFd, r]], pgid: opts.pgid });
  } catch (e) {
    sh.closeQuietly(w);
    throw new ShellError(`cannot start a subshell: ${e instanceof SysError ? e.message : String(e)}`);
  } finally {
    sh.closeQuietly(r);
  }
  try {
    sh.sys.write(w, JSON.stringify(state));
  } catch {
    // The child ended before reading: it reports nothing, and wait gives its status.
  } finally {
    sh.closeQuietly(w);
  }
  return pid;
}

/** In the child: read the state from `fd` and make the shell it describes. */
export function receiveState(sys: Sys, fd: number): SubshellState {
  const text = new TextDecoder().decode(sys.readAll(fd));
  sys.close(fd);
  return JSON.parse(text) as SubshellState;
}

/** A feeder's bytes. */
export function feederOutput(state: SubshellState): Uint8Array | null {
  return state.output === undefined ? null : latin1ToBytes(state.output);
}

export function shellFromState(sys: Sys, state: SubshellState): Shell {
  const sh = new Shell(sys, state.arg0, [...state.positional], false, state.fds);
  sh.vars.load(state.vars);
  for (const [name, f] of state.functions) sh.functions.set(name, f);
  for (const o of state.options) sh.options.add(o);
  for (const name of state.ignored) sh.traps.set(name, '');
  sh.status = state.status;
  sh.lastBackground = state.lastBackground;
  sh.rootPid = state.rootPid;
  sh.lineno = state.lineno;
  sh.isSubshell = true;
  try {
    if (sys.cwd() !== state.cwd) sys.chdir(state.cwd);
  } catch {
    // the directory went away: stay where the loader put us
  }
  return sh;
}

/**
 * env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]: run COMMAND with the environment changed,
 * or with no COMMAND print the (changed) environment, one NAME=VALUE per line.
 *
 * -i (or a lone `-`) starts from an empty environment; -u removes NAME (once; parseOptions keeps
 * the last). COMMAND containing `/` is used as a path; otherwise it is looked up in the new
 * environment's PATH (colon-separated, empty = `.`, default `/bin`), trying NAME and NAME.wasm.
 * The child shares fds 0, 1, 2 and env exits with its status; 127 when COMMAND is not found, 126
 * when it cannot be started, 125 for env's own usage errors (as GNU env).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';
import { findCommand } from '../lib/find-command.js';


export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'i', values: 'u', long: { 'ignore-environment': 'i', unset: 'u' }, stopAtOperand: true });
  if (typeof o === 'string') {
    sys.write(2, `env: ${o}\nTry 'env --help' for more information.\n`);
    return 125;
  }
  let operands = o.operands;
  const env = new Map<string, string>(o.flags.has('i') || operands[0] === '-' ? [] : sys.env);
  if (operands[0] === '-') operands = operands.slice(1);
  const unset = o.values.get('u');
  if (unset !== undefined) env.delete(unset);
  while (operands.length > 0 && operands[0]!.indexOf('=') > 0) {
    const kv = operands[0]!;
    env.set(kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1));
    operands = operands.slice(1);
  }
  const list = [...env].map(([k, v]) => `${k}=${v}`);
  if (operands.length === 0) {
    try {
      sys.write(1, list.map((kv) => `${kv}\n`).join(''));
    } catch (e) {
      if (e instanceof SysError && e.code === 'EPIPE') return 1;
      throw e;
    }
    return 0;
  }
  const command = operands[0]!;
  const path = findCommand(sys, command, env.get('PATH') ?? '/bin');
  if (path === null) {
    sys.write(2, `env: '${command}': No such file or directory\n`);
    return 127;
  }
  let pid: number;
  try {
    pid = sys.spawn(path, { args: operands, env: list, fds: [[0, 0], [1, 1], [2, 2]] });
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `env: '${command}': ${errorText(e.errno)}\n`);
    return e.code === 'ENOENT' ? 127 : 126;
  }
  return sys.wait(pid).code;
}

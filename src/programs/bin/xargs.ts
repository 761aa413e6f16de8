/**
 * xargs [-n N] [-r] [-t] [-0] [-I REPLACE] [COMMAND [ARG...]]: run COMMAND (default `echo`) with
 * ARGs followed by items read from standard input, as many times as needed. With -I, each input
 * line (leading blanks removed, empty lines skipped) makes one run, replacing REPLACE in the ARGs.
 *
 * Items are separated by blanks and newlines; single and double quotes group (not across a
 * newline) and a backslash escapes the next character; with -0 items end at NUL bytes, with no
 * quoting. Items are passed on as they are read: at most N per command with -n, otherwise up to
 * about 128 KiB of arguments. With no items COMMAND still runs once, unless -r. -t prints each
 * command to standard error first (arguments shell-quoted when needed). COMMAND is found like env finds it (PATH, NAME then
 * NAME.wasm); each run shares fds 1 and 2, reads an empty standard input and is waited for.
 * Status as GNU xargs: 123 if a run exited 1–125, 124 (stopping) if one exited 255, 125 if one
 * was killed by a signal, 126 if COMMAND cannot be started, 127 if it is not found, 1 for a usage
 * or quoting error.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';
import { findCommand } from '../lib/find-command.js';
import { decodeText } from '../../abi/text-codec.js';

const MAX_ARG_CHARS = 128 * 1024;


/** `arg` as a shell word, quoted only when needed (as -t shows commands). */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** Ends xargs with a status (after its message was written). */
class Quit extends Error {
  constructor(readonly status: number) {
    super(`xargs: status ${status}`);
  }
}

/** Items of standard input, streamed; throws Quit on an unmatched quote. */
function* items(sys: Sys, nulSeparated: boolean): Generator<string> {
  const decoder = new TextDecoder();
  let cur = '', inItem = false, quote = '', escaped = false;
  for (let done = false; !done;) {
    const chunk = sys.read(0);
    done = chunk.length === 0;
    const text = done ? decoder.decode() : decodeText(decoder, chunk, { stream: true });
    for (const ch of text) {
      if (nulSeparated) {
        if (ch === '\0') {
          yield cur;
          cur = '';
        } else cur += ch;
        continue;
      }
      if (escaped) {
        cur += ch;
        escaped = false;
      } else if (quote !== '') {
        if (ch === '\n') {
          sys.write(2, `xargs: unmatched ${quote === '"' ? 'double' : 'single'} quote; by default quotes are special to xargs unless you use the -0 option\n`);
          throw new Quit(1);
        }
        if (ch === quote) quote = '';
        else cur += ch;
      } else if (ch === ' ' || ch === '\t' || ch === '\n') {
        if (inItem) yield cur;
        cur = '';
        inItem = false;
        continue;
      } else if (ch === '\\') escaped = true;
      else if (ch === '"' || ch === "'") quote = ch;
      else cur += ch;
      inItem = true;
    }
  }
  if (quote !== '') {
    sys.write(2, `xargs: unmatched ${quote === '"' ? 'double' : 'single'} quote; by default quotes are special to xargs unless you use the -0 option\n`);
    throw new Quit(1);
  }
  if (nulSeparated ? cur !== '' : inItem) yield cur;
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), {
    flags: 'rt0', values: 'nI', stopAtOperand: true,
    long: { 'max-args': 'n', 'no-run-if-empty': 'r', verbose: 't', null: '0', replace: 'I' },
  });
  const perRun = typeof o === 'string' ? NaN : Number(o.values.get('n') ?? Infinity);
  if (typeof o === 'string' || !(perRun >= 1) || (perRun !== Infinity && !Number.isInteger(perRun))) {
    const msg = typeof o === 'string' ? o : `invalid number "${o.values.get('n')!}" for -n option`;
    sys.write(2, `xargs: ${msg}\nTry 'xargs --help' for more information.\n`);
    return 1;
  }
  const command = o.operands.length > 0 ? o.operands : ['echo'];
  const path = findCommand(sys, command[0]!, sys.env.get('PATH') ?? '/bin');
  // Children read an empty standard input: a pipe whose write end is closed.
  let emptyIn = 0;
  try {
    const [r, w] = sys.pipe();
    sys.close(w);
    emptyIn = r;
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
  }
  let status = 0;
  const run = (args: readonly string[]): void => runWith([...command, ...args]);
  const runWith = (argv: readonly string[]): void => {
    if (o.flags.has('t')) sys.write(2, `${argv.map(shellQuote).join(' ')}\n`);
    if (path === null) {
      sys.write(2, `xargs: ${command[0]!}: No such file or directory\n`);
      throw new Quit(127);
    }
    let pid: number;
    try {
      pid = sys.spawn(path, { args: argv, fds: [[0, emptyIn], [1, 1], [2, 2]] });
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `xargs: ${command[0]!}: ${errorText(e.errno)}\n`);
      throw new Quit(e.code === 'ENOENT' ? 127 : 126);
    }
    const code = sys.wait(pid).code;
    if (code === 255) {
      sys.write(2, `xargs: ${command[0]!}: exited with status 255; aborting\n`);
      throw new Quit(124);
    }
    if (code > 128) {
      sys.write(2, `xargs: ${command[0]!}: terminated by signal ${code - 128}\n`);
      throw new Quit(125);
    }
    if (code !== 0) status = 123;
  };
  const replace = o.values.get('I');
  try {
    if (replace !== undefined) {
      const text = decodeText(new TextDecoder(), sys.readAll(0));
      for (const raw of text.split('\n')) {
        const line = raw.replace(/^[ \t]+/, '');
        if (line === '') continue;
        runWith(command.map((a) => a.replaceAll(replace, line)));
      }
      return status;
    }
    let batch: string[] = [], size = 0, ran = false;
    for (const item of items(sys, o.flags.has('0'))) {
      if (batch.length > 0 && size + item.length + 1 > MAX_ARG_CHARS) {
        run(batch);
        ran = true;
        batch = [];
        size = 0;
      }
      batch.push(item);
      size += item.length + 1;
      if (batch.length >= perRun) {
        run(batch);
        ran = true;
        batch = [];
        size = 0;
      }
    }
    if (batch.length > 0 || (!ran && !o.flags.has('r'))) run(batch);
  } catch (e) {
    if (e instanceof Quit) return e.status;
    throw e;
  } finally {
    if (emptyIn !== 0) sys.close(emptyIn);
  }
  return status;
}

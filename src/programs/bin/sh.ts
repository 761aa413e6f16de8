/**
 * sh: Keel's shell.
 *
 *   sh                      interactive on a terminal (prompt, job control), else read commands from stdin
 *   sh -c COMMAND_LINE [NAME [ARG...]]
 *   sh SCRIPT [ARG...]
 *
 * Input is run one complete command at a time, so `exit` and syntax errors stop where they
 * happen; a line that leaves a quote, `|`, `&&` or `||` open continues on the next (prompt `> `).
 */

import type { Sys } from '../../sys/sys.js';
import { LineReader } from '../sh/line-reader.js';
import { ParseError, parse } from '../sh/parse.js';
import { Shell } from '../sh/shell.js';
import { ShellExit } from '../sh/shell-exit.js';

export function main(sys: Sys): number {
  const args = sys.args;
  try {
    if (args[1] === '-c') {
      if (args[2] === undefined) {
        sys.write(2, 'keel: -c: option requires an argument\n');
        return 2;
      }
      const sh = new Shell(sys, [args[3] ?? 'sh', ...args.slice(4)], false);
      return sh.runSource(args[2]);
    }
    if (args[1] !== undefined) {
      let text: string;
      try {
        text = sys.readText(args[1]);
      } catch (e) {
        sys.write(2, `keel: ${e instanceof Error ? e.message : String(e)}\n`);
        return 127;
      }
      return runLines(new Shell(sys, args.slice(1), false), new LineReader(sys, -1), text);
    }
    const interactive = sys.isatty(0);
    return runLines(new Shell(sys, ['sh'], interactive), new LineReader(sys, 0), null);
  } catch (e) {
    if (e instanceof ShellExit) return e.code;
    throw e;
  }
}

/** Run commands from `text`, or from `reader` when text is null, until the end or `exit`. */
function runLines(sh: Shell, reader: LineReader, text: string | null): number {
  const lines = text === null ? null : text.split('\n');
  let next = 0;
  const readLine = (): string | null | 'interrupted' => (lines ? (next < lines.length ? lines[next++]! : null) : reader.next());
  let pending = '';
  for (;;) {
    if (sh.interactive) {
      sh.reapJobs();
      prompt(sh, pending === '' ? `${sh.sys.cwd()}$ ` : '> ');
    }
    const line = readLine();
    if (line === 'interrupted') {
      pending = '';
      sh.status = 130;
      continue;
    }
    if (line === null) {
      if (pending !== '') {
        sh.error('syntax error: unexpected end of file');
        return 2;
      }
      if (sh.interactive) sh.sys.write(2, 'exit\n');
      return sh.status;
    }
    const source = pending === '' ? line : `${pending}\n${line}`;
    try {
      parse(source);
    } catch (e) {
      if (e instanceof ParseError && e.incomplete) {
        pending = source;
        continue;
      }
    }
    pending = '';
    sh.runSource(source);
  }
}

function prompt(sh: Shell, text: string): void {
  try {
    sh.sys.write(2, `keel:${text}`);
  } catch {
    // no terminal to prompt on
  }
}

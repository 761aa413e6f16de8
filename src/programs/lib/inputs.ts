/**
 * What most text utilities share: reading their FILE operands (`-` or none: standard input),
 * reporting a file that cannot be read GNU-style (`PROG: NAME: No such file or directory`,
 * status 1, the other files still done), usage errors (`PROG: message` and the `Try` line), and
 * ending quietly with status 1 when the reader of their output goes away (EPIPE).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';

/** Print a usage error GNU-style; status `status` (1 by default). */
export function usage(sys: Sys, prog: string, message: string, status = 1): number {
  sys.write(2, `${prog}: ${message}\nTry '${prog} --help' for more information.\n`);
  return status;
}

/** Run `body(fd, name)` on each file (standard input for `-`); 1 if any could not be read. */
export function eachFile(sys: Sys, prog: string, files: readonly string[], body: (fd: number, name: string) => void): number {
  let status = 0;
  for (const name of files.length > 0 ? files : ['-']) {
    let fd = 0;
    try {
      if (name !== '-') fd = sys.open(name, { read: true });
      if (sys.isDirectoryFd(fd)) {
        sys.write(2, `${prog}: ${name}: Is a directory\n`);
        status = 1;
        continue;
      }
      body(fd, name);
    } catch (e) {
      if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
      sys.write(2, `${prog}: ${name}: ${errorText(e.errno)}\n`);
      status = 1;
    } finally {
      if (fd !== 0) sys.close(fd);
    }
  }
  return status;
}

/** All of one input (`-`: standard input). Throws SysError. */
export function readInput(sys: Sys, name: string): Uint8Array {
  return name === '-' ? sys.readAll(0) : sys.readFile(name);
}

/** Run a utility's body, turning a closed output (EPIPE) into status 1 and an unreadable file into a message. */
export function guarded(sys: Sys, prog: string, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    if (e instanceof SysError) {
      sys.write(2, `${prog}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Split bytes into lines (without their newlines) and whether the last had one. */
export function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, finalNewline };
}

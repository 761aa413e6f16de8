/**
 * tee [-a] [-i] [FILE...]: copy standard input to standard output and to each FILE (truncated, or
 * appended to with -a; `-i` is accepted and does nothing, as ^C is the shell's business here).
 *
 * As GNU tee: a FILE that cannot be opened or written is reported and dropped, the copy goes on and
 * the status is 1. If standard output is a pipe whose reader went away, tee ends quietly with
 * status 1 (as GNU tee killed by SIGPIPE would). Input is streamed chunk by chunk.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'ai', long: { append: 'a', 'ignore-interrupts': 'i' } });
  if (typeof o === 'string') {
    sys.write(2, `tee: ${o}\nTry 'tee --help' for more information.\n`);
    return 1;
  }
  let status = 0;
  const fail = (name: string, e: unknown): void => {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `tee: ${name}: ${errorText(e.errno)}\n`);
    status = 1;
  };
  const outputs: { name: string; fd: number }[] = [];
  for (const name of o.operands) {
    try {
      const append = o.flags.has('a');
      outputs.push({ name, fd: sys.open(name, { write: true, create: true, append, truncate: !append }) });
    } catch (e) {
      fail(name, e);
    }
  }
  let toStdout = true;
  try {
    for (;;) {
      const chunk = sys.read(0);
      if (chunk.length === 0) break;
      try {
        if (toStdout) sys.write(1, chunk);
      } catch (e) {
        if (e instanceof SysError && e.code === 'EPIPE') return 1;
        fail('standard output', e);
        toStdout = false;
      }
      for (const out of [...outputs]) {
        try {
          sys.write(out.fd, chunk);
        } catch (e) {
          fail(out.name, e);
          outputs.splice(outputs.indexOf(out), 1);
          sys.close(out.fd);
        }
      }
    }
  } catch (e) {
    fail('standard input', e);
  } finally {
    for (const out of outputs) sys.close(out.fd);
  }
  return status;
}

/**
 * uniq [-c] [-d] [-u] [-i] [INPUT [OUTPUT]]: write one copy of each run of equal adjacent lines of
 * INPUT (standard input when absent or `-`) to OUTPUT (standard output when absent or `-`).
 *
 * As GNU uniq: -c prefixes each line with its run length (`%7d `), -d writes only runs of two or
 * more, -u only lines that occur once (both: nothing), -i compares ignoring case; the line written
 * is the first of its run; each output line ends with a newline. Input is streamed line by line.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';
import { lines } from '../lib/lines.js';

const LONG = { count: 'c', repeated: 'd', unique: 'u', 'ignore-case': 'i' };


export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'cdui', long: LONG });
  if (typeof o === 'string' || o.operands.length > 2) {
    const msg = typeof o === 'string' ? o : `extra operand '${o.operands[2]!}'`;
    sys.write(2, `uniq: ${msg}\nTry 'uniq --help' for more information.\n`);
    return 1;
  }
  const [input = '-', output = '-'] = o.operands;
  const same = o.flags.has('i') ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase() : (a: string, b: string) => a === b;
  let inFd = 0, outFd = 1, name = input;
  try {
    if (input !== '-') inFd = sys.open(input, { read: true });
    name = output;
    if (output !== '-') outFd = sys.open(output, { write: true, create: true, truncate: true });
    const out = sys.writer(outFd);
    let current: string | null = null, count = 0;
    const emit = (): void => {
      if (current === null) return;
      if ((count > 1 && o.flags.has('u')) || (count === 1 && o.flags.has('d'))) return;
      out.line(o.flags.has('c') ? `${String(count).padStart(7)} ${current}` : current);
    };
    name = input;
    for (const line of lines(sys, inFd)) {
      if (current !== null && same(current, line)) {
        count++;
        continue;
      }
      emit();
      current = line;
      count = 1;
    }
    emit();
    out.flush();
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    if (e.code === 'EPIPE') return 1;
    sys.write(2, `uniq: ${name}: ${errorText(e.errno)}\n`);
    return 1;
  } finally {
    if (inFd !== 0) sys.close(inFd);
    if (outFd !== 1) sys.close(outFd);
  }
  return 0;
}

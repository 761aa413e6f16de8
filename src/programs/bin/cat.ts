/**
 * cat [FILE...]: copy each FILE (or standard input, also for `-`) to standard output.
 * A file that cannot be read is reported and skipped; the status is then 1. As GNU cat, a
 * regular file that is also the output is refused (`input file is output file`): copying it
 * into itself would never end.
 */

import { type Sys, SysError } from '../../sys/sys.js';

export function main(sys: Sys): number {
  const files = sys.args.length > 1 ? sys.args.slice(1) : ['-'];
  let status = 0;
  let out: { dev: number; ino: number } | null = null;
  try {
    const st = sys.fstat(1);
    if (st.type === 'file') out = st;
  } catch {
    // not a file: nothing to guard
  }
  for (const name of files) {
    let fd = 0;
    try {
      if (name !== '-') fd = sys.open(name, { read: true });
      if (out) {
        const st = sys.fstat(fd);
        if (st.type === 'file' && st.dev === out.dev && st.ino === out.ino && st.size > 0) {
          sys.write(2, `cat: ${name}: input file is output file\n`);
          status = 1;
          continue;
        }
      }
      for (;;) {
        const chunk = sys.read(fd);
        if (chunk.length === 0) break;
        sys.write(1, chunk);
      }
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      if (e.code === 'EPIPE') return 1;
      sys.write(2, `cat: ${e.path === undefined ? `${name}: ` : ''}${e.message}\n`);
      status = 1;
    } finally {
      if (fd !== 0) sys.close(fd);
    }
  }
  return status;
}

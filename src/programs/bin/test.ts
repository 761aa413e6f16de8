/**
 * test EXPRESSION: evaluate a condition (lib/test-expr.ts), status 0 true, 1 false, 2 error — as
 * GNU test (the shell has a `test` builtin of its own, dash's; this is the program).
 */

import type { Sys } from '../../sys/sys.js';
import { TestError, evalTest } from '../lib/test-expr.js';

export function main(sys: Sys): number {
  const args = sys.args.slice(1);
  try {
    return evalTest(args, {
      stat(path, lstat) {
        if (path === '') return null;
        try {
          return lstat ? sys.lstat(path) : sys.stat(path);
        } catch {
          return null;
        }
      },
      isatty: (fd) => sys.isatty(fd),
    }, true) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    sys.write(2, `test: ${e.message}\n`);
    return 2;
  }
}

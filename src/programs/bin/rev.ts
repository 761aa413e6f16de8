/** rev [FILE...]: each line with its characters in reverse order. */

import type { Sys } from '../../sys/sys.js';
import { lines } from '../lib/lines.js';
import { eachFile, guarded } from '../lib/inputs.js';

export function main(sys: Sys): number {
  const files = sys.args.slice(1).filter((a) => a !== '--');
  const out = sys.writer(1);
  return guarded(sys, 'rev', () => {
    const status = eachFile(sys, 'rev', files, (fd) => {
      for (const line of lines(sys, fd)) out.line(Array.from(line).reverse().join(''));
    });
    out.flush();
    return status;
  });
}

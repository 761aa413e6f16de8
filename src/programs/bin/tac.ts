/**
 * tac [FILE...]: each file's lines in reverse order, as GNU tac (newline-terminated records: a
 * last line without a newline comes out first, without one).
 */

import type { Sys } from '../../sys/sys.js';
import { decodeText } from '../../abi/text-codec.js';
import { eachFile, guarded } from '../lib/inputs.js';

export function main(sys: Sys): number {
  const files = sys.args.slice(1).filter((a) => a !== '--');
  const out = sys.writer(1);
  return guarded(sys, 'tac', () => {
    const status = eachFile(sys, 'tac', files, (fd) => {
      const text = decodeText(new TextDecoder(), sys.readAll(fd));
      const records = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
      for (let i = records.length - 1; i >= 0; i--) out.write(records[i]!);
    });
    out.flush();
    return status;
  });
}

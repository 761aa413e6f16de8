/**
 * echo [-n] [-e] [ARG...]: write the arguments, separated by spaces, and a newline (not with -n).
 * -e interprets backslash escapes (\n, \t, \\, \c ends output).
 */

import type { Sys } from '../../sys/sys.js';

export function main(sys: Sys): number {
  let args = sys.args.slice(1);
  let newline = true, escapes = false;
  while (args.length > 0 && /^-[ne]+$/.test(args[0]!)) {
    if (args[0]!.includes('n')) newline = false;
    if (args[0]!.includes('e')) escapes = true;
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const cut = text.indexOf('\\c');
    if (cut >= 0) {
      text = text.slice(0, cut);
      newline = false;
    }
    text = text.replace(/\\(n|t|\\|r|a|b|e|0[0-7]{0,3})/g, (_m, c: string) => {
      switch (c) {
        case 'n': return '\n';
        case 't': return '\t';
        case '\\': return '\\';
        case 'r': return '\r';
        case 'a': return '\x07';
        case 'b': return '\b';
        case 'e': return '\x1b';
        default: return String.fromCharCode(parseInt(c.slice(1) || '0', 8));
      }
    });
  }
  sys.write(1, newline ? `${text}\n` : text);
  return 0;
}

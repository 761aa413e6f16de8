/**
 * mktemp [-d] [-u] [-q] [-p DIR | --tmpdir[=DIR]] [-t] [TEMPLATE]: make a new file (or directory)
 * with a unique name and print it, as GNU mktemp. TEMPLATE ends in at least three X's, replaced
 * by random letters and digits (default `tmp.XXXXXXXXXX` in $TMPDIR or /tmp). The file is made
 * with O_EXCL, so two callers never get the same one.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function main(sys: Sys): number {
  let dir = false, dryRun = false, quiet = false, inTmp = false;
  let parent: string | null = null;
  let template: string | null = null;
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-p') {
      parent = args[++i] ?? null;
      inTmp = true;
    } else if (a.startsWith('--tmpdir')) {
      parent = a.includes('=') ? a.slice(9) : null;
      inTmp = true;
    } else if (/^-[duqt]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'd') dir = true;
        else if (c === 'u') dryRun = true;
        else if (c === 'q') quiet = true;
        else inTmp = true;
      }
    } else if (a === '--directory') dir = true;
    else if (a === '--dry-run') dryRun = true;
    else if (a === '--quiet') quiet = true;
    else if (a.startsWith('-')) return usage(sys, 'mktemp', `invalid option -- '${a[1]!}'`);
    else template = a;
  }
  if (template === null) {
    template = 'tmp.XXXXXXXXXX';
    inTmp = true;
  }
  const x = /X{3,}$/.exec(template);
  if (!x) {
    if (!quiet) sys.write(2, `mktemp: too few X's in template '${template}'\n`);
    return 1;
  }
  if (inTmp && !template.includes('/')) template = `${(parent ?? sys.env.get('TMPDIR') ?? '/tmp').replace(/\/$/, '')}/${template}`;
  const stem = template.slice(0, template.length - x[0].length);
  const random = new Uint32Array(x[0].length);
  for (let attempt = 0; attempt < 100; attempt++) {
    crypto.getRandomValues(random);
    const name = stem + Array.from(random, (r) => CHARS[r % CHARS.length]).join('');
    try {
      if (!dryRun) {
        if (dir) sys.mkdir(name);
        else sys.close(sys.open(name, { write: true, create: true, exclusive: true }));
      } else if (sys.exists(name)) continue;
      sys.write(1, `${name}\n`);
      return 0;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      if (e.code === 'EEXIST') continue;
      if (!quiet) sys.write(2, `mktemp: failed to create ${dir ? 'directory' : 'file'} via template '${template}': ${errorText(e.errno)}\n`);
      return 1;
    }
  }
  if (!quiet) sys.write(2, `mktemp: failed to create file via template '${template}': File exists\n`);
  return 1;
}

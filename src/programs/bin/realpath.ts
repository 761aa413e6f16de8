/**
 * realpath [-e|-m] [-s] [-q] [--relative-to=DIR] FILE...: each FILE as an absolute path with
 * every symlink, `.` and `..` resolved, as GNU realpath: all but the last component must exist
 * (-e: all; -m: none); -s does not resolve symlinks.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';

/** Resolve `path` component by component; throws SysError ENOENT where `mode` needs a part to exist. */
export function resolvePath(sys: Sys, path: string, mode: 'e' | 'last' | 'm', links: boolean): string {
  let parts = sys.resolve(path).split('/').filter((p) => p !== '');
  let out: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      out.pop();
      continue;
    }
    const cur = `/${[...out, part].join('/')}`;
    let st: { type: string } | null = null;
    try {
      st = sys.lstat(cur);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      const last = parts.length === 0;
      if (mode === 'e' || (mode === 'last' && !last)) throw e;
    }
    if (st?.type === 'symlink' && links) {
      if (++hops > 40) throw new SysError(32, 'realpath', path);
      const target = sys.readlink(cur);
      parts = [...target.split('/').filter((p) => p !== ''), ...parts];
      if (target.startsWith('/')) out = [];
      continue;
    }
    out.push(part);
  }
  return `/${out.join('/')}`;
}

function relative(from: string, to: string): string {
  const a = from.split('/').filter((p) => p !== '');
  const b = to.split('/').filter((p) => p !== '');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}

export function main(sys: Sys): number {
  let mode: 'e' | 'last' | 'm' = 'last';
  let links = true, quiet = false;
  let relTo: string | null = null;
  const files: string[] = [];
  for (const a of sys.args.slice(1)) {
    if (a.startsWith('--relative-to=')) relTo = a.slice(14);
    else if (/^-[emsqL]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'e') mode = 'e';
        else if (c === 'm') mode = 'm';
        else if (c === 's') links = false;
        else if (c === 'q') quiet = true;
      }
    } else if (a === '--canonicalize-existing') mode = 'e';
    else if (a === '--canonicalize-missing') mode = 'm';
    else if (a === '--no-symlinks' || a === '--strip') links = false;
    else files.push(a);
  }
  if (files.length === 0) {
    sys.write(2, "realpath: missing operand\nTry 'realpath --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const f of files) {
    try {
      const p = resolvePath(sys, f, mode, links);
      sys.write(1, `${relTo !== null ? relative(resolvePath(sys, relTo, 'm', links), p) : p}\n`);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      if (!quiet) sys.write(2, `realpath: ${f}: ${errorText(e.errno)}\n`);
      status = 1;
    }
  }
  return status;
}

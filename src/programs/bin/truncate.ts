/**
 * truncate [-c] -s [+-<>/%]SIZE[K|M|G|KB|MB|…] FILE...: set each file's size, as GNU truncate:
 * SIZE absolute, or relative to the current size (+ extend, - shrink, < at most, > at least,
 * / round down to a multiple, % round up). A missing file is created unless -c.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, KB: 1000, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3,
};

export function main(sys: Sys): number {
  let size: string | null = null;
  let noCreate = false;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--no-create') noCreate = true;
    else if (a === '-s' || a === '--size') size = args[++i] ?? null;
    else if (a.startsWith('-s')) size = a.slice(2);
    else if (a.startsWith('--size=')) size = a.slice(7);
    else if (a === '--') files.push(...args.slice(i + 1));
    else if (a.startsWith('-')) return usage(sys, 'truncate', `invalid option -- '${a[1]!}'`);
    else files.push(a);
  }
  if (size === null) return usage(sys, 'truncate', "you must specify either '--size' or '--reference'");
  if (files.length === 0) return usage(sys, 'truncate', 'missing file operand');
  const m = /^([+\-<>/%]?)([0-9]+)([A-Za-z]*)$/.exec(size);
  const unit = m ? UNITS[m[3]!] : undefined;
  if (!m || unit === undefined) {
    sys.write(2, `truncate: Invalid number: '${size}'\n`);
    return 1;
  }
  const n = Number(m[2]) * unit;
  let status = 0;
  for (const name of files) {
    let fd = -1;
    try {
      if (noCreate && !sys.exists(name)) continue;
      fd = sys.open(name, { write: true, create: true });
      const cur = sys.fstat(fd).size;
      const want = m[1] === '+' ? cur + n : m[1] === '-' ? Math.max(0, cur - n) : m[1] === '<' ? Math.min(cur, n)
        : m[1] === '>' ? Math.max(cur, n) : m[1] === '/' ? (n === 0 ? cur : Math.floor(cur / n) * n) : m[1] === '%' ? (n === 0 ? cur : Math.ceil(cur / n) * n) : n;
      sys.ftruncate(fd, want);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `truncate: cannot open '${name}' for writing: ${errorText(e.errno)}\n`);
      status = 1;
    } finally {
      if (fd >= 0) sys.close(fd);
    }
  }
  return status;
}

/**
 * du [-a] [-s] [-c] [-h] [-k] [-b] [-d N] [--apparent-size] [FILE...]: how much space files and
 * directories use. Keel's files report no block counts (WASI filestat has none), so du counts
 * apparent sizes: in KiB rounded up per file (GNU's default unit), or bytes with -b; directories
 * add their contents (not a size of their own). -s only totals per argument, -a lists files too,
 * -d N limits the depth shown, -c adds a total, -h human sizes (K, M, G).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

function human(bytes: number): string {
  const units = ['K', 'M', 'G', 'T'];
  if (bytes < 1024) return bytes === 0 ? '0' : `${Math.ceil(bytes / 1024)}K`;
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return v < 10 ? `${Math.ceil(v * 10) / 10}${units[u]}` : `${Math.ceil(v)}${units[u]}`;
}

export function main(sys: Sys): number {
  let all = false, summary = false, total = false, humanSizes = false, bytes = false;
  let depth = Infinity;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--apparent-size') continue;
    if (a.startsWith('--max-depth=')) depth = Number(a.slice(12));
    else if (a === '-d') depth = Number(args[++i]);
    else if (a === '--') files.push(...args.slice(i + 1));
    else if (/^-[ascdhkbxlL]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'a') all = true;
        else if (c === 's') summary = true;
        else if (c === 'c') total = true;
        else if (c === 'h') humanSizes = true;
        else if (c === 'b') bytes = true;
        else if (c === 'd') depth = Number(args[++i]);
      }
    } else if (a.startsWith('-')) return usage(sys, 'du', `invalid option -- '${a[1]!}'`);
    else files.push(a);
  }
  if (summary) depth = 0;
  const size = (n: number): string => (humanSizes ? human(n) : bytes ? String(n) : String(Math.ceil(n / 1024)));
  const out = sys.writer(1);
  let status = 0;
  let grand = 0;
  /** Bytes (or KiB-rounded bytes) under `path`, printing what the options ask for. */
  const walk = (path: string, level: number): number => {
    const st = sys.lstat(path);
    if (st.type !== 'dir') {
      const n = bytes || humanSizes ? st.size : Math.ceil(st.size / 1024) * 1024;
      if ((all && level <= depth) || level === 0) out.line(`${size(n)}\t${path}`);
      return n;
    }
    let sum = 0;
    let names: string[] = [];
    try {
      names = sys.readdir(path).map((e) => e.name).sort();
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `du: cannot read directory '${path}': ${errorText(e.errno)}\n`);
      status = 1;
    }
    for (const name of names) sum += walk(path.endsWith('/') ? `${path}${name}` : `${path}/${name}`, level + 1);
    if (level <= depth) out.line(`${size(sum)}\t${path}`);
    return sum;
  };
  try {
    for (const f of files.length > 0 ? files : ['.']) {
      try {
        grand += walk(f, 0);
      } catch (e) {
        if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
        sys.write(2, `du: cannot access '${f}': ${errorText(e.errno)}\n`);
        status = 1;
      }
    }
    if (total) out.line(`${size(grand)}\ttotal`);
    out.flush();
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return status;
}

/**
 * df [-h] [PATH...]: space on each mounted file system (or on those holding PATHs): size, used,
 * available, use% and mount point, in 1K blocks or, with -h, human-readable sizes.
 */

import type { MountInfo, Sys } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v}` : `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[u]}`;
}

/** The mount holding absolute path `abs`: the longest mount path that is a prefix of it. */
function mountOf(mounts: readonly MountInfo[], abs: string): MountInfo | undefined {
  return mounts.filter((m) => m.path === '/' || abs === m.path || abs.startsWith(`${m.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'hk' });
  if (typeof o === 'string') {
    sys.write(2, `df: ${o}\n`);
    return 2;
  }
  const all = sys.mounts();
  let status = 0;
  let shown = all;
  if (o.operands.length > 0) {
    shown = [];
    for (const p of o.operands) {
      if (!sys.exists(p)) {
        sys.write(2, `df: ${p}: No such file or directory\n`);
        status = 1;
        continue;
      }
      const m = mountOf(all, sys.resolve(p));
      if (m && !shown.includes(m)) shown.push(m);
    }
  }
  const size = (n: number): string => (o.flags.has('h') ? human(n) : String(Math.ceil(n / 1024)));
  const rows = [['Filesystem', o.flags.has('h') ? 'Size' : '1K-blocks', 'Used', 'Avail', 'Use%', 'Mounted on']];
  for (const m of shown) {
    const known = m.total > 0;
    rows.push([m.name, known ? size(m.total) : '-', size(m.used), known ? size(m.total - m.used) : '-',
      known ? `${Math.ceil((m.used / m.total) * 100)}%` : '-', m.path]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const out = sys.writer(1);
  for (const r of rows) out.line(r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ').trimEnd());
  return status;
}

/**
 * top: a live view of the system's processes and services with their IPC traffic — calls made
 * and served per second, and the mean round-trip latency of calls made (from the kernel's sampled
 * timings), and how often the supervisor has restarted each service — refreshed every second
 * until ^C.
 *
 *   top [-n ITERATIONS] [-d SECONDS]     (-n 1 prints one screen and exits: batch use, tests)
 *
 * Rates need two snapshots, so the first screen shows totals since boot.
 */

import type { Sys, SystemProcess } from '../../sys/sys.js';
import { parseOptions } from '../lib/options.js';

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { values: 'nd' });
  if (typeof o === 'string') {
    sys.write(2, `top: ${o}\n`);
    return 2;
  }
  const iterations = o.values.has('n') ? Number(o.values.get('n')) : Infinity;
  const delay = Number(o.values.get('d') ?? '1') * 1000;
  if (!(iterations > 0) || !(delay > 0)) {
    sys.write(2, 'top: -n and -d take positive numbers\n');
    return 2;
  }
  const screen = sys.isatty(1);
  let before = new Map<number, SystemProcess>();
  let then = sys.now();
  for (let i = 0; i < iterations; i++) {
    if (i > 0) sys.sleep(delay);
    const now = sys.now();
    const rows = sys.systemProcesses();
    const seconds = i === 0 ? 0 : (now - then) / 1000;
    const lines = render(rows, before, seconds);
    sys.write(1, (screen ? '\x1b[H\x1b[2J' : '') + lines.join('\n') + '\n');
    before = new Map(rows.map((r) => [r.pid, r]));
    then = now;
  }
  return 0;
}

function render(rows: readonly SystemProcess[], before: ReadonlyMap<number, SystemProcess>, seconds: number): string[] {
  const rate = seconds > 0;
  const services = rows.filter((r) => r.serves).length;
  const head = `Keel top — ${rows.length} processes (${services} service threads), ${rate ? `rates over ${seconds.toFixed(1)} s` : 'totals since boot'}`;
  const cols = `${'PID'.padStart(5)} ${'KIND'.padEnd(7)} ${'RESTARTS'.padStart(8)} ${(rate ? 'CALLS/s' : 'CALLS').padStart(9)} ${(rate ? 'SERVED/s' : 'SERVED').padStart(9)} ${'LATENCY'.padStart(9)}  NAME`;
  const body = rows
    .map((r) => {
      const b = before.get(r.pid);
      const calls = r.calls - (rate && b ? b.calls : 0);
      const served = r.served - (rate && b ? b.served : 0);
      const samples = r.samples - (rate && b ? b.samples : 0);
      const ns = r.sampledNs - (rate && b ? b.sampledNs : 0);
      return { r, calls: rate ? calls / seconds : calls, served: rate ? served / seconds : served, latency: samples > 0 ? ns / samples / 1000 : null };
    })
    .sort((x, y) => y.calls + y.served - (x.calls + x.served) || x.r.pid - y.r.pid)
    .map(({ r, calls, served, latency }) => {
      const kind = r.pid === 1 ? 'kernel' : r.serves ? 'service' : 'program';
      const lat = latency === null ? '-' : `${latency.toFixed(1)}µs`;
      const restarts = r.serves && r.pid !== 1 ? String(r.restarts) : '-';
      return `${String(r.pid).padStart(5)} ${kind.padEnd(7)} ${restarts.padStart(8)} ${Math.round(calls).toString().padStart(9)} ${Math.round(served).toString().padStart(9)} ${lat.padStart(9)}  ${r.name}`;
    });
  return [head, '', cols, ...body];
}

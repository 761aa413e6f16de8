/**
 * A script program for IPC tests and benchmarks: calls the echo server behind handles[0].
 * data.mode: 'null' → data.count echo calls, timing each; results go into data.out (a shared
 * Float64Array buffer): [0] = calls done, [1] = median ns, [2] = total ns, [3] = sleeps.
 * 'order' → data.count calls of label 3 tagged with data.tag, checking replies increase.
 * 'die' → one call of label 4; out[0] = transport status.
 * 'bulk' → a 64 KiB bulk round trip checked byte by byte; out[0] = 1 if correct.
 */

import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';
import { FUTEX_ONLY_POLICY } from '../../src/ipc/wait-policy.js';

interface ClientData {
  mode: 'null' | 'order' | 'die' | 'bulk';
  count: number;
  tag: number;
  futex?: boolean;
  out: SharedArrayBuffer;
}

export function main(rt: ThreadRuntime, _args: readonly string[], data: ClientData): number {
  const out = new Float64Array(data.out);
  const h = rt.handles[0]!;
  const c = rt.caller;
  if (data.futex) rt.slot.policy = FUTEX_ONLY_POLICY;
  switch (data.mode) {
    case 'null': {
      const times = new Float64Array(data.count);
      const t0 = rt.platform.now();
      for (let i = 0; i < data.count; i++) {
        const s = rt.platform.now();
        if (c.invoke(h, 1) !== 0) return 2;
        times[i] = rt.platform.now() - s;
      }
      out[2] = rt.platform.now() - t0;
      times.sort();
      out[1] = times[times.length >> 1]!;
      out[4] = times[Math.floor(times.length * 0.9)]!;
      out[5] = times[Math.floor(times.length * 0.99)]!;
      out[3] = rt.slot.sleeps;
      out[0] = data.count;
      return 0;
    }
    case 'order': {
      let last = -1;
      for (let i = 0; i < data.count; i++) {
        c.regs[1] = data.tag * 1e6 + i;
        if (c.invoke(h, 3) !== 0) return 2;
        const pos = c.regs[1]!;
        if (pos <= last) return 3;
        last = pos;
      }
      out[0] = data.count;
      return 0;
    }
    case 'die': {
      out[0] = c.invoke(h, 4);
      return 0;
    }
    case 'bulk': {
      const n = c.bulk.length;
      for (let i = 0; i < n; i++) c.bulk[i] = i & 0xff;
      c.regs[1] = n;
      if (c.invoke(h, 5) !== 0) return 2;
      for (let i = 0; i < n; i++) if (c.bulk[i] !== ((n - 1 - i) & 0xff)) return 4;
      out[0] = 1;
      return 0;
    }
  }
}

/**
 * A script program for ring tests and the ring benchmark. data.role:
 *   'echo'     — drain the submission ring; for each entry [seq, value] push [seq, value * 2] to
 *                the completion ring; stop at seq = -1.
 *   'producer' — push data.count entries in batches of data.batch, collect every completion,
 *                check order and values; out[0] = completions seen, out[1] = elapsed ns,
 *                out[2] = 1 when all were correct.
 */

import { Ring } from '../../src/ipc/ring.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

interface RingData {
  role: 'echo' | 'producer';
  sub: SharedArrayBuffer;
  comp: SharedArrayBuffer;
  capacity: number;
  count: number;
  batch: number;
  out: SharedArrayBuffer;
}

export function main(rt: ThreadRuntime, _args: readonly string[], d: RingData): number {
  const sub = new Ring(d.sub, d.capacity, 2);
  const comp = new Ring(d.comp, d.capacity, 2);
  if (d.role === 'echo') {
    let stop = false;
    while (!stop) {
      const n = sub.drain((at) => {
        const seq = sub.words[at]!;
        if (seq === -1) { stop = true; return; }
        while (!comp.push([seq, sub.words[at + 1]! * 2])) comp.waitForRoom(100);
      });
      if (n === 0) sub.waitForEntries(100);
    }
    return 0;
  }
  const out = new Float64Array(d.out);
  let sent = 0, seen = 0, correct = true;
  const t0 = rt.platform.now();
  while (seen < d.count) {
    let pending = 0;
    while (sent < d.count && pending < d.batch) {
      const at = sub.reserve(pending);
      if (at < 0) break;
      sub.words[at] = sent;
      sub.words[at + 1] = sent + 0.5;
      sent++;
      pending++;
    }
    if (pending > 0) sub.publish(pending);
    const n = comp.drain((at) => {
      if (comp.words[at] !== seen || comp.words[at + 1] !== (seen + 0.5) * 2) correct = false;
      seen++;
    });
    if (n === 0 && pending === 0) comp.waitForEntries(100);
  }
  out[1] = rt.platform.now() - t0;
  while (!sub.push([-1, 0])) sub.waitForRoom(100);
  out[0] = seen;
  out[2] = correct ? 1 : 0;
  return 0;
}

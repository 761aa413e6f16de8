/**
 * A script program for the process-table token test: reads the process table 20 times per
 * phase through its local kernel, and between phases waits for the test (the kernel thread) to
 * revoke the table token. ctrl (Int32Array): [0] phase done (the driver bumps it), [1] go on
 * (the test bumps it). Writes per-phase statistics and whether its own row was seen as JSON in
 * data.out (4-byte length, then UTF-8).
 */

import { LocalKernel } from '../../src/runtime/local-kernel.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer; ctrl: SharedArrayBuffer }): number {
  const lk = new LocalKernel(rt.caller, rt.handles[0]!, rt.handles[1]!);
  const ctrl = new Int32Array(data.ctrl);
  const phases: unknown[] = [];
  for (let phase = 0; phase < 3; phase++) {
    let sawSelf = true;
    for (let i = 0; i < 20; i++) {
      const rows = lk.processTable();
      if (typeof rows === 'number') throw new Error(`processTable: errno ${rows}`);
      const self = rows.find((r) => r.pid === rt.pid);
      sawSelf &&= self !== undefined && self.name === 'table-driver.js' && self.calls > 0;
    }
    phases.push({ ...lk.tableStats, sawSelf });
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    if (phase < 2 && Atomics.wait(ctrl, 1, phase, 10_000) === 'timed-out') throw new Error('the test did not answer');
  }
  const bytes = new TextEncoder().encode(JSON.stringify(phases));
  new DataView(data.out).setUint32(0, bytes.length, true);
  new Uint8Array(data.out, 4, bytes.length).set(bytes);
  return 0;
}

/**
 * A script program that attacks the service protocols and the kernel from inside a TypeScript
 * process: random labels (known ones and not), random message registers (integers, negatives,
 * NaN, infinities, huge values), random bulk bytes with lengths that lie, and handles that are
 * its own, forged (random numbers, stale generations) or 0 (the kernel).
 *
 * Kept away from calls that may rightly wait forever or end the process: console `read`, proc
 * `spawn`/`wait`, vfs `pipe` (a read on a pipe it holds both ends of would wait for itself), and
 * the kernel's `wait`, `channelRead`, `exit`, `retire` and `spawn`; nor the kernel's `close` and
 * `revoke` (it would cut off its own sessions, and the liveness check with them).
 *
 * Checks every call: the transport status is a kernel Status, and an answered call's register 0
 * is an integer (a service's errno or a kernel Status). Every LIVENESS calls it makes a well-formed
 * VFS call (`openRoot` + `close`), which must succeed: the services are still serving.
 * data: { calls, seed, out } — writes JSON { calls, answered, transport: {status: n}, invalid,
 * firstInvalid, livenessFailures } into out (4-byte length, then UTF-8).
 */

import { Status } from '../../src/abi/status.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';
import { ProtocolClient } from '../../src/ipc/protocol-client.js';
import { vfsProtocol } from '../../src/abi/protocols/vfs.js';

const LIVENESS = 1000;
/**
 * (target, label) pairs never sent: target 0 = kernel, 1 = vfs, 2 = console, 3 = proc. Among them
 * the calls that end or stop the driver itself (kernel exit, retire, raise) or block it for good.
 */
const EXCLUDED = new Set(['0:1', '0:3', '0:12', '0:40', '0:42', '0:43', '0:46', '0:48', '1:20', '2:2', '3:1', '3:2']);
const STATUS_NAMES = new Map<number, string>(Object.entries(Status).map(([name, n]) => [n, name]));

export function main(rt: ThreadRuntime, _args: readonly string[], data: { calls: number; seed: number; out: SharedArrayBuffer }): number {
  let s = (data.seed * 0x9e3779b9 + 1) >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
  const below = (n: number): number => rand() % n;
  const value = (): number => {
    switch (below(10)) {
      case 0: return 0;
      case 1: return -1;
      case 2: return NaN;
      case 3: return Infinity;
      case 4: return 2 ** 53 + below(5);
      case 5: return -(2 ** 31);
      case 6: return rand() * 2 ** 20 + rand();
      case 7: return rand() / 7;
      default: return below(64);
    }
  };
  const handles = rt.handles;
  const vfs = new ProtocolClient(vfsProtocol, rt.caller, handles[0] ?? 0);
  const transport: Record<string, number> = {};
  let answered = 0;
  let invalid = 0;
  let firstInvalid = '';
  let livenessFailures = 0;
  const regs = rt.caller.regs;
  const bulk = rt.caller.bulk;

  for (let i = 0; i < data.calls; i++) {
    if (i % LIVENESS === LIVENESS - 1) {
      const root = vfs.call('openRoot', { path: '/' });
      if (root.transport !== Status.OK || root.status !== 0) livenessFailures++;
      else vfs.call('close', { fid: root.reply!.fid });
    }
    const target = below(5); // 0 kernel, 1-3 own handles, 4 forged
    const label = below(4) === 0 ? rand() % 1000 : below(60);
    if (target <= 3 && EXCLUDED.has(`${target}:${label}`)) continue;
    for (let r = 0; r < regs.length; r++) regs[r] = below(3) === 0 ? value() : below(4) === 0 ? bulk.length + below(100) : below(256);
    const fill = below(4) === 0 ? below(bulk.length) : below(64);
    for (let b = 0; b < fill; b++) bulk[b] = rand() & 0xff;
    let status: Status;
    if (target === 0) status = rt.caller.invokeKernel(label);
    else if (target <= 3) status = rt.caller.invoke(handles[target - 1] ?? 0, label);
    else status = rt.caller.invoke(below(2) === 0 ? rand() : ((handles[below(3)] ?? 0) ^ (1 << (12 + below(8)))), label);
    const name = STATUS_NAMES.get(status) ?? String(status);
    transport[name] = (transport[name] ?? 0) + 1;
    if (!STATUS_NAMES.has(status)) {
      if (invalid++ === 0) firstInvalid = `target ${target} label ${label}: transport ${status}`;
      continue;
    }
    if (status !== Status.OK) continue;
    answered++;
    const r0 = regs[0]!;
    if (!Number.isInteger(r0)) {
      if (invalid++ === 0) firstInvalid = `target ${target} label ${label}: register 0 is ${r0}`;
    }
  }
  const json = new TextEncoder().encode(JSON.stringify({ calls: data.calls, answered, transport, invalid, firstInvalid, livenessFailures }));
  new DataView(data.out).setUint32(0, json.length, true);
  new Uint8Array(data.out, 4, json.length).set(json);
  return 0;
}

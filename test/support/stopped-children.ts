/**
 * A script program for tests of proc across restarts: has proc start `data.count` copies of
 * raise.wasm that stop themselves (alive, parked, taking no CPU until SIGCONT), writes their pids
 * as JSON into data.out (a SharedArrayBuffer: 4-byte length, then UTF-8) and ends without waiting
 * for them.
 */

import { ProtocolClient } from '../../src/ipc/protocol-client.js';
import { procProtocol } from '../../src/abi/protocols/proc.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer; count: number }): number {
  const proc = new ProtocolClient(procProtocol, rt.caller, rt.handles[2]!);
  const pids: number[] = [];
  for (let i = 0; i < data.count; i++) {
    const r = proc.call('spawn', { program: 0, path: '/bin/raise.wasm', args: JSON.stringify(['raise', 'stop']), env: '[]', preopens: '[]', inherit: '', pgid: 0, memoryBytes: 0, openFiles: 0, origin: '', nonce: 0 });
    if (r.status !== 0) return 1;
    pids.push(r.reply!.pid);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(pids));
  new DataView(data.out).setUint32(0, bytes.length, true);
  new Uint8Array(data.out, 4, bytes.length).set(bytes);
  return 0;
}

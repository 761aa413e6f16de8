/**
 * A script program for the test of a spawn asked again across a restart of proc
 * (proc-restart.test.ts): has proc start raise.wasm (it stops itself: alive, taking no CPU) with
 * nonce 77, tells the host (word 0 of data.sync := 1) and waits until the host has restarted proc
 * (word 0 := 2); then asks the same spawn again with nonce 77, and once more with nonce 0. Writes
 * the three answers as JSON into data.out (a SharedArrayBuffer: 4-byte length, then UTF-8).
 */

import { ProtocolClient } from '../../src/ipc/protocol-client.js';
import { procProtocol } from '../../src/abi/protocols/proc.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer; sync: SharedArrayBuffer }): number {
  const proc = new ProtocolClient(procProtocol, rt.caller, rt.handles[2]!);
  const spawn = (nonce: number): number => {
    const r = proc.call('spawn', { program: 0, path: '/bin/raise.wasm', args: JSON.stringify(['raise', 'stop']), env: '[]', preopens: '[]', inherit: '', pgid: 0, memoryBytes: 0, openFiles: 0, origin: '', nonce });
    return r.transport === 0 && r.status === 0 ? r.reply!.pid : -(r.status || 1000 + r.transport);
  };
  const sync = new Int32Array(data.sync);
  const first = spawn(77);
  Atomics.store(sync, 0, 1);
  Atomics.notify(sync, 0);
  while (Atomics.load(sync, 0) !== 2) Atomics.wait(sync, 0, 1, 1000);
  const again = spawn(77);
  const other = spawn(0);
  const bytes = new TextEncoder().encode(JSON.stringify({ first, again, other }));
  new DataView(data.out).setUint32(0, bytes.length, true);
  new Uint8Array(data.out, 4, bytes.length).set(bytes);
  return 0;
}

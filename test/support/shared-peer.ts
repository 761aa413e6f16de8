/**
 * A script program for the Memory and Notification tests. handles[0] is a Memory (MAP right),
 * handles[1] a notification. data.role:
 *   'writer' — map the Memory, fill the first data.size bytes with a pattern, signal bit 1;
 *              then wait for bit 2 (the reader's answer) and check the reader's reply at offset 0.
 *   'reader' — map the Memory, wait for bit 1, check the pattern, write 0xAB at offset 0, signal bit 2.
 * Exit code 0 on success; a distinct code per failed step.
 */

import { kernelProtocol } from '../../src/abi/protocols/kernel.js';
import { ProtocolClient } from '../../src/ipc/protocol-client.js';
import { signalNotification, waitNotification } from '../../src/ipc/notification-ops.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { role: 'writer' | 'reader'; size: number }): number {
  const kernel = new ProtocolClient(kernelProtocol, rt.caller, 0);
  const [memory, note] = rt.handles as [number, number];
  const m = kernel.call('memoryMap', { handle: memory });
  if (m.transport !== 0 || m.status !== 0) return 10;
  const buffer = rt.platform.receiveMemory(m.reply!.id);
  if (!buffer || buffer.byteLength !== m.reply!.size) return 11;
  const bytes = new Uint8Array(buffer);
  const now = (): number => rt.platform.now();
  if (data.role === 'writer') {
    for (let i = 0; i < data.size; i++) bytes[i] = (i * 7 + 3) & 0xff;
    if (signalNotification(rt.arena, rt.pid, note, 1) !== 0) return 12;
    const w = waitNotification(rt.arena, rt.pid, note, 2, 10_000, now);
    if (w.status !== 0 || w.bits !== 2) return 13;
    return bytes[0] === 0xab ? 0 : 14;
  }
  const w = waitNotification(rt.arena, rt.pid, note, 1, 10_000, now);
  if (w.status !== 0 || w.bits !== 1) return 20;
  for (let i = 1; i < data.size; i++) if (bytes[i] !== ((i * 7 + 3) & 0xff)) return 21;
  bytes[0] = 0xab;
  return signalNotification(rt.arena, rt.pid, note, 2) === 0 ? 0 : 22;
}

/**
 * A script program for IPC tests: serves handles[0] on port 1 with an echo service.
 * Labels: 1 = echo (reply registers = request registers, status 0), 2 = add (r1 + r2 → r1),
 * 3 = record order (r1 is appended to the server's log; reply r1 = position in the log),
 * 4 = die mid-call (the process exits without replying), 5 = reverse the first r1 bulk bytes.
 */

import type { CallContext, Service } from '../../src/ipc/call-context.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime): number {
  const log: number[] = [];
  const service: Service = {
    name: 'echo',
    dispatch(call: CallContext) {
      switch (call.label) {
        case 1: call.regs[0] = 0; return;
        case 2: call.regs[1] = call.regs[1]! + call.regs[2]!; call.regs[0] = 0; return;
        case 3: log.push(call.regs[1]!); call.regs[1] = log.length - 1; call.regs[0] = 0; return;
        case 4: rt.exit({ kind: 'crashed', message: 'echo server asked to die' });
        // falls through: exit never returns
        case 5: call.bulk.subarray(0, call.regs[1]!).reverse(); call.regs[0] = 0; return;
        default: call.regs[0] = 1;
      }
    },
  };
  const server = rt.serve(rt.handles[0]!, 1);
  if (typeof server === 'number') return 10 + server;
  server.register(1, service);
  server.runBlocking();
  return 0;
}

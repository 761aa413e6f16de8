/**
 * The console's factory: the host's standard streams, and — when it holds a proc handle — ^C and
 * ^Z sent to the foreground process group through proc: from the kernel thread, asynchronous
 * calls on the thread's second slot (one at a time, in order); from a worker, plain calls.
 */

import type { ServiceContext, ServiceKind } from '../contract/kind.js';
import { ProtocolClient } from '../../ipc/protocol-client.js';
import { procProtocol } from '../../abi/protocols/proc.js';
import type { ConsoleInstanceConfig } from './declaration.js';
import { consoleService } from './console.js';

function groupSignaller(ctx: ServiceContext<ConsoleInstanceConfig>, handle: number): (pgid: number, signal: number) => void {
  if (!ctx.asyncCaller) {
    const proc = new ProtocolClient(procProtocol, ctx.caller, handle);
    return (pgid, signal) => { proc.call('signalGroup', { pgid, signal }); };
  }
  const proc = new ProtocolClient(procProtocol, ctx.asyncCaller, handle);
  let chain: Promise<unknown> = Promise.resolve();
  return (pgid, signal) => {
    chain = chain.then(() => proc.callAsync('signalGroup', { pgid, signal }));
  };
}

export const consoleKind: ServiceKind<ConsoleInstanceConfig> = {
  create(ctx) {
    if (!ctx.platform.stdio) throw new Error('console: this platform has no standard streams');
    const procHandle = ctx.uses['proc'];
    const signalGroup = procHandle === undefined ? undefined : groupSignaller(ctx, procHandle);
    const service = consoleService(ctx.platform.stdio, { ...(signalGroup ? { signalGroup } : {}), discipline: ctx.config.discipline === true });
    return { service, evented: true, stop: () => service.stop() };
  },
};

/** The net service's factory: bind the listening sockets, serve programs' sessions on an event loop. */

import type { ServiceKind } from '../contract/kind.js';
import type { NetInstanceConfig } from './declaration.js';
import { Net, netService } from './net.js';

export const netKind: ServiceKind<NetInstanceConfig> = {
  create(ctx) {
    if (!ctx.platform.net) throw new Error('net: this platform has no host network');
    const net = new Net(ctx.platform.net, ctx.config.listen ?? []);
    const port = ctx.config.port;
    return { service: netService(net), evented: true, ready: net.ready(), stop: () => net.stop(), sessionClosed: (p, badge) => { if (p === port) net.endSession(badge); } };
  },
};

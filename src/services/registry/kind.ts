/** The registry service's factory: reads the registry through the host's HTTP, on an event loop. */

import type { ServiceKind } from '../contract/kind.js';
import type { RegistryInstanceConfig } from './declaration.js';
import { Registry, registryService } from './registry.js';

export const registryKind: ServiceKind<RegistryInstanceConfig> = {
  create(ctx) {
    const http = ctx.platform.http;
    if (!http) throw new Error('registry: this platform has no host HTTP');
    const registry = new Registry(http, ctx.config.url);
    const port = ctx.config.port;
    return {
      service: registryService(registry), evented: true, stop: () => registry.stop(),
      sessionClosed: (p, badge) => { if (p === port) registry.endSession(badge); },
    };
  },
};

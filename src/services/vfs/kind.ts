/**
 * The VFS's factory: mount each file system it was given a handle to; end a session when its
 * last handle goes; take over the pipes of the VFS before it (pipe-table.ts).
 */

import type { ServiceKind } from '../contract/kind.js';
import type { VfsInstanceConfig } from './declaration.js';
import { Vfs } from './vfs.js';
import { PipeRings } from './pipe-rings.js';
import { ProtocolClient } from '../../ipc/protocol-client.js';
import { kernelProtocol } from '../../abi/protocols/kernel.js';
import { pipeCompletions, vfsService } from './vfs-service.js';

export const vfsKind: ServiceKind<VfsInstanceConfig> = {
  create(ctx) {
    const c = ctx.config;
    const random = new Uint32Array(2);
    const newToken = (): number => {
      ctx.platform.randomFill(new Uint8Array(random.buffer));
      return (random[0]! & 0x1fffff) * 0x1_0000_0000 + random[1]!;
    };
    const mounts = c.mounts.map((m) => {
      const handle = ctx.uses[m.fs];
      if (handle === undefined) throw new Error(`vfs: mount ${m.path} names ${m.fs}, which this service was not given`);
      return { path: m.path, handle, cacheLookups: (m.cacheLookups ?? false) && c.lookupCache !== false, hostDescriptors: m.hostDescriptors ?? false };
    });
    const rings = new PipeRings(ctx.caller.arena, c.rings);
    const vfs = new Vfs(ctx.caller, mounts, newToken, pipeCompletions, c.pipeBytes, c.hostFiles, rings);
    const kernel = new ProtocolClient(kernelProtocol, ctx.caller, 0);
    // Pipes taken over from the VFS before this one (pipe-table.ts): sessions that ended while no
    // VFS served were never told to this one. Once it serves (its first idle round), ask the
    // kernel which are left; every session that ends after that is told as usual.
    let pruned = false;
    const pruneOrphans = (): void => {
      if (pruned) return;
      if (vfs.tookOverPipes()) {
        const r = kernel.call('sessions', { port: c.port });
        if (r.transport !== 0 || r.status !== 0) return;
        vfs.liveSessions(new Set(JSON.parse(r.reply!.badges) as number[]));
      }
      pruned = true;
    };
    return {
      service: vfsService(vfs),
      sessionClosed: (p, badge) => { if (p === c.port) vfs.endSession(badge); },
      idle: () => {
        vfs.recheckPipes();
        pruneOrphans();
      },
    };
  },
};

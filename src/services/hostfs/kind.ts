/** hostfs's factory: the host directory `root`, confined, with its guards and descriptor share. */

import type { ServiceKind } from '../contract/kind.js';
import { fileSystemService } from '../fs/fs-service.js';
import { firstNode, pageCacheOf } from '../fs/fs-instance.js';
import type { HostfsInstanceConfig } from './declaration.js';
import { Hostfs } from './hostfs.js';
import { protectedSetFrom } from './hostfs-guard.js';
import type { Arena } from '../../ipc/arena.js';

/** The arena word `index` (one of the change words) as hostfs's exact-times mark. */
function exactTimesWord(arena: Arena, index: number): { word: number; mark(): void } {
  const word = arena.changeWord(index);
  return { word, mark: () => void Atomics.store(arena.i32, word, 1) };
}

export const hostfsKind: ServiceKind<HostfsInstanceConfig> = {
  create(ctx) {
    if (!ctx.platform.hostFs) throw new Error('hostfs: this platform has no host file system');
    const c = ctx.config;
    const fs = new Hostfs(ctx.platform.hostFs, c.root, {
      name: c.name, readOnly: c.readOnly === true, clock: () => ctx.platform.realtime(), firstNode: firstNode(ctx.platform),
      ...(c.maxDescriptors !== undefined ? { maxDescriptors: c.maxDescriptors } : {}),
      protect: protectedSetFrom(c.protect),
      ...(c.timesWord !== undefined ? { exactTimes: exactTimesWord(ctx.caller.arena, c.timesWord) } : {}),
    });
    const cache = pageCacheOf(ctx.caller, c.cache);
    // Its copies withdrawn and unpinned before its descriptors close (decision 026).
    return { service: fileSystemService(fs, c.name, 'hostfs', cache), stop: () => { cache?.revokeAll(); fs.stop(); } };
  },
};

/** diskfs's factory: mount (or make) its image, locked for this system, and serve it. */

import type { ServiceKind } from '../contract/kind.js';
import { fileSystemService } from '../fs/fs-service.js';
import { changeWordOf, pageCacheOf } from '../fs/fs-instance.js';
import type { DiskfsInstanceConfig } from './declaration.js';
import { DEFAULT_IMAGE_BYTES, mountDiskImage } from './diskfs-service.js';

export const diskfsKind: ServiceKind<DiskfsInstanceConfig> = {
  create(ctx) {
    if (!ctx.platform.hostFs) throw new Error('diskfs: this platform has no host file system');
    const c = ctx.config;
    if (!c.image.startsWith('/')) throw new Error('diskfs: config.image must be an absolute host path');
    const { fs } = mountDiskImage(ctx.platform.hostFs, c.image, c.size ?? DEFAULT_IMAGE_BYTES, () => ctx.platform.realtime(), {
      now: () => ctx.platform.now() / 1e6,
      ...(c.commitMs !== undefined ? { commitMs: c.commitMs } : {}),
    }, c.lockOwner);
    return { service: fileSystemService(fs, c.name, 'diskfs', pageCacheOf(ctx.caller, c.cache), changeWordOf(ctx.caller, c.changeWord, c.changeSlots !== false)), idle: () => fs.tick(), stop: () => fs.unmount() };
  },
  hostFiles: (config) => [config.image],
};

/**
 * tmpfs's factory: a tmpfs with its initial tree, on its slice of the page cache, with its change
 * word; kept in the shared memory the system gave it (`keep`), if any, so a restart re-attaches it.
 */

import type { ServiceKind } from '../contract/kind.js';
import { fileSystemService } from '../fs/fs-service.js';
import { changeWordOf, firstNode, pageCacheOf } from '../fs/fs-instance.js';
import type { TmpfsInstanceConfig } from './declaration.js';
import { KeptTmpfs } from './kept-tmpfs.js';

export const tmpfsKind: ServiceKind<TmpfsInstanceConfig> = {
  create: (ctx) => {
    const c = ctx.config;
    const fs = new KeptTmpfs(() => ctx.platform.realtime(), {
      name: c.name,
      dirs: c.dirs ?? [],
      files: c.files ?? {},
      ...(c.maxBytes !== undefined ? { maxBytes: c.maxBytes } : {}),
      ...(c.maxMetadataBytes !== undefined ? { maxMetadataBytes: c.maxMetadataBytes } : {}),
      firstNode: firstNode(ctx.platform),
    }, c.keep ?? null);
    return {
      service: fileSystemService(fs, c.name, 'tmpfs', pageCacheOf(ctx.caller, c.cache), changeWordOf(ctx.caller, c.changeWord, c.changeSlots !== false)),
      idle: () => fs.idle(),
    };
  },
};

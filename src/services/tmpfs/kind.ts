/** tmpfs's factory: a tmpfs with its initial tree, on its slice of the page cache, with its change word. */

import type { ServiceKind } from '../contract/kind.js';
import { changeWordOf, firstNode, pageCacheOf } from '../fs/fs-instance.js';
import type { TmpfsInstanceConfig } from './declaration.js';
import { tmpfsService } from './tmpfs.js';

export const tmpfsKind: ServiceKind<TmpfsInstanceConfig> = {
  create: (ctx) => ({
    service: tmpfsService(() => ctx.platform.realtime(), {
      name: ctx.config.name,
      dirs: ctx.config.dirs ?? [],
      files: ctx.config.files ?? {},
      ...(ctx.config.maxBytes !== undefined ? { maxBytes: ctx.config.maxBytes } : {}),
      ...(ctx.config.maxMetadataBytes !== undefined ? { maxMetadataBytes: ctx.config.maxMetadataBytes } : {}),
      firstNode: firstNode(ctx.platform),
    }, pageCacheOf(ctx.caller, ctx.config.cache), changeWordOf(ctx.caller, ctx.config.changeWord)),
  }),
};

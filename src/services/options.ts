/**
 * Every kind of service's manifest options (services/KIND/options.ts, zod schemas), by kind: what
 * the manifest schema is assembled from. Loaded only where a manifest is validated.
 */

import { consoleOptions } from './console/options.js';
import { procOptions } from './proc/options.js';
import { vfsOptions } from './vfs/options.js';
import { tmpfsOptions } from './tmpfs/options.js';
import { devfsOptions } from './devfs/options.js';
import { hostfsOptions } from './hostfs/options.js';
import { diskfsOptions } from './diskfs/options.js';
import { netOptions } from './net/options.js';
import { registryOptions } from './registry/options.js';

export const KIND_OPTIONS = {
  console: consoleOptions,
  proc: procOptions,
  vfs: vfsOptions,
  tmpfs: tmpfsOptions,
  devfs: devfsOptions,
  hostfs: hostfsOptions,
  diskfs: diskfsOptions,
  net: netOptions,
  registry: registryOptions,
} as const;

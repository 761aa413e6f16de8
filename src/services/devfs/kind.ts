/** devfs's factory. */

import type { ServiceKind } from '../contract/kind.js';
import type { DevfsInstanceConfig } from './declaration.js';
import { devfsService } from './devfs.js';

export const devfsKind: ServiceKind<DevfsInstanceConfig> = {
  create: (ctx) => ({ service: devfsService(() => ctx.platform.realtime()) }),
};

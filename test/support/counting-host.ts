/**
 * A Keel booted on Node whose thread host the test can look into (workers started, threads
 * reused, modules offered): the library's own boot, with the NodeHost it makes kept.
 */

import { Keel } from '../../src/api/keel.js';
import { nodeKeelHost } from '../../src/platform/node/index.js';
import { NodeHost } from '../../src/platform/node/node-host.js';

export async function bootCounting(options: Parameters<typeof Keel.boot>[1] = {}): Promise<{ keel: Keel; host: () => NodeHost }> {
  let made: NodeHost | null = null;
  const keel = await Keel.boot({ ...nodeKeelHost, makeSystemHost: () => (made = new NodeHost()) }, options);
  return { keel, host: () => made! };
}

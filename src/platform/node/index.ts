/**
 * The package's entry point on Node.js: `import { Keel } from 'keel'`.
 * `bootKeel(options)` boots a system on this host (workers, host files, stdio, TCP).
 */

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Keel, type BootOptions, KeelError, type RunOptions, type RunResult, type ExitStatus, type Manifest } from '../../api/keel.js';
import { NodeHost } from './node-host.js';
import { nodeThreadPlatform } from './node-thread-platform.js';

const nodeKeelHost = {
  makeSystemHost: () => new NodeHost(),
  platform: nodeThreadPlatform(null, true),
  directory(path: string): string {
    const abs = realpathSync(path);
    if (!statSync(abs).isDirectory()) throw new Error('not a directory');
    return abs;
  },
  defaultManifest: fileURLToPath(new URL('../../../../manifests/default.yaml', import.meta.url)),
  readFile(path: string): Uint8Array {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
};

/** Boot a Keel system on this Node.js process. */
export function bootKeel(options: BootOptions = {}): Promise<Keel> {
  return Keel.boot(nodeKeelHost, options);
}

export { Keel, KeelError };
export type { BootOptions, RunOptions, RunResult, ExitStatus, Manifest };

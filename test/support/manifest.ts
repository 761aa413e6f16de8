/**
 * The manifest the system tests boot with: KEEL_MANIFEST (a path, as for the keel command), else
 * Keel's default. `npm run test:placements` runs the system tests again under
 * manifests/isolated.yaml and manifests/kernel.yaml, so the same tests check every isolation class.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../src/manifest/manifest-schema.js';
import { parseManifest } from '../../src/manifest/manifest.js';
import { type SystemAdditions, systemFromManifest } from '../../src/manifest/manifest-system.js';
import type { SystemConfig } from '../../src/manifest/system-config.js';

export const MANIFESTS = fileURLToPath(new URL('../../../manifests/', import.meta.url));

export function readManifest(path: string): Manifest {
  return parseManifest(readFileSync(path, 'utf8'), path);
}

export function testManifest(): Manifest {
  return readManifest(process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`);
}

/** The system the tests' manifest describes, plus `add` (host directories, a session's /bin). */
export function testSystem(add: SystemAdditions = {}): SystemConfig {
  return systemFromManifest(testManifest(), add);
}

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

/**
 * The tests' manifest with every service in a worker restarted whenever it ends, at once, without
 * limit (the restart tests kill workers again and again). A service in the kernel thread cannot
 * be restarted (it fails with the kernel): it is left as it is.
 */
export function restartableManifest(): Manifest {
  const m = testManifest();
  const restart = { policy: 'always', max: 1_000_000, windowMs: 1000, backoffMs: 1, hangMs: 10_000 };
  const services = Object.fromEntries(Object.entries(m.services).map(([name, s]) => [name, s.class === 'kernel' ? s : { ...s, restart }]));
  return { ...m, services } as Manifest;
}

/** The system the tests' manifest describes, plus `add` (host directories, a session's /bin). */
export function testSystem(add: SystemAdditions = {}): SystemConfig {
  return systemFromManifest(testManifest(), add);
}

/**
 * The manifest a `keel` command boots with: `--manifest FILE`, else the host's default
 * (KEEL_MANIFEST, else the manifest shipped with Keel), read and validated; and booting the
 * system it describes. Errors are printed on the host's stderr and come back as exit codes.
 */

import { type Manifest } from '../system/manifest-schema.js';
import { ManifestError, parseManifestBytes } from '../system/manifest.js';
import { type SystemAdditions, systemFromManifest } from '../system/manifest-system.js';
import { System } from '../system/system.js';
import type { CliHost } from './run-command.js';

export function loadManifest(host: CliHost, path: string | undefined): Manifest | { error: string } {
  const file = path ?? host.manifestPath;
  const bytes = host.readFile(file);
  if (!(bytes instanceof Uint8Array)) return { error: `keel: manifest ${file}: ${bytes.error}` };
  try {
    return parseManifestBytes(bytes, file);
  } catch (e) {
    if (e instanceof ManifestError) return { error: `keel: ${e.message}` };
    throw e;
  }
}

/** Boot the manifest at `path` (default: the host's) with `add`: the system, or the exit code (2: bad manifest, 1: boot failed). */
export async function bootFromManifest(host: CliHost, path: string | undefined, add: SystemAdditions): Promise<System | number> {
  const manifest = loadManifest(host, path);
  if ('error' in manifest) {
    host.stderr(manifest.error);
    return 2;
  }
  try {
    return await System.boot(host.makeSystemHost(), host.platform, systemFromManifest(manifest, add));
  } catch (e) {
    host.stderr(`keel: cannot boot: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

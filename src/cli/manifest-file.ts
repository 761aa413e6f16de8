/**
 * The manifest a `keel` command reads without booting it (`keel check`): the file, read and
 * validated, or the line to print.
 */

import { type Manifest } from '../manifest/manifest-schema.js';
import { ManifestError, parseManifestBytes } from '../manifest/manifest.js';
import type { CliHost } from './cli-host.js';

export function loadManifest(host: CliHost, path: string | undefined): Manifest | { error: string } {
  const file = path ?? host.manifestPath;
  let bytes: Uint8Array;
  try {
    bytes = host.keel.readFile(file);
  } catch (e) {
    return { error: `keel: manifest ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    return parseManifestBytes(bytes, file);
  } catch (e) {
    if (e instanceof ManifestError) return { error: `keel: ${e.message}` };
    throw e;
  }
}

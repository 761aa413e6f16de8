/**
 * The manifest a `keel` command boots with: `--manifest FILE`, else the host's default
 * (KEEL_MANIFEST, else the manifest shipped with Keel), read and validated. Errors come back as
 * the lines to print.
 */

import { type Manifest } from '../system/manifest-schema.js';
import { ManifestError, parseManifest } from '../system/manifest.js';
import type { CliHost } from './run-command.js';

export function loadManifest(host: CliHost, path: string | undefined): Manifest | { error: string } {
  const file = path ?? host.manifestPath;
  const bytes = host.readFile(file);
  if (!(bytes instanceof Uint8Array)) return { error: `keel: manifest ${file}: ${bytes.error}` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: `keel: manifest ${file}: not UTF-8 text` };
  }
  try {
    return parseManifest(text, file);
  } catch (e) {
    if (e instanceof ManifestError) return { error: `keel: ${e.message}` };
    throw e;
  }
}

/**
 * Where Keel's package is on this host: the nearest folder above this module that holds Keel's
 * package.json. The same answer whether the module runs from the compiled tree
 * (dist/src/platform/node/) or from a bundle (dist/bundle/), so the shipped manifests, the
 * compiled ones and the package's version are found either way.
 */

import { readFileSync } from 'node:fs';

function findRoot(from: URL): URL {
  for (let dir = from; ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown };
      if (pkg.name === 'keel') return dir;
    } catch {
      // no package.json here, or not Keel's: look further up
    }
    if (dir.pathname === '/') throw new Error(`Keel's package.json was not found above ${from.href}`);
  }
}

/** The package root, as a directory URL (ending in `/`). */
export const PACKAGE_ROOT: URL = findRoot(new URL('.', import.meta.url));

/** Keel's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string }).version;
}

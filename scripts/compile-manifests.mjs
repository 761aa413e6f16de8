#!/usr/bin/env node
// Part of `npm run build`: validate every manifest Keel ships (manifests/*.yaml) with Keel's own
// validator (dist/src/manifest/manifest.js: the YAML parser and the schema) and write
// dist/manifests/NAME.json holding the validated manifest and the YAML text it came from.
// Booting a shipped manifest then reads that JSON (platform/node/index.ts) instead of
// loading the parser and the schema library, as long as the YAML is unchanged (compared as text:
// a hash would cost every boot the load of node:crypto, ~3-7 ms); a manifest that
// does not validate fails the build with its problems.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { parseManifestBytes } = await import(join(repo, 'dist/src/manifest/manifest.js'));
const out = join(repo, 'dist/manifests');
mkdirSync(out, { recursive: true });
for (const file of readdirSync(join(repo, 'manifests')).filter((f) => f.endsWith('.yaml')).sort()) {
  const bytes = readFileSync(join(repo, 'manifests', file));
  const manifest = parseManifestBytes(new Uint8Array(bytes), `manifests/${file}`);
  writeFileSync(join(out, file.replace(/\.yaml$/, '.json')), JSON.stringify({ yaml: bytes.toString('utf8'), manifest }));
}

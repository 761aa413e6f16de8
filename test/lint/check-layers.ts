/**
 * `npm run layers`: checks src/ against the layering (.dependency-cruiser.mjs and the directory
 * cycle check of layer-check.ts). Prints one line per violation and exits 1 if there is any.
 * Needs the build (`npm run build`), as every script under dist/ does.
 */

import { checkLayers, describe, repoRoot } from './layer-check.js';

const violations = await checkLayers(repoRoot);
for (const v of violations) process.stdout.write(`${describe(v)}\n`);
process.stdout.write(violations.length === 0
  ? 'layers: src/ keeps its layering (no upward import, no cycle)\n'
  : `layers: ${violations.length} violation(s); see docs/architecture.md, "Layers"\n`);
process.exitCode = violations.length === 0 ? 0 : 1;

#!/usr/bin/env node
// The `keel` command. The implementation is compiled TypeScript in dist/ (npm run build).
import '../dist/src/platform/node/cli-main.js';

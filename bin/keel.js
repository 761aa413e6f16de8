#!/usr/bin/env node
// The `keel` command: the bundled CLI (npm run build: dist/bundle/keel.cjs). CommonJS (see
// bin/package.json), so starting the command needs neither Node's ESM loader nor its CommonJS
// export scan of the bundle — a good part of a short command's start.
require('../dist/bundle/keel.cjs');

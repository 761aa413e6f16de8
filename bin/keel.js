#!/usr/bin/env node
// The `keel` command: the bundled CLI (npm run build: dist/bundle/keel.cjs). CommonJS (see
// bin/package.json), so starting the command needs neither Node's ESM loader nor its CommonJS
// export scan of the bundle — a good part of a short command's start. A command that will run a
// program first starts its worker (and `boot`, a worker for the default manifest's services),
// which Node brings up on the other core while this thread loads and boots Keel
// (src/platform/node/early-worker.ts).
const command = process.argv[2];
const early = command === 'run' ? ['program'] : command === 'boot' ? ['program', 'service'] : null;
if (early) require('../dist/bundle/early-worker.cjs').startEarlyWorkers(early);
require('../dist/bundle/keel.cjs');

#!/usr/bin/env node
// The `keel` command: the bundled CLI (npm run build: dist/bundle/keel.cjs). CommonJS (see
// bin/package.json), so starting the command needs neither Node's ESM loader nor its CommonJS
// export scan of the bundle — a good part of a short command's start. A command that will run a
// program first starts its worker (and `boot`, a worker for the default manifest's services),
// which Node brings up on the other core while this thread loads and boots Keel
// (src/platform/node/early-worker.ts).
// A service worker only where the manifest is known to want one: `boot` with Keel's default
// (default.yaml coalesces the services in a worker). run.yaml has none, and an early worker nothing
// takes costs a short run more than it saves (measured: +38 ms for kernel.yaml).
// `boot` runs the shell first: its worker loads the shell's code while it waits.
// KEEL_TRACE_START=1: start-up phase marks on stderr (src/platform/node/start-trace.ts).
const mark = process.env.KEEL_TRACE_START === '1'
  ? (phase) => require('node:fs').writeSync(2, `keel-start ${(performance.timeOrigin + performance.now()).toFixed(2)} main ${phase}\n`)
  : () => {};
mark('command');
const command = process.argv[2];
const defaultManifest = !process.argv.includes('--manifest') && !process.env.KEEL_MANIFEST;
const early = command === 'run' ? ['program'] : command === 'boot' ? (defaultManifest ? ['program', 'service'] : ['program']) : null;
if (early) require('../dist/bundle/early-worker.cjs').startEarlyWorkers(early, command === 'boot' ? ['sh'] : []);
mark('workers');
require('../dist/bundle/keel.cjs');

/**
 * Node entry of the `keel` command (bin/keel.js imports this). Supplies the host side — the
 * library's Node host, stderr and stdout — and exits with the status keelMain returns. An
 * unexpected error prints one line, never a stack trace (set KEEL_DEBUG=1 to see it).
 */

import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { keelMain } from '../../cli/keel-cli.js';
import type { CliHost } from '../../cli/cli-host.js';
import { MANIFESTS_DIR, nodeKeelHost } from './index.js';
import { packageVersion } from './package-root.js';
import { npmRegistry } from './npm-config.js';
import { startMark } from './start-trace.js';

startMark('loaded');

/** An image under ~/.keel (the directory made if needed), or $VARIABLE's (none: no image). */
function keelImage(variable: string, file: string): string | null {
  const given = process.env[variable];
  if (given !== undefined) return given === '' || given === 'none' ? null : resolve(given);
  const dir = join(homedir(), '.keel');
  mkdirSync(dir, { recursive: true });
  return join(dir, file);
}

const host: CliHost = {
  keel: nodeKeelHost,
  stderr(line) {
    process.stderr.write(line + '\n');
  },
  stdout(line) {
    process.stdout.write(line + '\n');
  },
  manifestPath: nodeKeelHost.defaultManifest,
  runManifestPath: process.env['KEEL_MANIFEST'] || `${MANIFESTS_DIR}run.yaml`,
  homeImage: () => keelImage('KEEL_HOME_IMAGE', 'home.img'),
  usrImage: () => keelImage('KEEL_USR_IMAGE', 'usr.img'),
  registry: npmRegistry,
  term: process.env['TERM'] ?? 'dumb',
  mark: startMark,
  // keelMain's status goes straight to process.exit (below), which ends the workers with it.
  exitsAfter: true,
  // Fault injection from outside (test/system/restart.test.ts): with KEEL_FAULT_SIGNAL=1, each
  // SIGUSR2 sent to the keel process kills the worker that runs the VFS.
  ...(process.env['KEEL_FAULT_SIGNAL'] === '1' ? {
    onFaultSignal(inject: () => void): () => void {
      process.on('SIGUSR2', inject);
      return () => { process.off('SIGUSR2', inject); };
    },
  } : {}),
};


keelMain(host, process.argv.slice(2), packageVersion()).then(
  (code) => {
    startMark('exit');
    process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`keel: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env['KEEL_DEBUG']) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    process.exit(70);
  },
);

/**
 * Run a WASI program under the `keel/wasi` drop-in (src/platform/node/wasi.ts), in a process of
 * its own: the drop-in's start() runs the program on the caller's thread, so the red-team driver
 * cannot call it from its own. The same command line as test/support/node-wasi-run.ts:
 *
 *   node keel-wasi-run.js [--dir HOST[::GUEST]]... PROGRAM [ARGS...]
 *
 * Exits with the program's exit code; a trap or a refusal is one line on stderr and exit 1.
 */

import { readFileSync } from 'node:fs';
import { WASI } from '../../src/platform/node/wasi.js';

const argv = process.argv.slice(2);
const preopens: Record<string, string> = {};
let i = 0;
for (; argv[i] === '--dir'; i += 2) {
  const spec = argv[i + 1]!;
  const k = spec.indexOf('::');
  if (k < 0) preopens[spec] = spec;
  else preopens[spec.slice(k + 2)] = spec.slice(0, k);
}
const program = argv[i]!;
const wasi = new WASI({ version: 'preview1', args: [program, ...argv.slice(i + 1)], env: {}, preopens, returnOnExit: true });
try {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(program)), wasi.getImportObject() as WebAssembly.Imports);
  process.exitCode = wasi.start(instance);
} catch (e) {
  process.stderr.write(`keel-wasi-run: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}

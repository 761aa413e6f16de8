/**
 * The baseline: run a WASI program under Node's built-in node:wasi with the same command-line
 * shape as `keel run` (--dir HOST[::GUEST], --env NAME=VALUE, PROGRAM, ARGS). Used by the
 * equivalence tests and the benchmarks. Prints the run time of `start()` to fd 3 if it is open
 * and KEEL_BASELINE_TIMING is set.
 */

import { WASI } from 'node:wasi';
import { readFileSync, writeSync } from 'node:fs';

const argv = process.argv.slice(2);
const preopens: Record<string, string> = {};
const env: Record<string, string> = {};
let i = 0;
for (; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--dir') {
    const spec = argv[++i]!;
    const k = spec.indexOf('::');
    if (k < 0) preopens[spec] = spec;
    else preopens[spec.slice(k + 2)] = spec.slice(0, k);
  } else if (a === '--env') {
    const spec = argv[++i]!;
    const k = spec.indexOf('=');
    env[spec.slice(0, k)] = spec.slice(k + 1);
  } else break;
}
const program = argv[i]!;
const args = [program, ...argv.slice(i + 1)];
const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(program));
const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
const t0 = performance.now();
const code = wasi.start(instance);
const ms = performance.now() - t0;
if (process.env['KEEL_BASELINE_TIMING']) writeSync(2, `baseline-ms ${ms}\n`);
process.exitCode = code;

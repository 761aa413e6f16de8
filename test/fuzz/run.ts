/**
 * `npm run fuzz`: random and malformed calls against the WASI shim and the service protocols,
 * under each placement (manifests/default, isolated, kernel). Two fuzzers:
 *   - wasi_fuzz (programs/c/wasi_fuzz.c), an unmodified wasm program calling the raw preview1
 *     imports with random arguments; it checks each result is an errno and reports;
 *   - ipc-fuzz-driver, a TypeScript process sending random labels, registers, bulk data and
 *     forged handles to the VFS, console, proc and kernel, checking every transport status and
 *     reply, and that the VFS still answers a well-formed call every 1000 calls.
 * After each placement a hello-world program must still run. Prints the figures; exits 1 if any
 * result was invalid, a fuzzer crashed or hung (time limit), or the system stopped answering.
 *
 *   --calls N   WASI calls per placement (default 1,000,000 over the three: 333,334 each), and as
 *               many IPC calls
 *   --quick     60,000 of each (CI)
 *   --seed S    first seed (default 1); each program gets the next
 */

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeSync, openSync } from 'node:fs';
import { bootKeel } from '../../src/platform/node/index.js';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { systemFromManifest } from '../../src/manifest/manifest-system.js';
import { readManifest } from '../support/manifest.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, calls: { type: 'string' }, seed: { type: 'string', default: '1' } } });
const totalCalls = values.calls ? Number(values.calls) : values.quick ? 60_000 : 1_000_000;
if (!Number.isSafeInteger(totalCalls) || totalCalls < 1) throw new Error(`--calls: not a positive integer: ${values.calls}`);
const PLACEMENTS = ['default', 'isolated', 'kernel'] as const;
const perPlacement = Math.ceil(totalCalls / PLACEMENTS.length);
const CHUNK = 50_000;
const PROGRAM_TIME_MS = 120_000;
let seed = Number(values.seed);

interface Tally { calls: number; invalid: number; failedPrograms: number; hung: number; ipcCalls: number; ipcAnswered: number; ipcInvalid: number; livenessFailures: number; aliveAfter: number; firstProblem: string }
const t: Tally = { calls: 0, invalid: 0, failedPrograms: 0, hung: 0, ipcCalls: 0, ipcAnswered: 0, ipcInvalid: 0, livenessFailures: 0, aliveAfter: 0, firstProblem: '' };
const problem = (what: string): void => { if (!t.firstProblem) t.firstProblem = what; };

async function wasiFuzz(placement: string): Promise<void> {
  const keel = await bootKeel({ manifest: join(root, 'manifests', `${placement}.yaml`) });
  try {
    for (let done = 0; done < perPlacement; done += CHUNK) {
      const calls = Math.min(CHUNK, perPlacement - done);
      const dir = `/tmp/fuzz-${seed}`;
      await keel.mkdir(dir);
      const r = await keel.run(join(root, 'programs/c/build/wasi_fuzz.wasm'), { args: ['wasi_fuzz', String(seed), String(calls)], dirs: { '/sandbox': dir }, stdin: 'ignore', stderr: 'ignore', limits: { timeMs: PROGRAM_TIME_MS } });
      const report = r.stdout.slice(r.stdout.lastIndexOf('--- wasi_fuzz report ---'));
      const made = /calls (\d+)\ninvalid (\d+)/.exec(report);
      if (r.status.kind === 'killed' && r.status.limit === 'time') {
        t.hung++;
        problem(`wasi_fuzz seed ${seed} (${placement}) did not finish in ${PROGRAM_TIME_MS} ms`);
      } else if (!made || r.status.kind !== 'exited') {
        t.failedPrograms++;
        problem(`wasi_fuzz seed ${seed} (${placement}) ended ${JSON.stringify(r.status)}`);
      }
      if (made) {
        t.calls += Number(made[1]);
        t.invalid += Number(made[2]);
        if (Number(made[2]) > 0) problem(`wasi_fuzz seed ${seed} (${placement}): ${made[2]} results were not errnos`);
      }
      process.stderr.write(`  … ${placement}: wasi_fuzz seed ${seed}, ${t.calls} WASI calls so far\n`);
      seed++;
    }
    const hello = await keel.run(join(root, 'programs/c/build/hello.wasm'));
    if (hello.stdout === 'hello, world\n' && hello.status.kind === 'exited') t.aliveAfter++;
    else problem(`hello after fuzzing (${placement}) gave ${JSON.stringify(hello.status)}`);
  } finally {
    await keel.shutdown();
  }
}

async function ipcFuzz(placement: string): Promise<void> {
  // The console's host streams are /dev/null: the fuzzer's random console writes go nowhere.
  const devNull = openSync('/dev/null', 'r+');
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true, [devNull, devNull, devNull]), systemFromManifest(readManifest(join(root, 'manifests', `${placement}.yaml`)), {}));
  try {
    for (let done = 0; done < perPlacement; done += CHUNK) {
      const calls = Math.min(CHUNK, perPlacement - done);
      const out = new SharedArrayBuffer(1 << 14);
      const { handle } = system.spawnScript(new URL('./ipc-fuzz-driver.js', import.meta.url).href, [], { calls, seed, out });
      const status = await system.wait(handle);
      if (status.kind !== 'exited' || status.code !== 0) {
        t.failedPrograms++;
        problem(`ipc fuzzer seed ${seed} (${placement}) ended ${JSON.stringify(status)}`);
      } else {
        const len = new DataView(out).getUint32(0, true);
        const r = JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, len).slice())) as { calls: number; answered: number; invalid: number; firstInvalid: string; livenessFailures: number };
        t.ipcCalls += r.calls;
        t.ipcAnswered += r.answered;
        t.ipcInvalid += r.invalid;
        t.livenessFailures += r.livenessFailures;
        if (r.invalid) problem(`ipc fuzzer seed ${seed} (${placement}): ${r.firstInvalid}`);
        if (r.livenessFailures) problem(`ipc fuzzer seed ${seed} (${placement}): the VFS stopped answering`);
      }
      process.stderr.write(`  … ${placement}: ipc fuzzer seed ${seed}, ${t.ipcCalls} IPC calls so far\n`);
      seed++;
    }
  } finally {
    await system.shutdown();
    closeSync(devNull);
  }
}

const t0 = performance.now();
for (const placement of PLACEMENTS) {
  await wasiFuzz(placement);
  await ipcFuzz(placement);
}
const seconds = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`fuzz: ${PLACEMENTS.length} placements, ${seconds} s`);
console.log(`WASI calls                      ${t.calls}`);
console.log(`  results that were not errnos  ${t.invalid}`);
console.log(`IPC calls (malformed, forged)   ${t.ipcCalls} (${t.ipcAnswered} answered by a service or the kernel)`);
console.log(`  invalid transport or reply    ${t.ipcInvalid}`);
console.log(`  VFS liveness checks failed    ${t.livenessFailures}`);
console.log(`fuzzer programs crashed         ${t.failedPrograms}`);
console.log(`fuzzer programs hung            ${t.hung}`);
console.log(`systems alive after fuzzing     ${t.aliveAfter} of ${PLACEMENTS.length}`);
const ok = t.invalid === 0 && t.ipcInvalid === 0 && t.livenessFailures === 0 && t.failedPrograms === 0 && t.hung === 0 && t.aliveAfter === PLACEMENTS.length;
if (!ok) console.log(`FAILED: ${t.firstProblem}`);
process.exitCode = ok ? 0 : 1;

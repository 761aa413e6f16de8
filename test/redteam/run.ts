/**
 * The full red-team campaign (`npm run redteam`): every escape attack through every way it is
 * run (library API, `keel run`, the keel/wasi drop-in), the racing ones for longer, then the
 * resource attacks. Prints one line per run — PASS or FAIL, with the evidence under a failure —
 * and a summary; exits 1 if anything failed.
 *
 *   node dist/test/redteam/run.js [NAME_FILTER] [--race-ms N] [--escapes | --resources]
 */

import { escapeAttacks, resourceAttacks } from './attacks.js';
import { type Budget, type Verdict, runEscape, runResource } from './run-attack.js';

const argv = process.argv.slice(2);
const msFlag = argv.indexOf('--race-ms');
const raceMs = msFlag >= 0 ? Number(argv[msFlag + 1]) : 10_000;
const filter = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--race-ms') ?? '';
const escapesOnly = argv.includes('--escapes'), resourcesOnly = argv.includes('--resources');
const budget: Budget = { raceMs, raceRounds: 1_000_000 };

function print(v: Verdict): void {
  const mark = v.passed ? 'PASS' : 'FAIL';
  process.stdout.write(`${mark.padEnd(6)} ${`${v.attack} [${v.via}]`.padEnd(38)} ${String(v.ms).padStart(6)} ms  ${v.summary}\n`);
  for (const e of v.evidence) process.stdout.write(`      ${e}\n`);
}

const verdicts: Verdict[] = [];
process.stdout.write(`== escape attacks (race ${budget.raceMs} ms)\n`);
/** A run whose driver itself failed (a boot that did not come up, a bound passed) fails, with the reason. */
const failedRun = (attack: string, via: Verdict['via'], e: unknown): Verdict => ({
  attack, via, passed: false, evidence: [`the driver failed: ${e instanceof Error ? e.message : String(e)}`], summary: '', ms: 0,
});

for (const attack of escapeAttacks.filter((a) => a.name.includes(filter) && !resourcesOnly)) {
  for (const via of attack.via) {
    const v = await runEscape(attack, via, budget).catch((e: unknown) => failedRun(attack.name, via, e));
    verdicts.push(v);
    print(v);
  }
}
process.stdout.write('== resource attacks: does the system still serve another program?\n');
for (const attack of resourceAttacks.filter((a) => a.name.includes(filter) && !escapesOnly)) {
  const v = await runResource(attack).catch((e: unknown) => failedRun(attack.name, 'api', e));
  verdicts.push(v);
  print(v);
}
const failed = verdicts.filter((v) => !v.passed);
process.stdout.write(`== ${verdicts.length} runs, ${verdicts.length - failed.length} passed, ${failed.length} failed${failed.length ? `: ${[...new Set(failed.map((v) => v.attack))].join(', ')}` : ''}\n`);
process.exitCode = failed.length ? 1 : 0;

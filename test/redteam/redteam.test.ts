/**
 * The short red-team suite inside `npm test`: the escape attacks of attacks.ts through the ways
 * their `short` lists, with the races kept to 1.5 s (the full campaign is
 * `npm run redteam`, test/redteam/run.ts). An attack passes only if nothing outside its sandbox
 * changed, the secret was read by nothing, and the program ran to its end (run-attack.ts).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { escapeAttacks } from './attacks.js';
import { type Budget, runEscape } from './run-attack.js';

const budget: Budget = { raceMs: 1_500, raceRounds: 100_000 };

for (const attack of escapeAttacks) {
  for (const via of attack.short) {
    test(`red team: ${attack.name} [${via}]`, async () => {
      const v = await runEscape(attack, via, budget);
      assert.deepEqual(v.evidence, [], `${attack.name} [${via}]: ${v.summary}`);
    });
  }
}

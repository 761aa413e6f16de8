/**
 * The fuzzers in the test suite: a short `npm run fuzz` (30,000 random WASI calls and as many
 * malformed IPC calls, spread over the three placements) must find every result valid, no fuzzer
 * crashed or hung, and each system still running a program afterwards. The full run (a million
 * calls of each) is `npm run fuzz`.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./run.js', import.meta.url));

test('30,000 random WASI calls and 30,000 malformed IPC calls: every result valid, every system alive', () => {
  const r = spawnSync(process.execPath, ['--no-warnings', runner, '--calls', '30000', '--seed', '101'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  assert.equal(r.status, 0, `fuzz run failed:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /^WASI calls\s+30000$/m);
  assert.match(r.stdout, /^ {2}results that were not errnos\s+0$/m);
  assert.match(r.stdout, /^IPC calls \(malformed, forged\)\s+30000 \(\d+ answered/m);
  assert.match(r.stdout, /^ {2}invalid transport or reply\s+0$/m);
  assert.match(r.stdout, /^ {2}VFS liveness checks failed\s+0$/m);
  assert.match(r.stdout, /^fuzzer programs crashed\s+0$/m);
  assert.match(r.stdout, /^fuzzer programs hung\s+0$/m);
  assert.match(r.stdout, /^systems alive after fuzzing\s+3 of 3$/m);
});

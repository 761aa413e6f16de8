/**
 * scripts/load-cached.cjs, the loader of every bundle Keel starts: a bundle loaded without a
 * usable code cache gets one written when the thread says its start-up work is done
 * (writeCodeCaches, the global the platform's warmedUp calls) or, failing that, when it exits;
 * a cache that V8 rejects (here: garbage) never breaks the load and is replaced. Each case runs
 * in a fresh Node process on a small bundle of its own in a temporary directory.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const loader = fileURLToPath(new URL('../../../scripts/load-cached.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'keel-code-cache-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const bundle = join(dir, 'b.body.cjs');
const cache = `${bundle}.v8cache`;
writeFileSync(bundle, 'exports.twice = (n) => n * 2;\nexports.sum = (xs) => xs.reduce((a, b) => a + b, 0);\n');

/** Load the bundle in a fresh process, call it, then run `then` (JS); what it printed. */
function load(then: string): string {
  const code = `const b = require(${JSON.stringify(loader)})(${JSON.stringify(bundle)}, module);
console.log(b.twice(21), b.sum([1, 2, 3]));
${then}`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const writeNow = "globalThis[Symbol.for('keel.writeCodeCaches')]();";
const exists = `console.log(require('node:fs').existsSync(${JSON.stringify(cache)}));`;

test('a bundle without a cache gets one when the thread says its work is done, not before', () => {
  rmSync(cache, { force: true });
  assert.equal(load(`${exists}${writeNow}${exists}`), '42 6\nfalse\ntrue');
  assert.ok(statSync(cache).size > 0);
});

test('a thread that never says so writes the cache when it exits', () => {
  rmSync(cache, { force: true });
  assert.equal(load(exists), '42 6\nfalse');
  assert.ok(existsSync(cache));
});

test('a cache V8 rejects changes nothing the bundle does, and is replaced', () => {
  writeFileSync(cache, Buffer.alloc(4096, 0x5a));
  assert.equal(load(writeNow), '42 6');
  assert.notDeepEqual(readFileSync(cache), Buffer.alloc(4096, 0x5a));
  // The cache it wrote is one V8 takes: nothing is written again.
  const before = statSync(cache).mtimeMs;
  assert.equal(load(writeNow), '42 6');
  assert.equal(statSync(cache).mtimeMs, before);
});

test('no temporary file is left beside the bundle', () => {
  assert.deepEqual(readdirSync(dir).sort(), ['b.body.cjs', 'b.body.cjs.v8cache']);
});

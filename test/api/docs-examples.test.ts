/**
 * The examples in docs/embedding.md run as written: each ```js example block is saved as a module
 * inside the package (so `import ... from 'keel'` resolves to this package, as it would for a
 * user), run with node from the repository root, and its stdout must equal the ```text output
 * block that follows it.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(root, 'docs/embedding.md'), 'utf8');
const examples = [...doc.matchAll(/^## (.+)$|```js example\n([\s\S]*?)```\s*```text output\n([\s\S]*?)```/gm)];

let section = '';
const cases: { name: string; code: string; output: string }[] = [];
for (const m of examples) {
  if (m[1]) section = m[1];
  else cases.push({ name: `${section} (${cases.length + 1})`, code: m[2]!, output: m[3]! });
}

test('docs/embedding.md has examples with outputs', () => {
  assert.ok(cases.length >= 5, `found ${cases.length}`);
});

const dir = join(root, 'dist', 'docs-examples');
for (const [i, c] of cases.entries()) {
  test(`docs example: ${c.name}`, () => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `example-${i + 1}.mjs`);
    writeFileSync(file, c.code);
    try {
      const r = spawnSync(process.execPath, ['--no-warnings', file], { cwd: root, encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(r.status, 0, `exit status ${r.status} (signal ${r.signal}); stderr:\n${r.stderr}`);
      assert.equal(r.stdout, c.output);
    } finally {
      rmSync(file, { force: true });
    }
  });
}

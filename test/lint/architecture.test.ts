/**
 * The architecture rule is enforced by the lint (eslint.config.js): only src/platform/ may import
 * host modules or use host globals. These tests lint small probe sources as if they lived in each
 * folder, so a config change that silently drops the rule fails here.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const cwd = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('src/kernel and src/ipc may not import node: modules, bare built-ins or host globals', async () => {
  for (const dir of ['src/kernel', 'src/ipc', 'src/services/vfs', 'src/runtime/wasi']) {
    const a = await problems("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", `${dir}/probe.ts`);
    assert.ok(a.some((p) => p.startsWith('no-restricted-imports')), `${dir}: node:fs must be refused, got ${a.join('; ')}`);
    const b = await problems("import { Worker } from 'worker_threads';\nexport const w = Worker;\n", `${dir}/probe.ts`);
    assert.ok(b.some((p) => p.startsWith('no-restricted-imports')), `${dir}: worker_threads must be refused`);
    const c = await problems('export const argv = process.argv;\n', `${dir}/probe.ts`);
    assert.ok(c.some((p) => p.startsWith('no-restricted-globals')), `${dir}: the process global must be refused`);
  }
});

test('src/platform may use host modules, and relative imports named like built-ins are fine elsewhere', async () => {
  assert.deepEqual(await problems("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", 'src/platform/node/probe.ts'), []);
  assert.deepEqual(await problems("import { Tmpfs } from './fs/tmpfs.js';\nexport const t = Tmpfs;\n", 'src/services/probe.ts'), []);
});

test('src/platform/common is portable: no host module, no host global, neither platform', async () => {
  const at = 'src/platform/common/probe.ts';
  const a = await problems("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", at);
  assert.ok(a.some((p) => p.startsWith('no-restricted-imports')), `node:fs must be refused, got ${a.join('; ')}`);
  const b = await problems("import { nodeHostFs } from '../node/node-host-fs.js';\nexport const f = nodeHostFs;\n", at);
  assert.ok(b.some((p) => p.startsWith('no-restricted-imports')), `the Node platform must be refused, got ${b.join('; ')}`);
  const c = await problems("import { opfsHostFs } from '../browser/opfs-host-fs.js';\nexport const f = opfsHostFs;\n", at);
  assert.ok(c.some((p) => p.startsWith('no-restricted-imports')), `the browser platform must be refused, got ${c.join('; ')}`);
  const d = await problems('export const argv = process.argv;\n', at);
  assert.ok(d.some((p) => p.startsWith('no-restricted-globals')), 'the process global must be refused');
});

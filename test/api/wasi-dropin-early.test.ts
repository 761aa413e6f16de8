/**
 * The drop-in as a user loads it (the package entry `keel/wasi`, dist/bundle/wasi.js), whose
 * loader starts the kernel worker before anything else (early-wasi-kernel.ts), in fresh
 * processes: the first WASI object takes that worker and a second of another shape gets one of
 * its own — each program sees its own preopens and nothing else; a process that loads the
 * drop-in and makes no WASI object exits at once (the early worker never holds it).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../bundle/wasi.js', import.meta.url));
const listDir = fileURLToPath(new URL('../../../programs/c/build/list_dir.wasm', import.meta.url));

function node(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test('the early kernel worker serves the first WASI object; another shape gets its own; each sees only its preopens', async (t) => {
  const a = mkdtempSync(join(tmpdir(), 'keel-early-a-'));
  const b = mkdtempSync(join(tmpdir(), 'keel-early-b-'));
  t.after(() => { rmSync(a, { recursive: true, force: true }); rmSync(b, { recursive: true, force: true }); });
  writeFileSync(join(a, 'only-in-a'), '');
  writeFileSync(join(b, 'only-in-b'), '');
  const r = await node(`
    import { readFileSync } from 'node:fs';
    import { WASI } from ${JSON.stringify(entry)};
    const module = new WebAssembly.Module(readFileSync(${JSON.stringify(listDir)}));
    for (const [dir, host] of [['/a', ${JSON.stringify(a)}], ['/b', ${JSON.stringify(b)}]]) {
      const wasi = new WASI({ version: 'preview1', args: ['list_dir', dir], env: {}, preopens: { [dir]: host } });
      const code = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
      console.log(dir, 'exit', code);
    }
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /only-in-a[^]*\/a exit 0\n/);
  assert.match(r.stdout, /only-in-b[^]*\/b exit 0\n/);
  assert.doesNotMatch(r.stdout.split('/a exit')[1]!, /only-in-a/);
  assert.doesNotMatch(r.stdout.split('/a exit')[0]!, /only-in-b/);
});

test('loading the drop-in without making a WASI object leaves nothing holding the process', async () => {
  // Held, the process would never exit: execFile's timeout would kill it (code -1).
  const r = await node(`import { WASI } from ${JSON.stringify(entry)}; console.log(typeof WASI);`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'function\n');
});

#!/usr/bin/env node
// Run the preview1 tests of the public WASI testsuite (WebAssembly/wasi-testsuite, branch
// prod/testsuite-base) through `keel run` — or through node:wasi with --runtime node — the way its
// adapters run wasmtime: --env K=V, --dir ROOT::/, PROG.wasm ARGS. Each test gets a fresh copy of
// its root directory. The suite itself is not part of this repository: pass the path of a local
// copy (the folder holding tests/).
//
//   node scripts/wasi-testsuite.mjs /path/to/wasi-testsuite [--runtime keel|node] [--filter TEXT]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const suite = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--runtime' && args[args.indexOf(a) - 1] !== '--filter');
if (!suite) {
  console.error('usage: node scripts/wasi-testsuite.mjs SUITE_DIR [--runtime keel|node] [--filter TEXT]');
  process.exit(2);
}
const runtime = args.includes('--runtime') ? args[args.indexOf('--runtime') + 1] : 'keel';
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : '';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const command = runtime === 'node' ? [join(repo, 'dist/test/support/node-wasi-run.js')] : [join(repo, 'bin/keel.js'), 'run'];

const dirs = ['c', 'rust', 'assemblyscript'].map((l) => join(suite, 'tests', l, 'testsuite', 'wasm32-wasip1')).filter(existsSync);
let passed = 0;
const failed = [];
for (const dir of dirs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort()) {
    const name = `${dir.split('/tests/')[1].split('/')[0]}/${file.replace(/\.wasm$/, '')}`;
    if (filter && !name.includes(filter)) continue;
    const jsonPath = join(dir, file.replace(/\.wasm$/, '.json'));
    const config = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : {};
    const argv = [...command];
    for (const [k, v] of Object.entries(config.env ?? {})) argv.push('--env', `${k}=${v}`);
    let work = null;
    if (config.root) {
      work = mkdtempSync(join(tmpdir(), 'wasi-ts-'));
      cpSync(join(dir, config.root), join(work, 'root'), { recursive: true, verbatimSymlinks: true });
      argv.push('--dir', `${join(work, 'root')}::/`);
    }
    argv.push(join(dir, file), ...(config.args ?? []));
    const r = spawnSync(process.execPath, ['--no-warnings', ...argv], { encoding: 'utf8', timeout: 60_000, input: '' });
    if (work) rmSync(work, { recursive: true, force: true });
    const wantCode = config.exit_code ?? 0;
    const problems = [];
    if (r.status !== wantCode) problems.push(`exit ${r.status} (want ${wantCode})`);
    if (config.stdout !== undefined && r.stdout !== config.stdout) problems.push(`stdout ${JSON.stringify(r.stdout.slice(0, 200))} (want ${JSON.stringify(config.stdout)})`);
    if (problems.length === 0) passed++;
    else failed.push({ name, problems, stderr: r.stderr.trim().split('\n').slice(-3).join(' | ') });
  }
}
for (const f of failed) console.log(`FAIL ${f.name}: ${f.problems.join('; ')}${f.stderr ? `\n     stderr: ${f.stderr.slice(0, 400)}` : ''}`);
console.log(`${runtime}: ${passed} passed, ${failed.length} failed`);
process.exitCode = failed.length === 0 ? 0 : 1;

/**
 * `npm run bench:web`: Keel in a browser tab against Keel on Node, measured side by side in one
 * run. The same .wasm runs under Keel booted by the production page (dist/web) in headless
 * Chromium, and under Keel booted on this Node.js process, both from the default manifest with
 * /home on a diskfs (OPFS in the browser, a host image file on Node); rounds alternate between
 * the two. Each round is timed from spawn to exit by the Keel that runs it (in the browser: in
 * the kernel worker, so the page's messages are not counted). Reports medians and the ratio
 * browser ÷ Node (lower is better).
 *
 *   spawn             hello world, spawn to exit
 *   syscall-null      clock_time_get × N (answered by the local kernel)
 *   file-write-small  64-byte writes to a file on tmpfs, and on diskfs
 *   real-program      SQLite inserts, queries and updates on a database on tmpfs, and on diskfs
 *
 * `--quick` runs fewer rounds and smaller workloads. Results: bench/results/latest-web.json
 * (latest-web-quick.json).
 */

import { cpus, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { bootKeel } from '../src/platform/node/index.js';
import { serveDirectory } from '../test/support/static-server.js';
import { median } from './median.js';

const quick = process.argv.includes('--quick');
const root = fileURLToPath(new URL('../../', import.meta.url));
const chromiumPath = process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium';
const HOME_BYTES = 64 * 1024 * 1024;

interface Bench {
  readonly benchmark: string;
  readonly variant: string;
  readonly program: string;
  readonly args: readonly string[];
  /** The Keel directory mounted at /sandbox. */
  readonly dir: '/tmp' | '/home';
  readonly rounds: number;
}

interface Row {
  readonly benchmark: string;
  readonly variant: string;
  readonly browser: number;
  readonly node: number;
  readonly ratio: number;
  readonly unit: string;
}

const rounds = quick ? 3 : 11;
const writes = quick ? 20_000 : 100_000;
const clockCalls = quick ? 200_000 : 1_000_000;
const sqlRows = quick ? 5000 : 20000;
const BENCHES: readonly Bench[] = [
  { benchmark: 'spawn', variant: 'hello world, spawn to exit', program: 'hello', args: [], dir: '/tmp', rounds: quick ? 5 : 21 },
  { benchmark: 'syscall-null', variant: `clock_time_get ×${clockCalls}`, program: 'clock_null', args: [String(clockCalls)], dir: '/tmp', rounds },
  { benchmark: 'file-write-small', variant: `${writes} × 64 B, tmpfs`, program: 'write_small', args: ['/sandbox/w', String(writes), '64'], dir: '/tmp', rounds },
  { benchmark: 'file-write-small', variant: `${writes} × 64 B, diskfs`, program: 'write_small', args: ['/sandbox/w', String(writes), '64'], dir: '/home', rounds },
  { benchmark: 'real-program', variant: `SQLite, ${sqlRows} rows, tmpfs`, program: 'sqlite_bench', args: ['/sandbox/bench.db', String(sqlRows)], dir: '/tmp', rounds: 3 },
  { benchmark: 'real-program', variant: `SQLite, ${sqlRows} rows, diskfs`, program: 'sqlite_bench', args: ['/sandbox/bench.db', String(sqlRows)], dir: '/home', rounds: 3 },
];


/** One round in the page's Keel: its spawn-to-exit time in ms. */
async function browserRound(page: Page, bytes: Uint8Array, args: readonly string[], dir: string): Promise<number> {
  const [ms] = await page.evaluate(([b, a, d]) => (globalThis as unknown as { keelPage: { bench(bytes: Uint8Array, args: string[], dir: string, rounds: number): Promise<number[]> } }).keelPage.bench(new Uint8Array(b as number[]), a as string[], d as string, 1), [Array.from(bytes), [...args], dir] as const);
  return ms!;
}

async function main(): Promise<void> {
  const webRoot = join(root, 'dist/web');
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error('dist/web is missing: run `npm run web:build` first');
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium, or set KEEL_CHROMIUM`);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stderr.write(`Keel in Chromium vs Keel on Node${quick ? ' (quick)' : ''} on ${cpus().length} × ${cpu}, node ${process.version}\n`);

  const server = await serveDirectory(webRoot, true);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const imageDir = mkdtempSync(join(tmpdir(), 'keel-bench-web-'));
  const keel = await bootKeel({ disks: { '/home': { image: join(imageDir, 'home.img'), size: HOME_BYTES } } });
  const rows: Row[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as unknown as { keelPage?: { booted: boolean } }).keelPage?.booted === true, null, { timeout: 60_000 });
    const version = browser.version();
    for (const b of BENCHES) {
      const file = join(root, 'programs/c/build', `${b.program}.wasm`);
      if (!existsSync(file)) {
        process.stderr.write(`  … ${b.benchmark}: ${b.variant}: skipped, ${file} is not built\n`);
        continue;
      }
      process.stderr.write(`  … ${b.benchmark}: ${b.variant}\n`);
      const bytes = new Uint8Array(readFileSync(file));
      const module = await WebAssembly.compile(bytes);
      const inBrowser: number[] = [];
      const onNode: number[] = [];
      for (let i = 0; i < b.rounds; i++) {
        inBrowser.push(await browserRound(page, bytes, [b.program, ...b.args], b.dir));
        const t0 = performance.now();
        const r = await keel.run(module, { args: [b.program, ...b.args], dirs: { '/sandbox': b.dir } });
        onNode.push(performance.now() - t0);
        if (r.status.kind !== 'exited' || r.status.code !== 0) throw new Error(`${b.program} failed on Node: ${JSON.stringify(r.status)} ${r.stderr}`);
      }
      const browserMs = median(inBrowser);
      const nodeMs = median(onNode);
      rows.push({ benchmark: b.benchmark, variant: b.variant, browser: browserMs, node: nodeMs, ratio: browserMs / nodeMs, unit: 'ms (spawn to exit)' });
    }
    const fmt = (n: number): string => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
    console.log(`${'benchmark'.padEnd(18)}${'variant'.padEnd(36)}${'Chromium'.padStart(10)}${'Node'.padStart(10)}${'ratio'.padStart(9)}  unit`);
    for (const r of rows) console.log(`${r.benchmark.padEnd(18)}${r.variant.padEnd(36)}${fmt(r.browser).padStart(10)}${fmt(r.node).padStart(10)}${`${r.ratio.toFixed(2)}×`.padStart(9)}  ${r.unit}`);
    console.log(`\nmachine: ${cpus().length} × ${cpu}; node ${process.version}; Chromium ${version}; ${new Date().toISOString()}${quick ? '; quick run' : ''}`);
    console.log('ratio = Keel in Chromium ÷ Keel on Node, medians of alternating rounds in this run; lower is better');
    const out = join(root, 'bench/results', quick ? 'latest-web-quick.json' : 'latest-web.json');
    writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpu, node: process.version, chromium: version }, quick, rows }, null, 2) + '\n');
    process.stderr.write(`results: ${out}\n`);
  } finally {
    await keel.shutdown();
    await browser.close();
    await server.close();
    rmSync(imageDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench:web: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});

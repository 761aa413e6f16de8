/**
 * `npm run faults`: fault injection in the manner of MINIX 3's driver-recovery experiments. Keel
 * boots with every service in its own worker (manifests/isolated.yaml) plus a host directory at
 * /data (hostfs) and a disk image at /disk (diskfs), every service restartable without limit. While a workload runs, the injector
 * kills a random service worker at random moments (every 100-500 ms, as SIGKILL would) and the supervisor restarts
 * it. The workload, in parallel lanes, until the faults are done:
 *   - durable writes: programs/c/fault_writer.c appends checksummed records to /data/wN.log
 *     (two lanes), /disk/w3.log and /tmp/w4.log, fsyncing each and printing "ack N" only once
 *     fsync succeeded;
 *   - pipelines: the shell runs `seq 1 500 | grep 7 | wc -l` (proc, VFS pipes, the console);
 *   - spawns: hello.wasm started from the host.
 * Every run has a deadline; one that passes it is a hang. A run that completes although a service
 * was restarted while it ran "continued across a restart" (its local kernel re-established its
 * sessions: docs/restart.md). After each fault the injector also times the restart, per service:
 * from the kill until the new worker serves again, and until it has served a call. At the end: the system must serve again
 * (a hello, a pipeline, a write-fsync-read), and every acknowledged record must be in its file on
 * the host (hostfs), in the disk image (read back by mounting it after shutdown) or on tmpfs
 * (read before shutdown: tmpfs keeps its tree across its restarts), byte for byte; the image
 * must pass fsck. Prints the figures; exits 1 on a hang, a lost byte or a dead system.
 *
 *   --faults N   faults to inject (default 1000)      --quick   30 faults (CI)
 *   --seed S     the injector's random seed (default 1)
 *   --victims A,B  kill only these services (default: any)
 *   --verbose    print the kernel's log (every crash and restart) and the tally every 5 s
 */

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { bootKeel, type Keel } from '../../src/platform/node/index.js';
import type { Manifest } from '../../src/manifest/manifest-schema.js';
import { readManifest } from '../support/manifest.js';
import { RECORD_BYTES, acknowledged, recordsIn } from '../support/records.js';
import { checkImage, readImageFile } from '../support/disk-image.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const prog = (name: string): string => join(root, 'programs/c/build', `${name}.wasm`);
const { values } = parseArgs({ options: { verbose: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, faults: { type: 'string' }, seed: { type: 'string', default: '1' }, victims: { type: 'string' } } });
const FAULTS = values.faults ? Number(values.faults) : values.quick ? 30 : 1000;
if (!Number.isSafeInteger(FAULTS) || FAULTS < 1) throw new Error(`--faults: not a positive integer: ${values.faults}`);
const DEADLINE_MS = 60_000;
const WRITER_LANES = 2;
const RECORDS_PER_RUN = 40;
/** What `seq 1 500 | grep 7 | wc -l` prints: the numbers up to 500 with a 7 in them. */
const EXPECTED_COUNT = '95';

/** A small deterministic generator (mulberry32), so a run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function manifest(): Manifest {
  const m = readManifest(join(root, 'manifests/isolated.yaml'));
  const restart = { policy: 'always', max: 1_000_000, windowMs: 1000, backoffMs: 1, hangMs: 10_000 };
  const services = Object.fromEntries(Object.entries(m.services).map(([name, s]) => [name, { ...s, restart }]));
  return { ...m, services } as Manifest;
}

const tally = { runs: 0, completed: 0, continued: 0, failedCleanly: 0, refused: 0, hung: 0, acked: 0, lostRecords: 0, faults: 0, restarts: 0, firstHang: '' };

/** Restarts made so far, over every service worker. */
const restartsSoFar = (keel: Keel): number => keel.services().reduce((n, s) => n + s.restarts, 0);

/**
 * Per service worker, each restart's times (ms) from the kill: until the new worker serves again
 * (its services are up: the restart itself), and until it has served a call (which also waits
 * for a client to call).
 */
const restartTimes = new Map<string, { ready: number[]; firstCall: number[] }>();

/** Time the restart of `name` (whose worker `pid` was killed at `killedAt`): until the new worker serves, and has served a call (bounded). */
async function timeRestart(keel: Keel, name: string, pid: number, killedAt: number): Promise<void> {
  const deadline = killedAt + 10_000;
  const times = restartTimes.get(name) ?? { ready: [], firstCall: [] };
  restartTimes.set(name, times);
  let ready = false;
  while (performance.now() < deadline) {
    const s = keel.services().find((x) => x.name === name);
    if (s && s.pid !== pid && s.state === 'running') {
      if (!ready) times.ready.push(performance.now() - killedAt);
      ready = true;
      if ((keel.processes().find((r) => r.pid === s.pid)?.served ?? 0) > 0) {
        times.firstCall.push(performance.now() - killedAt);
        return;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The q-quantile of `xs` (sorted copy). */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/** Run one workload program to its end or its deadline; 'hung' if the deadline passed. */
async function runOnce(keel: Keel, what: string, start: () => ReturnType<Keel['spawn']>): Promise<{ status: number; stdout: string; acrossRestart: boolean } | 'hung' | 'refused'> {
  tally.runs++;
  const restartsBefore = restartsSoFar(keel);
  let p: Awaited<ReturnType<Keel['spawn']>>;
  try {
    p = await start();
  } catch (e) {
    reasons.set(`${what} not started: ${String(e)}`, (reasons.get(`${what} not started: ${String(e)}`) ?? 0) + 1);
    // Could not even start (a service it needs was down, restarting): a clean failure. Give the
    // restart a moment before the lane tries again.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return 'refused';
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'hung'>((resolve) => { timer = setTimeout(() => resolve('hung'), DEADLINE_MS); });
  try {
    const r = await Promise.race([p.result(), deadline]);
    if (r === 'hung') {
      p.kill(9);
      if (!tally.firstHang) tally.firstHang = what;
      return 'hung';
    }
    if (r.exitCode !== 0) { const k = `${what}: [${r.exitCode} ${JSON.stringify(r.status)}] ${r.stderr.split('\n')[0]}`; reasons.set(k, (reasons.get(k) ?? 0) + 1); }
    return { status: r.exitCode, stdout: r.stdout, acrossRestart: restartsSoFar(keel) !== restartsBefore };
  } catch (e) {
    reasons.set(`${what}: ${String(e)}`, (reasons.get(`${what}: ${String(e)}`) ?? 0) + 1);
    return { status: -1, stdout: '', acrossRestart: true }; // its stdio failed with the service: a clean failure
  } finally {
    clearTimeout(timer);
  }
}

function count(r: Awaited<ReturnType<typeof runOnce>>, ok: (x: { status: number; stdout: string }) => boolean): void {
  if (r === 'hung') tally.hung++;
  else if (r === 'refused') tally.refused++;
  else if (ok(r)) {
    tally.completed++;
    if (r.acrossRestart) tally.continued++;
  }
  else tally.failedCleanly++;
}

/** Why runs failed, with how often (printed with --verbose). */
const reasons = new Map<string, number>();

const acked = new Map<number, Set<number>>();
/** Where acknowledged records were lost, per lane's file (printed with the total). */
const lostIn: string[] = [];

/** The writer lanes: WRITER_LANES on hostfs, then one on diskfs and one on tmpfs. */
const LANES = WRITER_LANES + 2;
/** Where each writer lane's file is, in Keel. */
const laneFile = (lane: number): string => (lane <= WRITER_LANES ? `/data/w${lane}.log` : lane === WRITER_LANES + 1 ? `/disk/w${lane}.log` : `/tmp/w${lane}.log`);

async function writerLane(keel: Keel, lane: number, until: () => boolean): Promise<void> {
  const mine = new Set<number>();
  acked.set(lane, mine);
  for (let first = 0; !until(); first += RECORDS_PER_RUN) {
    const r = await runOnce(keel, `fault_writer lane ${lane}`, () => keel.spawn(prog('fault_writer'), {
      args: ['fault_writer', laneFile(lane), String(lane), String(first), String(RECORDS_PER_RUN)], dirs: [laneFile(lane).slice(0, laneFile(lane).indexOf('/', 1))], stdout: 'pipe', stderr: 'pipe', stdin: 'ignore',
    }));
    if (r !== 'hung' && r !== 'refused') for (const seq of acknowledged(r.stdout, first)) mine.add(seq);
    count(r, (x) => x.status === 0);
  }
}

const shell = { env: { PATH: '/bin' }, dirs: ['/'], cwd: '/', stdin: 'ignore' as const, stdout: 'pipe' as const, stderr: 'pipe' as const };

async function pipelineLane(keel: Keel, until: () => boolean): Promise<void> {
  while (!until()) {
    const r = await runOnce(keel, 'pipeline', () => keel.spawn({ path: '/bin/sh' }, { ...shell, args: ['sh', '-c', 'seq 1 500 | grep 7 | wc -l'] }));
    count(r, (x) => x.status === 0 && x.stdout.trim() === EXPECTED_COUNT);
  }
}

async function spawnLane(keel: Keel, until: () => boolean): Promise<void> {
  while (!until()) {
    const r = await runOnce(keel, 'hello', () => keel.spawn(prog('hello'), { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' }));
    count(r, (x) => x.status === 0 && x.stdout === 'hello, world\n');
  }
}

async function inject(keel: Keel, rng: () => number): Promise<void> {
  const names = values.victims ? values.victims.split(',') : keel.services().map((s) => s.name);
  while (tally.faults < FAULTS) {
    await new Promise((resolve) => setTimeout(resolve, 100 + rng() * 400));
    const name = names[Math.floor(rng() * names.length)]!;
    const killedAt = performance.now();
    const pid = keel.killService(name);
    if (pid !== null) {
      tally.faults++;
      void timeRestart(keel, name, pid, killedAt);
    }
  }
}

async function allRunning(keel: Keel): Promise<boolean> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (keel.services().every((s) => s.state === 'running')) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

async function survived(keel: Keel): Promise<string | null> {
  if (!(await allRunning(keel))) return `services not all running: ${JSON.stringify(keel.services())}`;
  const hello = await keel.run(prog('hello'));
  if (hello.stdout !== 'hello, world\n') return `hello after the faults: ${JSON.stringify(hello)}`;
  const pipe = await keel.run({ path: '/bin/sh' }, { ...shell, args: ['sh', '-c', 'seq 1 500 | grep 7 | wc -l'] });
  if (pipe.stdout.trim() !== EXPECTED_COUNT) return `pipeline after the faults: ${JSON.stringify(pipe)}`;
  const w = await keel.run(prog('fault_writer'), { args: ['fault_writer', '/data/final.log', '99', '0', '10'] });
  if (w.exitCode !== 0 || acknowledged(w.stdout, 0).length !== 10) return `write after the faults: ${JSON.stringify(w)}`;
  return null;
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-faults-'));
  const rng = random(Number(values.seed));
  const started = performance.now();
  const image = join(dataDir, 'disk.img');
  const keel = await bootKeel({ manifest: manifest(), shell: true, dirs: { '/data': dataDir }, disks: { '/disk': image }, log: (line) => { if (values.verbose) console.error(`keel: ${performance.now().toFixed(0)} ${line}`); } });
  const progress = values.verbose ? setInterval(() => console.error(JSON.stringify(tally)), 5000) : null;
  let verdict: string | null = null;
  let tmpfsLog: Uint8Array | null = null;
  try {
    let done = false;
    const until = (): boolean => done;
    const lanes = [
      ...Array.from({ length: LANES }, (_, i) => writerLane(keel, i + 1, until)),
      pipelineLane(keel, until),
      spawnLane(keel, until),
    ];
    await inject(keel, rng);
    done = true;
    await Promise.all(lanes);
    tally.restarts = keel.services().reduce((n, s) => n + s.restarts, 0);
    if (values.verbose) console.error(keel.services().map((s) => `${s.name}: ${s.state}, ${s.restarts} restarts`).join('\n'));
    verdict = await survived(keel);
    tmpfsLog = await keel.readFile(laneFile(LANES)).catch(() => null);
  } finally {
    if (progress) clearInterval(progress);
    await keel.shutdown();
  }
  const fsck = checkImage(image);
  for (const [lane, seqs] of acked) {
    let onDisk = new Set<number>();
    try {
      const data = lane <= WRITER_LANES ? readFileSync(join(dataDir, `w${lane}.log`)) : lane === LANES ? tmpfsLog : readImageFile(image, laneFile(lane).slice('/disk'.length));
      if (data) onDisk = recordsIn(data, lane);
    } catch {
      // no file: nothing was written, so nothing may have been acknowledged
    }
    tally.acked += seqs.size;
    const lost = [...seqs].filter((seq) => !onDisk.has(seq));
    tally.lostRecords += lost.length;
    if (lost.length > 0) lostIn.push(`${laneFile(lane)}: ${lost.length} (records ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ', …' : ''})`);
  }
  if (process.env.KEEL_FAULTS_KEEP === "1") console.log(`kept: ${dataDir}`); else rmSync(dataDir, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  if (values.verbose) for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.error(`${String(n).padStart(6)}  ${why}`);
  console.log(`faults injected:            ${tally.faults} (services restarted ${tally.restarts} times)`);
  console.log(`system survived:            ${verdict === null ? 'yes' : `NO — ${verdict}`}`);
  console.log(`workload runs:              ${tally.runs}: ${tally.completed} completed, ${tally.failedCleanly} failed cleanly (a call returned an error), ${tally.refused} refused at start (a service was restarting), ${tally.hung} hung`);
  const pct = (n: number): string => `${((100 * n) / Math.max(1, tally.runs)).toFixed(1)}%`;
  console.log(`availability:               ${pct(tally.completed)} of runs completed; ${tally.continued} (${pct(tally.continued)}) completed although a service restarted while they ran (continued across a restart)`);
  for (const [name, { ready, firstCall }] of [...restartTimes].sort()) {
    console.log(`restart time ${name.padEnd(14)}${ready.length} restarts, fault to serving again: median ${quantile(ready, 0.5).toFixed(1)} ms, p95 ${quantile(ready, 0.95).toFixed(1)} ms, max ${Math.max(...ready).toFixed(1)} ms`);
    console.log(`${''.padEnd(27)}fault to first served call: median ${quantile(firstCall, 0.5).toFixed(1)} ms, p95 ${quantile(firstCall, 0.95).toFixed(1)} ms, max ${Math.max(...firstCall).toFixed(1)} ms`);
  }
  console.log(`calls that hung:            ${tally.hung}${tally.firstHang ? ` (first: ${tally.firstHang})` : ''}`);
  console.log(`records acknowledged:       ${tally.acked} (${tally.acked * RECORD_BYTES} bytes, each after fsync)`);
  console.log(`acknowledged bytes lost:    ${tally.lostRecords * RECORD_BYTES}${lostIn.length > 0 ? ` — ${lostIn.join('; ')}` : ''}`);
  console.log(`disk image fsck:            ${fsck.errors.length === 0 ? 'clean' : `${fsck.errors.length} errors: ${fsck.errors.slice(0, 5).join('; ')}`}`);
  console.log(`time:                       ${seconds.toFixed(1)} s`);
  return verdict === null && tally.hung === 0 && tally.lostRecords === 0 && fsck.errors.length === 0 ? 0 : 1;
}

process.exitCode = await main();

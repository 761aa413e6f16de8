/**
 * The start-up section of `npm run bench`: what a user feels first, timed as whole processes
 * side by side with their baselines, alternating, medians of `rounds`:
 *
 *   keel run          `keel run hello.wasm` (its own system: manifests/run.yaml), and with
 *                     --manifest manifests/default.yaml, vs node:wasi running the same module in
 *                     a fresh `node` (test/support/node-wasi-run.ts); and its phases, from the
 *                     marks KEEL_TRACE_START=1 prints (main thread and program worker)
 *   keel boot -c      `keel boot --home none -c 'echo hi'`, absolute, vs `dash -c 'echo hi'`
 *   bootKeel          in a fresh process: the library's import, bootKeel(), the first program
 *                     (spawn → exit) and shutdown, each phase (startup-child.ts)
 *   drop-in           the first start() of `keel/wasi` vs node:wasi's, in fresh processes
 *   repeated          one program run again and again in one booted system (compiled modules
 *                     reused) vs node:wasi's fresh process per run
 *
 * The floor under all of these is Node's own start and a worker's (`node -e ''`, an empty
 * worker), recorded beside them so a ratio can be read against what cannot be removed.
 */

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.js';

export interface StartupRow { benchmark: string; variant: string; keel: number; baseline: number | null; unit: string; note?: string }

const root = fileURLToPath(new URL('../../', import.meta.url));
const keelBin = join(root, 'bin/keel.js');
const hello = join(root, 'programs/c/build/hello.wasm');
const nodeWasi = join(root, 'dist/test/support/node-wasi-run.js');
const child = join(root, 'dist/bench/startup-child.js');


/** Wall time of one command, in ms (it must exit 0). */
function wall(cmd: string, args: readonly string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

/** The JSON line a child prints (its phase times). */
function childRun(mode: string): Record<string, number> {
  const r = spawnSync(process.execPath, [child, mode, hello], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`startup-child ${mode}: exit ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return JSON.parse(r.stdout.toString().trim().split('\n').pop()!) as Record<string, number>;
}

/** One `keel run` with KEEL_TRACE_START=1: each phase mark's time (ms) after the spawn, by `thread phase`, and the exit. */
function tracedRun(): Record<string, number> {
  const before = performance.timeOrigin + performance.now();
  const r = spawnSync(process.execPath, [keelBin, 'run', hello], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KEEL_TRACE_START: '1' } });
  const after = performance.timeOrigin + performance.now();
  if (r.status !== 0) throw new Error(`keel run (traced): exit ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  const marks: Record<string, number> = { end: after - before };
  for (const line of r.stderr.toString().split('\n')) {
    const m = /^keel-start (\S+) (main|worker \d+) (\w+)$/.exec(line);
    if (m) marks[m[3]!] = Number(m[1]) - before;
  }
  return marks;
}

/**
 * The phases of `keel run hello.wasm` (src/platform/node/start-trace.ts), each the median over
 * `rounds` traced runs: main thread and program worker side by side, so the critical path shows.
 */
const RUN_PHASES: readonly (readonly [string, string, string])[] = [
  ['Node starts, bin/keel.js begins', '', 'command'],
  ['the program\'s worker is created', 'command', 'workers'],
  ['[worker] Node\'s worker start and its bundle', 'workers', 'worker'],
  ['[main] the CLI bundle loads', 'workers', 'loaded'],
  ['[main] boot', 'loaded', 'booted'],
  ['[main] spawn', 'booted', 'spawned'],
  ['[worker] the worker takes the process (waiting until it is up)', 'spawned', 'process'],
  ['[worker] the process runs (load, instantiate, _start, exit)', 'process', 'done'],
  ['[main] the exit status arrives', 'done', 'ended'],
  ['[main] shutdown', 'ended', 'exit'],
  ['the process exits (workers joined)', 'exit', 'end'],
];

/** Medians of alternating runs of `a` and `b`. */
function alternate(rounds: number, a: () => number, b: () => number): [number, number] {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < rounds; i++) {
    xs.push(a());
    ys.push(b());
  }
  return [median(xs), median(ys)];
}

export function startupBench(quick: boolean, record: (r: StartupRow) => void, progress: (msg: string) => void): void {
  const rounds = quick ? 5 : 15;
  progress('start-up: the floor (node, an empty worker)');
  const [nodeFloor] = alternate(rounds, () => wall(process.execPath, ['-e', '']), () => 0);
  const workerFloor = median(Array.from({ length: rounds }, () => childRun('worker')['worker']!));
  record({ benchmark: 'start-up', variant: 'floor: node -e \'\' (whole process)', keel: nodeFloor, baseline: null, unit: 'ms' });
  record({ benchmark: 'start-up', variant: 'floor: an empty worker thread, start to first message', keel: workerFloor, baseline: null, unit: 'ms' });

  progress('start-up: keel run hello.wasm vs node:wasi');
  const [run, wasi] = alternate(rounds, () => wall(process.execPath, [keelBin, 'run', hello]), () => wall(process.execPath, ['--no-warnings', nodeWasi, hello]));
  record({ benchmark: 'start-up', variant: 'keel run hello.wasm (whole process)', keel: run, baseline: wasi, unit: 'ms' });
  const [runDefault, wasi2] = alternate(rounds, () => wall(process.execPath, [keelBin, 'run', '--manifest', join(root, 'manifests/default.yaml'), hello]), () => wall(process.execPath, ['--no-warnings', nodeWasi, hello]));
  record({ benchmark: 'start-up', variant: 'keel run hello.wasm, default manifest (services in a worker)', keel: runDefault, baseline: wasi2, unit: 'ms' });

  progress('start-up: keel run hello.wasm, phase by phase');
  const traced = Array.from({ length: rounds }, () => tracedRun());
  for (const [what, from, to] of RUN_PHASES) {
    // A span between the two threads can come out below zero (the worker took the process before
    // the main thread marked `spawned`): it took no time on the path.
    const spans = traced.filter((t) => (from === '' || t[from] !== undefined) && t[to] !== undefined).map((t) => Math.max(0, t[to]! - (from === '' ? 0 : t[from]!)));
    if (spans.length > 0) record({ benchmark: 'start-up', variant: `keel run phase: ${what}`, keel: median(spans), baseline: null, unit: 'ms' });
  }

  progress('start-up: keel boot -c \'echo hi\' vs dash');
  const hasDash = spawnSync('dash', ['-c', 'true']).status === 0;
  const [boot, dash] = alternate(rounds, () => wall(process.execPath, [keelBin, 'boot', '--home', 'none', '-c', 'echo hi']), () => (hasDash ? wall('dash', ['-c', 'echo hi']) : 0));
  record({ benchmark: 'start-up', variant: 'keel boot -c \'echo hi\' (whole process)', keel: boot, baseline: hasDash ? dash : null, unit: 'ms', note: 'target ≤ 250 ms absolute; baseline: dash -c \'echo hi\'' });

  progress('start-up: bootKeel phases');
  const lib = Array.from({ length: rounds }, () => childRun('library'));
  for (const phase of ['import', 'boot', 'first-program', 'shutdown'] as const) {
    record({ benchmark: 'start-up', variant: `library: ${phase === 'first-program' ? 'first program, spawn to exit' : phase === 'boot' ? 'bootKeel() (to ready for the first spawn)' : phase === 'import' ? 'import of the package' : 'shutdown'}`, keel: median(lib.map((x) => x[phase]!)), baseline: null, unit: 'ms' });
  }

  progress('start-up: the drop-in\'s first start() vs node:wasi\'s');
  const [dropin, native] = alternate(rounds, () => wall(process.execPath, [child, 'dropin', hello]), () => wall(process.execPath, ['--no-warnings', child, 'node-wasi', hello]));
  record({ benchmark: 'start-up', variant: 'a program under keel/wasi vs node:wasi (whole process: import, construct, start)', keel: dropin, baseline: native, unit: 'ms' });

  progress('start-up: one program run again and again in one system');
  const repeated = childRun(quick ? 'repeat:10' : 'repeat:30');
  const [, wasiRun] = alternate(rounds, () => 0, () => wall(process.execPath, ['--no-warnings', nodeWasi, hello]));
  record({ benchmark: 'start-up', variant: 'hello.wasm run again in one booted system (per run) vs node:wasi fresh process', keel: repeated['perRun']!, baseline: wasiRun, unit: 'ms' });
}

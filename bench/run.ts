/**
 * `npm run bench`: Keel against its baselines, measured side by side in one run.
 *
 *   start-up          whole-process start of keel run / keel boot / the library / the drop-in
 *                     against node:wasi and dash, with the phases (bench/startup.ts)
 *   under-load        open-stat-close and file-write-small, 1/2/4/8 programs at once against as
 *                     many node:wasi programs at once (bench/under-load.ts)
 *   ipc-null-call     empty synchronous call: co-located (same thread), cross-worker spin path,
 *                     cross-worker futex path (every wait sleeps)
 *   ipc-ring          entries per second through a submission + completion ring pair (2 workers)
 *   syscall-null      clock_time_get × N, answered by the local kernel, vs node:wasi
 *   spawn             start a hello-world program and wait for it (both in a fresh worker)
 *   file-write-small  100k × 64-byte fd_write to a file, vs node:wasi (Keel: tmpfs; and hostfs on a
 *                     host directory, like node:wasi)
 *   file-read-cached  a 1 MiB file read 4 KiB at a time, 100 times (with and without page-cache tokens)
 *   open-stat-close   open + fstat + close of a file 8 directories deep, 10k times (and with each
 *                     fast path turned off: the ablation rows)
 *   readdir           list a directory of 10k entries, 20 times
 *   pipe              100 MiB through a pipe between two processes started by the shell
 *   durable-append    64-byte appends each followed by fsync, on hostfs and on diskfs (a disk image)
 *   real-program      SQLite (built from its amalgamation) doing inserts, queries, updates on a file
 *                     (tmpfs, hostfs, diskfs); and on a host directory as a user runs it, `keel run
 *                     --dir` against node:wasi, whole process (bench/whole-process.ts)
 *   shell-script      shell scripts against dash (bench/shell-scripts.ts)
 *   compile           cc -O2 of one and of three C sources with the same clang (@yowasp/clang)
 *                     installed by pkg in Keel's /usr, against node:wasi (bench/compile.ts)
 * spawn, syscall-null and file-write-small on tmpfs run under each whole-system placement: the
 * default (VFS, file systems and proc coalesced in one worker), every service alone in a worker,
 * and every service in the kernel thread.
 *
 * Each wasm benchmark runs the same .wasm under Keel (spawn → exit) and under node:wasi in a
 * fresh worker thread (start → exit), alternating, and reports medians and the ratio
 * Keel ÷ node:wasi (lower is better). `--quick` runs fewer rounds (CI smoke test).
 * Results are printed as a table and written to bench/results/latest.json.
 */

import { cpus } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { IpcFixture } from '../test/support/ipc-fixture.js';
import { System } from '../src/system/system.js';
import { type SystemAdditions, systemFromManifest } from '../src/manifest/manifest-system.js';
import { parseManifest } from '../src/manifest/manifest.js';
import type { SystemConfig } from '../src/manifest/system-config.js';
import { PROGRAM_NAMES } from '../src/programs/program-names.js';
import { NodeHost } from '../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../src/platform/node/node-thread-platform.js';
import { Arena, type ArenaConfig, DEFAULT_ARENA_CONFIG } from '../src/ipc/arena.js';
import { CallSlot } from '../src/ipc/call-slot.js';
import { Caller } from '../src/ipc/caller.js';
import { ServerThread } from '../src/ipc/server-thread.js';
import { KERNEL_PID, Kernel } from '../src/kernel/kernel.js';
import { Ring } from '../src/ipc/ring.js';
import { ratioChart } from './chart.js';
import { shellScripts } from './shell-scripts.js';
import { compileBench } from './compile.js';
import { startupBench } from './startup.js';
import { underLoad } from './under-load.js';
import { median } from './median.js';
import { wholeProcess } from './whole-process.js';

const quick = process.argv.includes('--quick');
/** `--only NAME`: run just the benchmarks whose name starts with NAME. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] ?? '' : '';
const wanted = (name: string): boolean => only === '' || name.startsWith(only);
const root = fileURLToPath(new URL('../../', import.meta.url));
const prog = (name: string): string => join(root, 'programs/c/build', `${name}.wasm`);

/** Placements compared: each is a manifest in manifests/ (the default mix, every service alone, every service in the kernel thread). */
const LAYOUTS = ['default', 'isolated', 'kernel'] as const;
type Layout = (typeof LAYOUTS)[number];

function placed(layout: Layout, add: SystemAdditions, lookupCache = true, fastPaths?: SystemConfig['fastPaths']): SystemConfig {
  const file = join(root, 'manifests', `${layout}.yaml`);
  const manifest = systemFromManifest(parseManifest(readFileSync(file, 'utf8'), file), add);
  const config = fastPaths ? { ...manifest, fastPaths } : manifest;
  return lookupCache ? config : { ...config, services: config.services.map((s) => (s.kind === 'vfs' ? { ...s, config: { ...s.config, lookupCache: false } } : s)) };
}

interface Row { benchmark: string; variant: string; keel: number; baseline: number | null; unit: string; ratio: number | null; note?: string }
const rows: Row[] = [];


function progress(msg: string): void {
  process.stderr.write(`  … ${msg}\n`);
}

function record(r: Omit<Row, 'ratio'>): void {
  const row: Row = { ...r, ratio: r.baseline ? r.keel / r.baseline : null };
  rows.push(row);
}

async function ipcNullCall(): Promise<void> {
  progress('ipc-null-call: co-located');
  const arena = Arena.create({ maxProcesses: 4, maxHandles: 16, maxThreads: 4, maxQueues: 2, maxObjects: 64, bulkBytes: 1024 });
  const kernel = new Kernel(arena, { startThread() {}, stopThread() {}, deliverMemory() {} });
  const kp = kernel.process(KERNEL_PID)!;
  const slot = new CallSlot(arena, kernel.attachSlot(kp)!, KERNEL_PID);
  const server = new ServerThread(arena, kernel.openQueue(kp)!, slot);
  const caller = new Caller(arena, slot);
  caller.local = server;
  const ch = kernel.channelCreate(KERNEL_PID);
  if (ch.status !== 0) throw new Error('channel');
  kernel.channelServe(KERNEL_PID, ch.value[1], 1);
  server.register(1, { name: 'null', dispatch(c) { c.regs[0] = 0; } });
  const n = quick ? 200_000 : 2_000_000;
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) caller.invoke(ch.value[0], 1);
    samples.push(((performance.now() - t0) * 1e6) / n);
  }
  record({ benchmark: 'ipc-null-call', variant: 'co-located', keel: median(samples), baseline: null, unit: 'ns/call' });

  const f = await IpcFixture.start();
  try {
    for (const futex of [false, true]) {
      progress(`ipc-null-call: cross-worker ${futex ? 'futex' : 'spin'}`);
      const meds: number[] = [];
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        const out = new SharedArrayBuffer(64);
        const c = f.client({ mode: 'null', count: futex ? (quick ? 1000 : 5000) : (quick ? 50_000 : 300_000), tag: 0, futex, out });
        await c.done;
        meds.push(new Float64Array(out)[1]!);
      }
      record({ benchmark: 'ipc-null-call', variant: futex ? 'cross-worker futex' : 'cross-worker spin', keel: median(meds), baseline: null, unit: 'ns/call (median)' });
    }
  } finally {
    await f.stop();
  }
}

async function ipcRing(): Promise<void> {
  progress('ipc-ring');
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, false), { services: [] });
  try {
    const capacity = 1024;
    const count = quick ? 200_000 : 2_000_000;
    const url = new URL('../test/support/ring-peer.js', import.meta.url).href;
    const sub = new SharedArrayBuffer(Ring.bytes(capacity, 2));
    const comp = new SharedArrayBuffer(Ring.bytes(capacity, 2));
    const out = new SharedArrayBuffer(32);
    const base = { sub, comp, capacity, count, batch: 256, out };
    const k = system.kernel;
    const e = k.spawn(KERNEL_PID, { name: 'ring-echo', handles: [], boot: { kind: 'script', url, args: [], data: { ...base, role: 'echo' } } });
    const p = k.spawn(KERNEL_PID, { name: 'ring-producer', handles: [], boot: { kind: 'script', url, args: [], data: { ...base, role: 'producer' } } });
    if (e.status !== 0 || p.status !== 0) throw new Error('spawn');
    await Promise.all([system.wait(e.value.handle), system.wait(p.value.handle)]);
    const o = new Float64Array(out);
    record({ benchmark: 'ipc-ring', variant: 'batch 256', keel: o[0]! / (o[1]! / 1e9), baseline: null, unit: 'entries/s (round trip)' });
  } finally {
    await system.shutdown();
  }
}

function baselineRun(module: WebAssembly.Module, args: string[], preopens: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const w = new Worker(new URL('./node-wasi-worker.js', import.meta.url), { workerData: { module, args, preopens } });
    w.once('message', () => resolve(performance.now() - t0));
    w.once('error', reject);
  });
}

async function keelRun(system: System, module: WebAssembly.Module, args: string[], vfsPath: string): Promise<number> {
  const t0 = performance.now();
  const { handle } = system.spawnWasm({ program: args[0]!, module, args, env: [], preopens: [{ guestPath: '/sandbox', vfsPath }] });
  const status = await system.wait(handle);
  if (status.kind !== 'exited' || status.code !== 0) throw new Error(`${args[0]} failed under Keel: ${JSON.stringify(status)}`);
  return performance.now() - t0;
}

/**
 * `on`: where Keel's copy of the files is — true: the root tmpfs; false: the host directory
 * node:wasi uses (hostfs); 'diskfs': a diskfs on a disk image in another host directory.
 */
async function wasmBench(name: string, variant: string, program: string, args: (dir: string) => string[], rounds: number, on: boolean | 'diskfs', layout: Layout = 'default', arena: ArenaConfig = DEFAULT_ARENA_CONFIG, fastPaths?: SystemConfig['fastPaths']): Promise<void> {
  variant = layout === 'default' ? variant : `${variant} [all ${layout}]`;
  progress(`${name}: ${variant}`);
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
  const diskDir = mkdtempSync(join(tmpdir(), 'keel-bench-disk-'));
  const module = new WebAssembly.Module(readFileSync(prog(program)));
  const disks = on === 'diskfs' ? [{ image: join(diskDir, 'disk.img'), vfsPath: '/disk', size: 256 * 1024 * 1024 }] : [];
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), placed(layout, { hostDirs: [{ hostPath: dir, vfsPath: '/mnt/0' }], disks }, true, fastPaths), arena);
  try {
    const k: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      k.push(await keelRun(system, module, [program, ...args('/sandbox')], on === 'diskfs' ? '/disk' : on ? '/' : '/mnt/0'));
      b.push(await baselineRun(module, [program, ...args('/sandbox')], { '/sandbox': dir }));
    }
    record({ benchmark: name, variant, keel: median(k), baseline: median(b), unit: 'ms (spawn to exit)' });
  } finally {
    await system.shutdown();
    rmSync(dir, { recursive: true, force: true });
    rmSync(diskDir, { recursive: true, force: true });
  }
}

/**
 * file-read-cached: a 1 MiB file read 4 KiB at a time, ROUNDS times (open, read to EOF, close).
 * read_cached times its own read rounds and writes the nanoseconds to a file in a host directory
 * (/out), so spawn and the writes that make the file are left out on both sides. On tmpfs the
 * file is in Keel's root tmpfs; on hostfs both Keel and node:wasi read the same host directory.
 */
function readCachedBench(variant: string, onTmpfs: boolean, rounds: number, layout: Layout, arena: ArenaConfig = DEFAULT_ARENA_CONFIG, fastPaths?: SystemConfig['fastPaths'], throughRoot = false): Promise<void> {
  const readRounds = quick ? '20' : '100';
  const path = throughRoot ? '/mnt/0/r' : '/sandbox/r';
  return selfTimedBench('file-read-cached', variant, 'read_cached', [path, '1', readRounds], 'ms (read rounds only)', onTmpfs, rounds, layout, arena, true, fastPaths, throughRoot);
}

/**
 * open-stat-close: path_open + fd_filestat_get + fd_close of a file 8 directories deep, COUNT
 * times (open_stat times its own loop). Every open walks 9 components in the VFS; with the VFS and
 * tmpfs in different threads each is an IPC call unless the VFS keeps a copy of the entries.
 */
function openStatBench(variant: string, onTmpfs: boolean, rounds: number, layout: Layout, lookupCache = true, fastPaths?: SystemConfig['fastPaths']): Promise<void> {
  // Isolated, a round takes ~10 s: fewer rounds keep the whole suite within 10 minutes.
  if (layout === 'isolated') rounds = Math.min(rounds, lookupCache ? 5 : 3);
  return selfTimedBench('open-stat-close', variant, 'open_stat', ['/sandbox', '8', quick ? '2000' : '10000'], 'ms (open loop only)', onTmpfs, rounds, layout, DEFAULT_ARENA_CONFIG, lookupCache, fastPaths);
}

/**
 * readdir: a directory of 10k empty files listed (opendir, readdir to the end, closedir) ROUNDS
 * times; readdir_bench times the listings only, not the files' creation.
 */
function readdirBench(layout: Layout, rounds: number): Promise<void> {
  const listings = quick ? 5 : 20;
  return selfTimedBench('readdir', `10k entries ×${listings}, tmpfs`, 'readdir_bench', ['/sandbox', '10000', String(listings)], 'ms (listings only)', true, rounds, layout);
}

/**
 * A workload that times its own loop and writes the nanoseconds to /out/time (a host directory),
 * run under Keel (on tmpfs or the host directory) and node:wasi (on the host directory).
 */
async function selfTimedBench(name: string, variant: string, program: string, args: string[], unit: string, onTmpfs: boolean, rounds: number, layout: Layout, arena: ArenaConfig = DEFAULT_ARENA_CONFIG, lookupCache = true, fastPaths?: SystemConfig['fastPaths'], throughRoot = false): Promise<void> {
  variant = layout === 'default' ? variant : `${variant} [all ${layout}]`;
  progress(`${name}: ${variant}`);
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
  const module = new WebAssembly.Module(readFileSync(prog(program)));
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), placed(layout, { hostDirs: [{ hostPath: dir, vfsPath: '/mnt/0' }] }, lookupCache, fastPaths), arena);
  const timeOf = (): number => Number(readFileSync(join(dir, 'time'), 'utf8')) / 1e6;
  try {
    const k: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // throughRoot: the program is given Keel's root and names the host directory by its mount
      // point, as a program under `keel boot` does (no direct grant: every open is the VFS's).
      const argv = [program, ...args, throughRoot ? '/mnt/0/time' : '/out/time'];
      const preopens = throughRoot ? [{ guestPath: '/', vfsPath: '/' }] : [{ guestPath: '/sandbox', vfsPath: onTmpfs ? '/tmp' : '/mnt/0' }, { guestPath: '/out', vfsPath: '/mnt/0' }];
      const { handle } = system.spawnWasm({ program, module, args: argv, env: [], preopens });
      const status = await system.wait(handle);
      if (status.kind !== 'exited' || status.code !== 0) throw new Error(`${program} failed under Keel: ${JSON.stringify(status)}`);
      k.push(timeOf());
      await baselineRun(module, argv, throughRoot ? { '/mnt/0': dir } : { '/sandbox': dir, '/out': dir });
      b.push(timeOf());
    }
    record({ benchmark: name, variant, keel: median(k), baseline: median(b), unit });
  } finally {
    await system.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 100 MiB through a pipe between two processes: Keel's shell runs `blast | sink` (two wasm
 * processes, a VFS pipe between them, whose ring their local kernels work on in place unless
 * `rings` is false); the baseline runs the same two programs under node:wasi in
 * two host processes joined by a host pipe (`sh -c 'node … | node …'`). Both: start to exit.
 */
async function pipeBench(layout: Layout, rings = true): Promise<void> {
  const mib = quick ? 20 : 100;
  const variant = `${mib} MiB blast | sink${rings ? '' : ', no pipe rings'}${layout === 'default' ? '' : ` [all ${layout}]`}`;
  progress(`pipe: ${variant}`);
  const build = join(root, 'programs/c/build');
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), placed(layout, { hostDirs: [{ hostPath: build, vfsPath: '/host' }], session: { programs: PROGRAM_NAMES } }, true, rings ? undefined : { directPipes: false }));
  const runner = join(root, 'dist/test/support/node-wasi-run.js');
  try {
    const k: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const t0 = performance.now();
      const { handle } = system.spawnWasm({ program: '/bin/sh', path: '/bin/sh', args: ['sh', '-c', `/host/blast.wasm ${mib} | /host/sink.wasm ${mib}`], env: ['PATH=/bin', 'PWD=/'], preopens: [{ guestPath: '/', vfsPath: '/' }] });
      const status = await system.wait(handle);
      if (status.kind !== 'exited' || status.code !== 0) throw new Error(`pipe bench failed under Keel: ${JSON.stringify(status)}`);
      k.push(performance.now() - t0);
      const t1 = performance.now();
      const r = spawnSync('sh', ['-c', `node --no-warnings ${runner} ${prog('blast')} ${mib} | node --no-warnings ${runner} ${prog('sink')} ${mib}`], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('pipe bench failed under node:wasi');
      b.push(performance.now() - t1);
    }
    record({ benchmark: 'pipe', variant, keel: median(k), baseline: median(b), unit: 'ms (start to exit)' });
  } finally {
    await system.shutdown();
  }
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stderr.write(`Keel benchmarks${quick ? ' (quick)' : ''} on ${cpus().length} × ${cpu}, node ${process.version}\n`);
  if (wanted('start-up')) startupBench(quick, record, progress);
  if (wanted('ipc-null-call')) await ipcNullCall();
  if (wanted('ipc-ring')) await ipcRing();
  const rounds = quick ? 3 : 9;
  const readRounds = quick ? '20' : '100';
  const readCached = (fs: string): string => `1 MiB ×${readRounds} in 4 KiB reads, ${fs}`;
  for (const layout of LAYOUTS) {
    if (wanted('spawn')) await wasmBench('spawn', 'hello world, spawn to exit', 'hello', () => [], quick ? 5 : 21, true, layout);
    if (wanted('syscall-null')) await wasmBench('syscall-null', 'clock_time_get ×1M', 'clock_null', () => [String(quick ? 200_000 : 1_000_000)], rounds, true, layout);
    if (wanted('file-write-small')) await wasmBench('file-write-small', '100k × 64 B, tmpfs', 'write_small', (d) => [`${d}/w`, quick ? '20000' : '100000', '64'], rounds, true, layout);
    if (wanted('file-read-cached')) await readCachedBench(readCached('tmpfs'), true, rounds, layout);
    if (wanted('open-stat-close')) await openStatBench('8 directories deep, tmpfs', true, rounds, layout);
    if (wanted('readdir')) await readdirBench(layout, rounds);
  }
  if (wanted('open-stat-close')) {
    // The VFS and tmpfs in different workers, without the VFS's copy of tmpfs's entries.
    await openStatBench('8 directories deep, tmpfs, no lookup cache', true, rounds, 'isolated', false);
    // Ablation: what the attributes returned by open (fstat without a call) and the close carried
    // by the next open each buy, alone and together, in the default placement; and on a host
    // directory, which gets no attributes (the host changes its files behind Keel's back).
    await openStatBench('8 directories deep, tmpfs, no open attributes', true, rounds, 'default', true, { changeWords: false });
    await openStatBench('8 directories deep, tmpfs, closes sent at once', true, rounds, 'default', true, { deferredClose: false });
    await openStatBench('8 directories deep, tmpfs, neither', true, rounds, 'default', true, { changeWords: false, deferredClose: false });
    await openStatBench('8 directories deep, hostfs', false, rounds, 'default');
    await openStatBench('8 directories deep, hostfs', false, rounds, 'isolated');
    // Ablation: every open on the host directory the VFS's (docs/decisions/025-local-opens.md).
    await openStatBench('8 directories deep, hostfs, no local opens', false, rounds, 'default', true, { localOpens: false });
  }
  if (wanted('file-read-cached')) {
    // The same reads with no page cache (no tokens: every read is IPC), and on a host directory.
    const noCache = { ...DEFAULT_ARENA_CONFIG, cacheEntries: 0, cachePages: 0 };
    await readCachedBench(`${readCached('tmpfs')}, no tokens`, true, rounds, 'default', noCache);
    await readCachedBench(readCached('hostfs'), false, rounds, 'default');
    await readCachedBench(`${readCached('hostfs')}, no tokens`, false, rounds, 'default', noCache);
    // With every open the VFS's, hostfs keeps its page cache: tokens serve the reads.
    await readCachedBench(`${readCached('hostfs')}, no local opens`, false, rounds, 'default', DEFAULT_ARENA_CONFIG, { localOpens: false });
    // Named through Keel's root, as under `keel boot`: the VFS opens it, and hostfs's copy serves
    // its reads while programs elsewhere may write host files themselves (decision 026).
    await readCachedBench(`${readCached('hostfs')}, through the root`, false, rounds, 'default', DEFAULT_ARENA_CONFIG, undefined, true);
    await readCachedBench(`${readCached('hostfs')}, through the root, no tokens`, false, rounds, 'default', noCache, undefined, true);
  }
  if (wanted('under-load')) {
    for (const row of await underLoad(quick, placed('default', {}), prog, new URL('./node-wasi-worker.js', import.meta.url), progress)) record(row);
  }
  if (wanted('pipe')) {
    for (const layout of LAYOUTS) await pipeBench(layout);
    // Ablation: every pipe read and write a call to the VFS (docs/decisions/019-pipe-rings.md).
    await pipeBench('default', false);
    await pipeBench('isolated', false);
  }
  if (wanted('shell-script')) for (const row of await shellScripts(quick, progress)) record(row);
  if (wanted('compile')) for (const row of await compileBench(quick, progress)) record(row);
  if (wanted('real-program')) {
    // SQLite doing real work on a database file: in Keel's tmpfs under each placement, and on a
    // host directory (hostfs) like node:wasi.
    const sqlRows = quick ? 5000 : 20000;
    const sql = (fs: string): string => `SQLite, ${sqlRows} rows: insert, index, query, update, ${fs}`;
    const sqlArgs = (d: string): string[] => [`${d}/bench.db`, String(sqlRows)];
    const sqlRounds = quick ? 3 : 5; // each run takes seconds: fewer rounds keep the suite within 10 minutes
    for (const layout of LAYOUTS) await wasmBench('real-program', sql('tmpfs'), 'sqlite_bench', sqlArgs, sqlRounds, true, layout);
    // Ablation: one change word per file system, no slots (its lock directory's churn revokes every kept stat).
    await wasmBench('real-program', sql('tmpfs, no change slots'), 'sqlite_bench', sqlArgs, sqlRounds, true, 'isolated', DEFAULT_ARENA_CONFIG, { changeSlots: false });
    for (const layout of LAYOUTS) await wasmBench('real-program', sql('hostfs'), 'sqlite_bench', sqlArgs, sqlRounds, false, layout);
    // Ablation: every call on the database file and in its directory is hostfs's (docs/decisions/024-direct-host-files.md).
    await wasmBench('real-program', sql('hostfs, no direct host files'), 'sqlite_bench', sqlArgs, sqlRounds, false, 'default', DEFAULT_ARENA_CONFIG, { directHostFiles: false });
    await wasmBench('real-program', sql('hostfs, no local opens'), 'sqlite_bench', sqlArgs, sqlRounds, false, 'default', DEFAULT_ARENA_CONFIG, { localOpens: false });
    // As a user runs it: `keel run --dir`, whole process, against node:wasi's whole process.
    progress(`real-program: ${sql('host directory')}, keel run --dir (whole process)`);
    const whole = wholeProcess(root, prog('sqlite_bench'), sqlArgs('/sandbox'), sqlRounds);
    record({ benchmark: 'real-program', variant: `${sql('host directory')}, keel run --dir (whole process)`, keel: whole.keel, baseline: whole.baseline, unit: 'ms (whole process)' });
    await wasmBench('real-program', sql('diskfs'), 'sqlite_bench', sqlArgs, sqlRounds, 'diskfs');
  }
  if (wanted('durable-append')) {
    // 64-byte records, each fsynced before the next (fault_writer): what a log or a database
    // commit costs. node:wasi fsyncs a host file; Keel's hostfs does the same through IPC; diskfs
    // commits a journal transaction to its image per fsync.
    const records = quick ? '100' : '500';
    const appendArgs = (d: string): string[] => [`${d}/log`, '1', '0', records];
    await wasmBench('durable-append', `${records} × (64 B write, fsync, ack on stdout), hostfs`, 'fault_writer', appendArgs, rounds, false);
    await wasmBench('durable-append', `${records} × (64 B write, fsync, ack on stdout), hostfs, no direct host files`, 'fault_writer', appendArgs, rounds, false, 'default', DEFAULT_ARENA_CONFIG, { directHostFiles: false });
    await wasmBench('durable-append', `${records} × (64 B write, fsync, ack on stdout), diskfs`, 'fault_writer', appendArgs, rounds, 'diskfs');
  }
  if (wanted('file-write-small')) {
    const smallWrites = (d: string): string[] => [`${d}/w`, quick ? '20000' : '100000', '64'];
    await wasmBench('file-write-small', '100k × 64 B, hostfs', 'write_small', smallWrites, rounds, false);
    await wasmBench('file-write-small', '100k × 64 B, hostfs, no direct host files', 'write_small', smallWrites, rounds, false, 'default', DEFAULT_ARENA_CONFIG, { directHostFiles: false });
    // Ablation: every write through the VFS (no direct files), with the VFS in a worker of its own
    // (three threads a write) and coalesced with tmpfs (one thread either way).
    await wasmBench('file-write-small', '100k × 64 B, tmpfs, no direct files', 'write_small', smallWrites, rounds, true, 'isolated', DEFAULT_ARENA_CONFIG, { directFiles: false });
    await wasmBench('file-write-small', '100k × 64 B, tmpfs, no direct files', 'write_small', smallWrites, rounds, true, 'default', DEFAULT_ARENA_CONFIG, { directFiles: false });
  }

  const header = ['benchmark', 'variant', 'keel', 'node:wasi', 'ratio', 'unit'];
  const table = rows.map((r) => [r.benchmark, r.variant, r.keel.toFixed(r.keel < 100 ? 2 : 0), r.baseline === null ? '-' : r.baseline.toFixed(2), r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`, r.unit]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\nmachine: ${cpus().length} × ${cpu}; node ${process.version}; ${new Date().toISOString()}${quick ? '; quick run' : ''}`);
  console.log(line(header));
  for (const row of table) console.log(line(row));
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const stem = quick ? 'latest-quick' : 'latest';
  writeFileSync(join(outDir, `${stem}.json`), JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpu, node: process.version }, quick, rows }, null, 2) + '\n');
  writeFileSync(join(outDir, `${stem}.svg`), await ratioChart(rows, `Keel benchmarks${quick ? ' (quick)' : ''} — ${cpus().length} × ${cpu}, node ${process.version}`));
  console.log(`results: bench/results/${stem}.json, chart: bench/results/${stem}.svg`);
}

await main();

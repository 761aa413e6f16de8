/**
 * A program run as a user runs it, whole process: `keel run --dir DIR::/sandbox PROGRAM ARGS`
 * (Keel's `run` manifest: the services in the kernel thread, the program in a worker) against
 * node:wasi in a fresh `node` with the same command-line shape (test/support/node-wasi-run.ts),
 * each on a host directory of its own made fresh for every run; the medians of ROUNDS alternating
 * runs, start-up and exit included.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './median.js';

function timed(args: readonly string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-whole-'));
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, args.map((a) => a.replace('DIR', dir)), { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median whole-process times (ms) of `keel run` and of node:wasi, for `program` with `args` (paths under /sandbox). */
export function wholeProcess(root: string, program: string, args: readonly string[], rounds: number): { keel: number; baseline: number } {
  const keel: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < rounds; i++) {
    keel.push(timed([join(root, 'bin/keel.js'), 'run', '--dir', 'DIR::/sandbox', program, ...args]));
    base.push(timed(['--no-warnings', join(root, 'dist/test/support/node-wasi-run.js'), '--dir', 'DIR::/sandbox', program, ...args]));
  }
  return { keel: median(keel), baseline: median(base) };
}

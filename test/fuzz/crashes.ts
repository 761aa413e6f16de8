/**
 * `npm run crashes`: the diskfs crash test. A child process runs Keel with a diskfs on a disk
 * image and fault_writer appending records, each fsynced before it is acknowledged; the child is
 * SIGKILLed at a random moment, N times (default 100; --quick 10, as CI runs it). After each
 * kill the image must pass fsck untouched, mount (replaying its journal), and hold every
 * acknowledged record, in order, with no torn or foreign bytes (test/support/crash-loop.ts).
 * Prints the figures; exits 1 on any loss, garbage, fsck error or a writer that never started.
 *
 *   --kills N   (default 100)   --quick   (10)   --seed S   --verbose (a line per kill)
 */

import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashLoop } from '../support/crash-loop.js';

const { values } = parseArgs({ options: { kills: { type: 'string' }, quick: { type: 'boolean', default: false }, seed: { type: 'string', default: '1' }, verbose: { type: 'boolean', default: false } } });
const KILLS = values.kills ? Number(values.kills) : values.quick ? 10 : 100;
if (!Number.isSafeInteger(KILLS) || KILLS < 1) throw new Error(`--kills: not a positive integer: ${values.kills}`);

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

const dir = mkdtempSync(join(tmpdir(), 'keel-crashes-'));
const image = join(dir, 'disk.img');
const started = performance.now();
try {
  const t = await crashLoop(image, KILLS, random(Number(values.seed)), (round, tally) => {
    if (values.verbose) console.error(`kill ${round + 1}: ${tally.recordsOnDisk} records on disk, ${tally.acked} acknowledged so far, ${tally.lost} lost`);
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`SIGKILLs:                   ${t.kills}`);
  console.log(`records acknowledged:       ${t.acked} (each after fsync)`);
  console.log(`records on disk at the end: ${t.recordsOnDisk} (${statSync(image).blocks * 512} bytes of image allocated)`);
  console.log(`acknowledged records lost:  ${t.lost}`);
  console.log(`torn or foreign bytes:      ${t.garbage}`);
  console.log(`journal transactions replayed after kills: ${t.replayed}`);
  console.log(`fsck errors:                ${t.fsckErrors.length}${t.fsckErrors.length ? `\n  ${t.fsckErrors.slice(0, 10).join('\n  ')}` : ''}`);
  console.log(`rounds with no ack:         ${t.stuck}`);
  console.log(`time:                       ${seconds.toFixed(1)} s`);
  process.exitCode = t.lost === 0 && t.garbage === 0 && t.fsckErrors.length === 0 && t.stuck === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

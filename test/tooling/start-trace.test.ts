/**
 * KEEL_TRACE_START=1 (src/platform/node/start-trace.ts, read by the start-up bench): `keel run`
 * marks every phase once, on the thread it belongs to, in an order the run makes possible, and
 * the program's own output is untouched; without the variable nothing is marked.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = (env: Record<string, string>): { stdout: string; stderr: string; status: number | null } => {
  const r = spawnSync(process.execPath, [join(root, 'bin/keel.js'), 'run', join(root, 'programs/c/build/hello.wasm')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
};

test('keel run marks each start-up phase once, in order, on its thread', () => {
  const r = run({ KEEL_TRACE_START: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello, world\n');
  const marks = r.stderr.split('\n').filter((l) => l.startsWith('keel-start ')).map((l) => {
    const [, at, ...rest] = l.split(' ');
    const phase = rest.pop()!;
    return { at: Number(at), thread: rest.join(' '), phase };
  });
  const at = (phase: string): number => {
    const m = marks.filter((x) => x.phase === phase);
    assert.equal(m.length, 1, `one ${phase} mark (${JSON.stringify(marks)})`);
    return m[0]!.at;
  };
  for (const phase of ['command', 'workers', 'loaded', 'booted', 'spawned', 'ended', 'exit']) assert.equal(marks.find((x) => x.phase === phase)?.thread, 'main', phase);
  for (const phase of ['worker', 'process']) assert.match(marks.find((x) => x.phase === phase)?.thread ?? '', /^worker \d+$/, phase);
  // The process ends before the worker marks `done`, and the command does not wait for the mark
  // (exit waits on nothing a one-shot run does not need): on a busy machine it may not be made.
  const done = marks.find((x) => x.phase === 'done');
  if (done) assert.match(done.thread, /^worker \d+$/, 'done');
  const inOrder = (...phases: string[]): void => {
    for (let i = 1; i < phases.length; i++) assert.ok(at(phases[i - 1]!) <= at(phases[i]!), `${phases[i - 1]} before ${phases[i]}`);
  };
  inOrder('command', 'workers', 'loaded', 'booted', 'spawned', 'ended', 'exit');
  // The worker's side: it may take the process before the main thread marks `spawned`, and mark
  // `done` after the main thread has the status; what the run orders is this.
  inOrder('workers', 'worker', 'process');
  if (done) inOrder('process', 'done');
  inOrder('booted', 'process', 'ended');
});

test('without KEEL_TRACE_START nothing is marked', () => {
  const r = run({ KEEL_TRACE_START: '' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});

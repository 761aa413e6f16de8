/**
 * The system memory budget with real programs: under a small budget (48 MiB), one program holds
 * 32 MiB; a second growing by 32 MiB is the one killed (SIGKILL, limit 'memory', a line in the
 * kernel log) while the first goes on; a program whose initial memory does not fit is refused at
 * spawn (NO_MEMORY); a child started inside Keel that grows past it is killed the same way and
 * its parent sees 137; once the first ends, its memory is free again. The system keeps serving
 * throughout. Also: a program's memory maximum is capped at the budget (malloc fails there), the
 * option is validated, and `keel run --memory` sets it. Runs under whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootKeel, KeelError } from '../../src/platform/node/index.js';
import { prog, withKeel, within } from '../support/api-helpers.js';

const MIB = 1024 * 1024;
const build = dirname(prog('hog'));
const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));
const isCode = (code: string) => (e: unknown): boolean => e instanceof KeelError && e.code === code;

test('over the budget: the program that grows past it is killed, a spawn that cannot fit is refused, the rest goes on', async () => {
  await withKeel(async (keel) => {
    let seen = '';
    let grabbed = (): void => {};
    const holding = new Promise<void>((resolve) => { grabbed = resolve; });
    const a = await keel.spawn(prog('hog'), {
      args: ['hog', 'grab', '32', 'hold'], stdin: 'pipe',
      stdout: { write: (chunk: Uint8Array) => { seen += new TextDecoder().decode(chunk); if (seen.includes('grabbed')) grabbed(); } },
    });
    await within(holding, 20_000, 'the first program holding 32 MiB');

    // 32 MiB more takes the programs past 48: the grower is killed, at its next system call.
    const b = await within(keel.run(prog('hog'), { args: ['hog', 'grab', '32'] }), 20_000, 'the second program');
    assert.deepEqual(b.status, { kind: 'killed', signal: 9, limit: 'memory' });
    assert.equal(b.limit, 'memory');
    assert.equal(b.exitCode, 137);
    assert.equal(b.stdout, '', 'killed before its output got out');
    assert.ok(keel.kernelMessages().some((l) => /killed: its memory took the programs over the memory budget/.test(l)), keel.kernelMessages().join('\n'));

    // A program whose initial memory (24 MiB of static data) cannot fit beside the 32 is refused.
    await assert.rejects(keel.spawn(prog('bigstart')), (e: unknown) => isCode('NO_MEMORY')(e) && /memory budget/.test((e as Error).message));

    // A child started inside Keel that grows past it is killed the same way; its parent sees 137.
    const c = await within(keel.run(prog('spawner'), { args: ['spawner', 'wait', '/progs/hog.wasm', 'hog', 'grab', '32'], dirs: ['/progs'] }), 20_000, 'a child growing past the budget');
    assert.equal(c.stdout, 'child exited 137\n', c.stderr);

    // The first program was never touched, and the system keeps serving.
    assert.equal(await a.stdin!.write('still here\n'), true);
    const hello = await within(keel.run(prog('hello')), 20_000, 'hello under the budget');
    assert.equal(hello.stdout, 'hello, world\n');
    await a.stdin!.end();
    const ar = await within(a.result(), 20_000, 'the first program');
    assert.deepEqual(ar.status, { kind: 'exited', code: 0 });
    assert.equal(seen, 'grabbed 32 MiB\nstill here\n');

    // Its memory has left the ledger: the same growth fits now, and so does bigstart.
    const again = await within(keel.run(prog('hog'), { args: ['hog', 'grab', '32'] }), 20_000, 'growing once the memory is free');
    assert.deepEqual(again.status, { kind: 'exited', code: 0 }, again.stderr);
    assert.equal((await within(keel.run(prog('bigstart')), 20_000, 'bigstart')).stdout, 'started 1\n');
  }, { memoryBudget: 48 * MIB, dirs: { '/progs': build } });
});

test('a program\'s memory maximum is capped at the budget: malloc fails there, nothing is killed', async () => {
  await withKeel(async (keel) => {
    const r = await within(keel.run(prog('hog'), { args: ['hog', 'memory', '256'] }), 20_000, 'hog memory');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    const kib = Number(/^allocated (\d+) KiB/.exec(r.stdout)?.[1]);
    assert.ok(kib > 16 * 1024 && kib < 24 * 1024, `allocated ${kib} KiB under a 24 MiB budget`);
    // A limit above the budget is held to the budget.
    const over = await within(keel.run(prog('hog'), { args: ['hog', 'memory', '256'], limits: { memoryBytes: 64 * MIB } }), 20_000, 'hog memory, limit over the budget');
    assert.ok(Number(/^allocated (\d+) KiB/.exec(over.stdout)?.[1]) < 24 * 1024, over.stdout);
  }, { memoryBudget: 24 * MIB });
});

test('memoryBudget must be at least 1 MiB', async () => {
  for (const memoryBudget of [0, 1000, -1, Number.NaN]) {
    await assert.rejects(bootKeel({ memoryBudget }), (e: unknown) => isCode('BAD_OPTION')(e) && /memoryBudget/.test((e as Error).message), String(memoryBudget));
  }
});

test('keel run --memory SIZE sets the budget; a bad size is a usage error', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [keelBin, 'run', ...args], { encoding: 'utf8', timeout: 60_000 });
  const capped = run(['--memory', '16M', prog('hog'), 'grab', '24']);
  assert.equal(capped.stdout, 'grab: malloc failed\n', capped.stderr);
  assert.equal(capped.status, 1);
  const roomy = run(['--memory', '1G', prog('hog'), 'grab', '24']);
  assert.equal(roomy.stdout, 'grabbed 24 MiB\n', roomy.stderr);
  const bad = run(['--memory', 'lots', prog('hello')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--memory lots: expected a size/);
});

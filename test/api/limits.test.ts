/**
 * Resource limits and signals through the package entry point only: limits.memoryBytes caps the
 * module's memory (malloc fails past it), limits.timeMs kills with SIGKILL and `limit: 'time'`,
 * limits.openFiles counts the standard fds and the preopens, bad values are BAD_OPTION; and
 * KeelProcess.kill sends signals until the process has ended.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeelError, type Limits } from '../../src/platform/node/index.js';
import { prog, withKeel, within } from '../support/api-helpers.js';

const hog = prog('hog');
const build = dirname(hog);
const KIB = 1024;
const MIB = 1024 * 1024;
/** A safety net for runs that would otherwise go on for long if a limit failed to apply. */
const SAFETY_MS = 30_000;


const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The number of live timers once it is `want`, or the last count seen after `ms`. The kernel loop
 * takes a zero-delay timer now and then while it is busy, so one look could see one extra.
 */
async function timersReach(want: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let n = timers();
  while (n !== want && Date.now() < deadline) {
    await turn();
    n = timers();
  }
  return n;
}

/** The timers the system keeps while idle: the least seen over a few event-loop turns. */
async function idleTimers(): Promise<number> {
  let least = timers();
  for (let i = 0; i < 50; i++) {
    await turn();
    least = Math.min(least, timers());
  }
  return least;
}


/** The KiB `hog memory STEP` reports: it mallocs until malloc fails, then exits 0. */
function allocatedKiB(stdout: string): number {
  const m = /^allocated (\d+) KiB\n$/.exec(stdout);
  assert.ok(m, `hog memory printed ${JSON.stringify(stdout)}`);
  return Number(m[1]);
}

const isCode = (code: string) => (e: unknown): boolean => e instanceof KeelError && e.code === code;

test('memoryBytes caps the memory a program can allocate, for bytes, a host path and a Keel path', async () => {
  await withKeel(async (keel) => {
    const bytes = new Uint8Array(readFileSync(hog));
    for (const program of [hog, bytes, { path: '/progs/hog.wasm' }]) {
      const what = typeof program === 'string' ? 'host path' : program instanceof Uint8Array ? 'bytes' : 'Keel path';
      const r = await within(keel.run(program, { args: ['hog', 'memory', '256'], limits: { memoryBytes: 8 * MIB, timeMs: SAFETY_MS } }), SAFETY_MS + 5_000, `hog memory (${what})`);
      assert.deepEqual(r.status, { kind: 'exited', code: 0 }, `${what}: malloc failed and hog exited by itself (${r.stderr})`);
      const kib = allocatedKiB(r.stdout);
      assert.ok(kib < 8 * 1024, `${what}: allocated ${kib} KiB under an 8 MiB limit`);
      assert.ok(kib >= 6 * 1024, `${what}: allocated ${kib} KiB, most of the 8 MiB is usable`);
    }
    // The cap follows the limit: twice the limit, about twice the memory.
    const big = await within(keel.run(hog, { args: ['hog', 'memory', '256'], limits: { memoryBytes: 16 * MIB, timeMs: SAFETY_MS } }), SAFETY_MS + 5_000, 'hog memory 16 MiB');
    const kib = allocatedKiB(big.stdout);
    assert.ok(kib > 8 * 1024 && kib < 16 * 1024, `allocated ${kib} KiB under a 16 MiB limit`);
  }, { dirs: { '/progs': build } });
});

test('memoryBytes with a compiled module is BAD_OPTION; below the initial memory it is LIMIT', async () => {
  await withKeel(async (keel) => {
    const bytes = new Uint8Array(readFileSync(hog));
    const module = new WebAssembly.Module(bytes);
    await assert.rejects(keel.run(module, { args: ['hog', 'memory', '256'], limits: { memoryBytes: 8 * MIB } }),
      (e: unknown) => isCode('BAD_OPTION')(e) && /memoryBytes/.test((e as Error).message));
    await assert.rejects(keel.spawn(module, { args: ['hog', 'spin'], limits: { memoryBytes: 8 * MIB } }), isCode('BAD_OPTION'));
    // The same module without the limit runs: the refusal is about the limit only.
    const ok = await keel.run(module, { args: ['hog', 'echo'], stdin: 'x\n' });
    assert.equal(ok.stdout, 'x\n');

    // hog's memory starts at two 64 KiB pages: a one-page limit cannot be met.
    await assert.rejects(keel.run(hog, { args: ['hog', 'memory', '1'], limits: { memoryBytes: 64 * KIB } }),
      (e: unknown) => isCode('LIMIT')(e) && /memory starts/.test((e as Error).message));
    await assert.rejects(keel.run(bytes, { args: ['hog', 'memory', '1'], limits: { memoryBytes: 64 * KIB } }), isCode('LIMIT'));
    // Exactly the initial memory is allowed (and leaves malloc very little).
    const tight = await within(keel.run(hog, { args: ['hog', 'memory', '1'], limits: { memoryBytes: 128 * KIB, timeMs: SAFETY_MS } }), SAFETY_MS + 5_000, 'hog at its initial memory');
    assert.equal(tight.exitCode, 0, tight.stderr);
    assert.ok(allocatedKiB(tight.stdout) < 128, tight.stdout);
  });
});

test("timeMs kills a program that runs too long: SIGKILL, limit 'time', exit code 137", async () => {
  await withKeel(async (keel) => {
    const started = Date.now();
    const r = await within(keel.run(hog, { args: ['hog', 'spin'], limits: { timeMs: 300 } }), 20_000, 'hog spin under a time limit');
    assert.ok(Date.now() - started >= 300, 'not killed before its time');
    assert.deepEqual(r.status, { kind: 'killed', signal: 9, limit: 'time' });
    assert.equal(r.limit, 'time');
    assert.equal(r.exitCode, 137);
    assert.equal(r.stdout, '');

    const p = await keel.spawn(hog, { args: ['hog', 'spin'], limits: { timeMs: 200 } });
    assert.deepEqual(await within(p.exited, 20_000, 'exited'), { kind: 'killed', signal: 9, limit: 'time' });
  });
});

test('a program that ends within its time limit is not marked, and its timer goes when it exits', async () => {
  await withKeel(async (keel) => {
    const before = await idleTimers();
    const p = await keel.spawn(hog, { args: ['hog', 'echo'], stdin: 'pipe', limits: { timeMs: 60_000 } });
    assert.equal(await timersReach(before + 1, 5_000), before + 1, 'the time limit is a timer while the program runs');
    await p.stdin!.write('in time\n');
    await p.stdin!.end();
    const r = await within(p.result(), 20_000, 'hog echo');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 });
    assert.equal(r.exitCode, 0);
    assert.equal(r.limit, undefined);
    assert.equal(r.stdout, 'in time\n');
    // Long before the 60 s limit, and without a shutdown.
    assert.equal(await timersReach(before, 5_000), before, 'the timer is cleared when the program exits');
  });
});

test('openFiles counts fds 0, 1, 2 and every preopen; past it open fails with EMFILE', async () => {
  await withKeel(async (keel) => {
    await keel.mkdir('/scratch');
    const fds = (limits: Limits, options: { dirs?: string[]; cwd?: string; path?: string } = {}) =>
      within(keel.run(hog, { args: ['hog', 'fds', options.path ?? '/progs/hog.wasm'], limits, ...options }), 20_000, 'hog fds');
    // 10 = stdin, stdout, stderr + the one boot directory preopened (/progs) + 6 opens.
    const one = await fds({ openFiles: 10 });
    assert.equal(one.exitCode, 0);
    assert.equal(one.stdout, 'opened 6: No file descriptors available\n');
    // A second preopen takes one more.
    assert.equal((await fds({ openFiles: 10 }, { dirs: ['/progs', '/scratch'] })).stdout, 'opened 5: No file descriptors available\n');
    // cwd is a preopen too ('.'), and relative paths resolve in it.
    assert.equal((await fds({ openFiles: 10 }, { dirs: ['/progs'], cwd: '/scratch' })).stdout, 'opened 5: No file descriptors available\n');
    assert.equal((await fds({ openFiles: 10 }, { dirs: [], cwd: '/progs', path: 'hog.wasm' })).stdout, 'opened 6: No file descriptors available\n');
    // Exactly the fds it starts with: nothing more opens.
    assert.equal((await fds({ openFiles: 4 })).stdout, 'opened 0: No file descriptors available\n');
    // Fractions round down.
    assert.equal((await fds({ openFiles: 10.9 })).stdout, 'opened 6: No file descriptors available\n');
    // Without the limit, far more open.
    const free = /^opened (\d+): /.exec((await fds({})).stdout);
    assert.ok(free && Number(free[1]) > 100, `without a limit: ${free?.[0]}`);
  }, { dirs: { '/progs': build } });
});

test('limit values out of range are BAD_OPTION and start nothing', async () => {
  await withKeel(async (keel) => {
    const bad: Limits[] = [
      { memoryBytes: 100 }, { memoryBytes: -1 }, { memoryBytes: Number.NaN }, { memoryBytes: Number.POSITIVE_INFINITY },
      { timeMs: 0 }, { timeMs: -5 }, { timeMs: Number.NaN }, { timeMs: Number.POSITIVE_INFINITY },
      { openFiles: 2 }, { openFiles: 0 }, { openFiles: Number.NaN }, { openFiles: Number.POSITIVE_INFINITY },
    ];
    const threads = keel.liveThreads();
    for (const limits of bad) {
      const key = Object.keys(limits)[0]!;
      await assert.rejects(keel.spawn(hog, { args: ['hog', 'spin'], limits }),
        (e: unknown) => isCode('BAD_OPTION')(e) && (e as Error).message.includes(`limits.${key}`), `limits ${key}: ${String(Object.values(limits)[0])}`);
    }
    assert.equal(keel.liveThreads(), threads, 'no thread was started for a refused spawn');
    // The smallest accepted values.
    const r = await within(keel.run(prog('hello'), { limits: { openFiles: 3, timeMs: SAFETY_MS } }), SAFETY_MS + 5_000, 'hello at the smallest limits');
    assert.equal(r.stdout, 'hello, world\n', 'no preopen given: three fds are enough');
  });
});

test('kill sends a signal to a running process; after it has ended kill returns false', async () => {
  await withKeel(async (keel) => {
    const p = await keel.spawn(hog, { args: ['hog', 'spin'] });
    assert.ok(Number.isInteger(p.pid) && p.pid > 0);
    assert.equal(p.kill(9), true);
    const status = await within(p.exited, 20_000, 'killed hog');
    assert.deepEqual(status, { kind: 'killed', signal: 9 });
    const r = await p.result();
    assert.equal(r.exitCode, 137);
    assert.equal(r.limit, undefined, 'no limit: killed by the host');
    assert.equal(p.kill(9), false, 'already ended');
    assert.equal(p.kill(), false);
    // result() again: the same answer.
    assert.deepEqual(await p.result(), r);

    // The default signal is SIGTERM.
    const t = await keel.spawn(hog, { args: ['hog', 'spin'], limits: { timeMs: 60_000 } });
    assert.equal(t.kill(), true);
    const tr = await within(t.result(), 20_000, 'terminated hog');
    assert.deepEqual(tr.status, { kind: 'killed', signal: 15 });
    assert.equal(tr.exitCode, 143);
    assert.equal(tr.limit, undefined, 'killed before its time limit');

    // A process that exited by itself cannot be signalled either.
    const h = await keel.spawn(prog('hello'));
    await within(h.exited, 20_000, 'hello');
    assert.equal(h.kill(9), false);
    assert.equal((await h.result()).exitCode, 0);
  });
});

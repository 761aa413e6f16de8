/**
 * Thread reuse: a wasm program that ends by itself retires its process and hands its worker back
 * to the host's pool, so the next process starts on a warm thread. Checked here: later programs
 * on reused threads see only their own arguments, environment and stdio (Keel's own TypeScript
 * programs as well as wasm ones); a trap still retires;
 * a killed program's thread and a thread whose memory grew large are stopped, never reused; the
 * system stays correct through all of it. Runs under whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { prog, waitFor, within } from '../support/api-helpers.js';
import { bootCounting } from '../support/counting-host.js';

const MIB = 1024 * 1024;

test('threads of programs that exited serve the next programs, each seeing only its own args, env and output', async () => {
  const { keel, host } = await bootCounting();
  try {
    const rounds = 16;
    const startedBefore = host().workersStarted;
    const reusedBefore = host().threadsReused;
    for (let i = 0; i < rounds; i++) {
      const r = await within(keel.run(prog('echo_args_env'), { args: ['echo_args_env', `round-${i}`], env: { ROUND: String(i) } }), 20_000, `round ${i}`);
      assert.deepEqual(r.status, { kind: 'exited', code: 0 });
      assert.equal(r.stdout, `argc=2\nargv[0]=echo_args_env\nargv[1]=round-${i}\nenv: ROUND=${i}\n`);
    }
    const started = host().workersStarted - startedBefore;
    const reused = host().threadsReused - reusedBefore;
    // Without reuse every program needs a worker of its own (16); with it, the pool's top-ups only.
    assert.ok(started <= rounds / 2, `${started} workers started for ${rounds} programs`);
    assert.ok(reused >= rounds / 2, `${reused} threads reused over ${rounds} programs`);
  } finally {
    await keel.shutdown();
  }
});

test('Keel\'s own TypeScript programs hand their threads on too, a failing one as well, and the next program is clean', async () => {
  const { keel, host } = await bootCounting({ shell: true });
  try {
    const rounds = 16;
    const startedBefore = host().workersStarted;
    for (let i = 0; i < rounds; i++) {
      const r = await within(keel.run({ path: '/bin/echo' }, { args: ['echo', `round-${i}`] }), 20_000, `round ${i}`);
      assert.deepEqual(r.status, { kind: 'exited', code: 0 });
      assert.equal(r.stdout, `round-${i}\n`);
    }
    const started = host().workersStarted - startedBefore;
    assert.ok(started <= rounds / 2, `${started} workers started for ${rounds} programs`);
    // A program that fails a system call still exits (status 1) and is reused; the next one is clean.
    const failed = await within(keel.run({ path: '/bin/cat' }, { args: ['cat', '/no/such/file'] }), 20_000, 'cat');
    assert.deepEqual(failed.status, { kind: 'exited', code: 1 });
    assert.match(failed.stderr, /cat: .*no\/such\/file/);
    const after = await within(keel.run({ path: '/bin/echo' }, { args: ['echo', 'after'] }), 20_000, 'after');
    assert.equal(after.stdout, 'after\n');
    assert.equal(after.stderr, '');
  } finally {
    await keel.shutdown();
  }
  assert.equal(host().liveThreads(), 0);
});

test('a trap retires the thread; a killed program or a large memory stops it; the next program is unaffected', async () => {
  const { keel, host } = await bootCounting();
  try {
    let reused = host().threadsReused;
    const trapped = await within(keel.run(prog('trap')), 20_000, 'trap');
    assert.equal(trapped.status.kind, 'trapped');
    await waitFor(() => host().threadsReused > reused, 5_000, 'the trapped program\'s thread back in the pool');

    // 96 MiB of memory: more than a reused thread may keep for the garbage collector.
    reused = host().threadsReused;
    const big = await within(keel.run(prog('hog'), { args: ['hog', 'memory', '1024'], limits: { memoryBytes: 96 * MIB } }), 30_000, 'hog memory');
    assert.deepEqual(big.status, { kind: 'exited', code: 0 });
    const spinner = await keel.spawn(prog('hog'), { args: ['hog', 'spin'] });
    spinner.kill(9);
    assert.deepEqual((await within(spinner.result(), 20_000, 'killed spinner')).status, { kind: 'killed', signal: 9 });
    const after = await within(keel.run(prog('echo_args_env'), { args: ['echo_args_env', 'after'] }), 20_000, 'after');
    assert.equal(after.stdout, 'argc=2\nargv[0]=echo_args_env\nargv[1]=after\n');
    await waitFor(() => host().threadsReused === reused + 1, 5_000, 'the last program\'s thread back in the pool');
    assert.equal(host().threadsReused, reused + 1, 'neither the large-memory nor the killed program\'s thread was reused');
  } finally {
    await keel.shutdown();
  }
  assert.equal(host().liveThreads(), 0);
});

/**
 * The pooled thread host (src/platform/common/pooled-host.ts) on real worker threads, through the
 * Node driver with a probe in between that counts what the driver does and can withhold a
 * worker's `idle`: the pool's size comes from the policy (0: no warm worker is ever started, and
 * retired threads still serve the next programs); a burst's threads wait idle for the next burst
 * and are stopped down to the pool's size once it stands still; a retiring thread that never says it is idle is
 * stopped at the grace and never reused; a thread that fails with an uncaught error ends its
 * process with that error; stopAll ends every worker, a retiring one's included, without waiting
 * out its grace; a restarted service takes a standby worker (made a while after boot, or after a
 * restart took one), and the first restart before any exists starts its own.
 * Through all of it the kernel hears of each thread's end exactly once. Runs under
 * whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { Keel } from '../../src/api/keel.js';
import { System } from '../../src/system/system.js';
import { PooledHost } from '../../src/platform/common/pooled-host.js';
import { type PoolPolicy, poolPolicy } from '../../src/platform/common/pool-policy.js';
import type { ThreadDriver, WorkerKind } from '../../src/platform/common/thread-driver.js';
import { nodeKeelHost } from '../../src/platform/node/index.js';
import { nodeThreadDriver } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { MANIFESTS, readManifest, testSystem } from '../support/manifest.js';
import { prog, waitFor, within } from '../support/api-helpers.js';
import { UNCAUGHT_MESSAGE } from '../support/uncaught-error.js';

/** The Node driver, watched: what it started, gave out, terminated and saw end. */
class Probe {
  readonly created: { kind: WorkerKind; worker: Worker }[] = [];
  /** Workers whose `exit` has fired. */
  readonly exited = new Set<Worker>();
  /** The worker each process was given. */
  readonly workerOf = new Map<number, Worker>();
  terminated = 0;
  /** Timers asked for, by their delay (ms). */
  readonly timers: number[] = [];
  /** Withhold every worker's `idle` from the host. */
  dropIdle = false;

  readonly driver: ThreadDriver<Worker> = {
    create: (kind, name, events) => {
      const worker = nodeThreadDriver.create(kind, name, {
        idle: () => {
          if (!this.dropIdle) events.idle();
        },
        failed: (message) => events.failed(message),
        exited: (code) => events.exited(code),
      });
      worker.once('exit', () => this.exited.add(worker));
      this.created.push({ kind, worker });
      return worker;
    },
    run: (worker, start) => {
      this.workerOf.set(start.pid, worker);
      return nodeThreadDriver.run(worker, start);
    },
    terminate: (worker) => {
      this.terminated++;
      return nodeThreadDriver.terminate(worker);
    },
    hold: (worker, keepsHostAlive) => nodeThreadDriver.hold(worker, keepsHostAlive),
    later: (fn, ms) => {
      this.timers.push(ms);
      nodeThreadDriver.later(fn, ms);
    },
  };

  programWorkers(): number {
    return this.created.filter((c) => c.kind === 'program').length;
  }

  /** Every worker it started has really ended. */
  allEnded(): boolean {
    return this.created.every((c) => this.exited.has(c.worker));
  }
}

/** The reasons the kernel was given for the end of each pid's thread. */
function countGone(host: PooledHost<Worker>): Map<number, string[]> {
  const gone = new Map<number, string[]>();
  const kernel = host.kernel!;
  const threadGone = kernel.threadGone.bind(kernel);
  kernel.threadGone = (pid, reason) => {
    gone.set(pid, [...(gone.get(pid) ?? []), reason]);
    threadGone(pid, reason);
  };
  return gone;
}

async function boot(probe: Probe, policy: Partial<PoolPolicy>): Promise<{ keel: Keel; host: PooledHost<Worker>; gone: Map<number, string[]> }> {
  const host = new PooledHost(probe.driver, 0, policy);
  const keel = await Keel.boot({ ...nodeKeelHost, makeSystemHost: () => host }, { shell: false });
  return { keel, host, gone: countGone(host) };
}

test('a pool of size 0 starts no warm worker; retired threads still serve the next programs', async () => {
  const probe = new Probe();
  const { keel, host, gone } = await boot(probe, { size: 0, serviceStandby: 0 });
  const pids: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const p = await keel.spawn(prog('echo_args_env'), { args: ['echo_args_env', `round-${i}`] });
      pids.push(p.pid);
      const r = await within(p.result(), 20_000, `round ${i}`);
      assert.equal(r.stdout, `argc=2\nargv[0]=echo_args_env\nargv[1]=round-${i}\n`);
      await waitFor(() => host.threadsReused === i + 1, 5_000, `round ${i}'s thread back in the pool`);
    }
    assert.equal(probe.programWorkers(), 1, 'one worker served all three programs');
    assert.ok(!probe.timers.includes(poolPolicy().refillDelayMs), 'no refill was ever scheduled');
    for (const pid of pids) assert.deepEqual(gone.get(pid), ['the thread retired']);
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.equal(host.liveThreads(), 0);
  assert.ok(probe.allEnded(), 'every worker ended, the idle one included');
});

test('a burst of programs leaves its threads idle for the next burst; once the pool stands still they are stopped down to its size', async () => {
  const probe = new Probe();
  const { keel, host } = await boot(probe, { size: 1, idleTrimMs: 300, serviceStandby: 0 });
  const burst = async (tag: string): Promise<void> => {
    const ps = await Promise.all([0, 1, 2, 3].map((i) => keel.spawn(prog('echo_args_env'), { args: ['echo_args_env', `${tag}-${i}`] })));
    for (const [i, p] of ps.entries()) assert.equal((await within(p.result(), 20_000, `${tag} ${i}`)).stdout, `argc=2\nargv[0]=echo_args_env\nargv[1]=${tag}-${i}\n`);
  };
  try {
    await burst('first');
    await waitFor(() => host.threadsReused === 4, 5_000, 'the burst\'s four threads back in the pool');
    const started = probe.programWorkers();
    await burst('second');
    assert.equal(probe.programWorkers(), started, 'the second burst started no worker');
    await waitFor(() => host.threadsReused === 8, 5_000, 'back again');
    const live = (): number => probe.created.filter((c) => c.kind === 'program' && !probe.exited.has(c.worker)).length;
    await waitFor(() => live() === 1, 5_000, 'the idle workers beyond the pool\'s size stopped');
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.ok(probe.allEnded());
});

test('a retiring thread that never says it is idle is stopped at the grace, reported gone once, and not reused', async () => {
  const probe = new Probe();
  const { keel, host, gone } = await boot(probe, { retireGraceMs: 100 });
  try {
    probe.dropIdle = true;
    const p = await keel.spawn(prog('echo_args_env'), { args: ['echo_args_env', 'mute'] });
    assert.deepEqual((await within(p.result(), 20_000, 'mute')).status, { kind: 'exited', code: 0 });
    await waitFor(() => gone.has(p.pid), 5_000, 'the silent thread stopped at the grace');
    await within(host.whenGone(p.pid), 5_000, 'whenGone');
    assert.ok(probe.exited.has(probe.workerOf.get(p.pid)!), 'its worker has ended');
    assert.equal(host.threadsReused, 0);
    probe.dropIdle = false;
    const after = await within(keel.run(prog('echo_args_env'), { args: ['echo_args_env', 'after'] }), 20_000, 'after');
    assert.equal(after.stdout, 'argc=2\nargv[0]=echo_args_env\nargv[1]=after\n');
    await waitFor(() => host.threadsReused === 1, 5_000, 'the next program\'s thread back in the pool');
    assert.deepEqual(gone.get(p.pid), ['the thread was stopped'], 'reported gone once');
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.ok(probe.allEnded());
});

test('a thread that fails with an uncaught error ends, once, and its process ends crashed with that error', async () => {
  const probe = new Probe();
  const host = new PooledHost(probe.driver);
  const errors: [number, string][] = [];
  host.onThreadError = (pid, message) => errors.push([pid, message]);
  const system = await System.boot(host, nodeThreadPlatform(null, true), testSystem());
  const gone = countGone(host);
  try {
    const { pid, handle } = system.spawnScript(new URL('../support/uncaught-error.js', import.meta.url).href, [], {});
    const reason = `Error: ${UNCAUGHT_MESSAGE}`;
    assert.deepEqual(await within(system.wait(handle), 20_000, 'the failing script'), { kind: 'crashed', message: reason });
    assert.deepEqual(errors, [[pid, reason]]);
    await within(host.whenGone(pid), 5_000, 'whenGone');
    assert.deepEqual(gone.get(pid), [reason]);
    assert.ok(probe.exited.has(probe.workerOf.get(pid)!), 'its worker has ended');
  } finally {
    await within(system.shutdown(), 10_000, 'shutdown');
  }
  assert.equal(host.liveThreads(), 0);
  assert.ok(probe.allEnded());
});

test('stopAll ends every worker, a retiring one\'s included, without waiting out its grace', async () => {
  const probe = new Probe();
  const { keel, host, gone } = await boot(probe, { retireGraceMs: 600_000 });
  probe.dropIdle = true;
  const p = await keel.spawn(prog('echo_args_env'), { args: ['echo_args_env', 'retiring'] });
  try {
    assert.deepEqual((await within(p.result(), 20_000, 'retiring')).status, { kind: 'exited', code: 0 });
    assert.ok(!gone.has(p.pid), 'the thread is still retiring');
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.deepEqual(gone.get(p.pid), ['the thread was stopped']);
  assert.equal(host.liveThreads(), 0);
  assert.ok(probe.allEnded(), 'every worker ended');
  assert.equal(probe.terminated, probe.created.length, 'each worker was terminated once');
});

test('a restarted service takes a standby worker; with none made yet after boot, the first restart starts its own and leaves one', async () => {
  const probe = new Probe();
  // Standbys after boot only in an hour: the first restart finds none.
  const host = new PooledHost(probe.driver, 0, { size: 0, atBoot: 0, standbyAfterBootMs: 3_600_000 });
  const manifest = readManifest(`${MANIFESTS}isolated.yaml`);
  const keel = await Keel.boot({ ...nodeKeelHost, makeSystemHost: () => host }, { shell: false, manifest });
  const serviceWorkers = (): Worker[] => probe.created.filter((c) => c.kind === 'service').map((c) => c.worker);
  const restartedAs = async (count: number): Promise<number> => {
    await waitFor(() => keel.services().some((s) => s.name === 'devfs' && s.state === 'running' && s.restarts === count), 10_000, `devfs restart ${count}`);
    return keel.services().find((s) => s.name === 'devfs')!.pid;
  };
  try {
    const booted = serviceWorkers().length;
    assert.ok(booted >= 4, 'every service in its own worker');
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(serviceWorkers().length, booted, 'no standby yet');
    keel.killService('devfs');
    const first = await restartedAs(1);
    assert.equal(probe.workerOf.get(first), serviceWorkers()[booted], 'the first restart started a worker of its own');
    await waitFor(() => serviceWorkers().length === booted + 2, 10_000, 'a standby made after the first restart');
    const standby = serviceWorkers()[booted + 1]!;
    keel.killService('devfs');
    const pid = await restartedAs(2);
    assert.equal(probe.workerOf.get(pid), standby, 'the second restart ran in the standby');
    const hello = await within(keel.run(prog('hello')), 20_000, 'a program after the restarts');
    assert.equal(hello.stdout, 'hello, world\n');
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.equal(host.liveThreads(), 0, 'the standby made after the second restart is ended too');
  await waitFor(() => probe.allEnded(), 10_000, 'every worker ended');
});

test('a standby service worker is made after boot when services run in workers, and the first restart takes it', async () => {
  const probe = new Probe();
  const host = new PooledHost(probe.driver, 0, { size: 0, atBoot: 0, standbyAfterBootMs: 10 });
  const keel = await Keel.boot({ ...nodeKeelHost, makeSystemHost: () => host }, { shell: false, manifest: readManifest(`${MANIFESTS}isolated.yaml`) });
  const serviceWorkers = (): Worker[] => probe.created.filter((c) => c.kind === 'service').map((c) => c.worker);
  try {
    const booted = keel.services().length;
    await waitFor(() => serviceWorkers().length === booted + 1, 10_000, 'the standby made after boot');
    const standby = serviceWorkers()[booted]!;
    keel.killService('tmpfs');
    await waitFor(() => keel.services().some((s) => s.name === 'tmpfs' && s.state === 'running' && s.restarts === 1), 10_000, 'tmpfs restarted');
    assert.equal(probe.workerOf.get(keel.services().find((s) => s.name === 'tmpfs')!.pid), standby, 'the first restart ran in the standby');
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown');
  }
  assert.equal(host.liveThreads(), 0);
  await waitFor(() => probe.allEnded(), 10_000, 'every worker ended');
});

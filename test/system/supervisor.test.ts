/**
 * The supervisor: a killed service worker is restarted on the same channel (client handles held
 * before the crash reach the new worker), a program blocked on a pipe carries on across a restart of
 * the VFS and gets an error instead of hanging when the VFS stays down, the restart limit leaves a service down, `policy: never` is honoured, top
 * and the kernel log (dmesg) show the restarts, a restarted tmpfs has its files; a new worker
 * starts only once the old one's thread has stopped; and the watchdog, on real shared memory,
 * finds a worker that leaves calls unclaimed and leaves alone one that is waiting on someone else.
 * Always under the isolated manifest: only a service in a worker can be restarted.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../src/manifest/manifest-schema.js';
import type { Keel, KeelProcess } from '../../src/platform/node/index.js';
import { readManifest } from '../support/manifest.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';
import { Arena, QueueWord, SlotState, SlotWord } from '../../src/ipc/arena.js';
import { Supervisor, groupPolicy } from '../../src/system/supervisor.js';
import type { ServiceInstance } from '../../src/manifest/system-config.js';

const isolatedPath = fileURLToPath(new URL('../../../manifests/isolated.yaml', import.meta.url));

function isolated(restart?: Record<string, Record<string, unknown>>): Manifest {
  const m = readManifest(isolatedPath);
  if (!restart) return m;
  const services = Object.fromEntries(Object.entries(m.services).map(([name, s]) => [name, restart[name] ? { ...s, restart: restart[name] } : s]));
  return { ...m, services } as Manifest;
}

async function restarted(keel: Keel, name: string, count: number): Promise<void> {
  await waitFor(() => keel.services().some((s) => s.name === name && s.state === 'running' && s.restarts === count), 10_000, `${name} restart ${count}`);
}

test('a killed VFS is restarted: programs run again, the host session reopens, tmpfs kept the files', async () => {
  const log: string[] = [];
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/kept', 'still here');
    const before = keel.services().find((s) => s.name === 'vfs')!;
    assert.equal(keel.killService('vfs'), before.pid);
    await restarted(keel, 'vfs', 1);
    const after = keel.services().find((s) => s.name === 'vfs')!;
    assert.notEqual(after.pid, before.pid);
    assert.equal(new TextDecoder().decode(await keel.readFile('/tmp/kept')), 'still here');
    const hello = await within(keel.run(prog('hello')), 20_000, 'hello after restart');
    assert.equal(hello.stdout, 'hello, world\n');
    const top = await within(keel.run({ path: '/bin/top' }, { args: ['top', '-n', '1'] }), 20_000, 'top');
    const vfsRow = top.stdout.split('\n').find((l) => / vfs$/.test(l));
    assert.ok(vfsRow, top.stdout);
    assert.match(vfsRow, /^\s*\d+ service\s+1 /, 'top shows one restart of the VFS');
    const dmesg = await within(keel.run({ path: '/bin/dmesg' }, { args: ['dmesg'] }), 20_000, 'dmesg');
    assert.match(dmesg.stdout, /service vfs \(pid \d+\) killed by signal 9; restarting in \d+ ms/);
    assert.match(dmesg.stdout, /service vfs \(pid \d+\) restarted as pid \d+ \(restart 1\)/);
  }, { manifest: isolated(), shell: true, log: (l) => log.push(l) });
  assert.equal(log.filter((l) => l.includes('restarted as pid')).length, 1, log.join('\n'));
});

/**
 * cat with a pipe from the host on its stdin, once it has echoed a first line — so it is in its
 * read loop (a kill lands there, not in its start) — and what it wrote so far.
 */
async function echoingCat(keel: Keel): Promise<{ cat: KeelProcess; out: () => string }> {
  let out = '';
  const cat = await keel.spawn(prog('cat'), { stdin: 'pipe', stdout: { write: (c: Uint8Array) => { out += new TextDecoder().decode(c); } }, stderr: 'pipe' });
  await cat.stdin!.write('first\n');
  await waitFor(() => out === 'first\n', 10_000, 'cat echoing');
  return { cat, out: () => out };
}

test('a program blocked reading a pipe when the VFS dies carries on: it reads what arrives after the restart', async () => {
  await withKeel(async (keel) => {
    // cat waits for its stdin, a pipe from the host; the VFS dies under it and is restarted.
    const { cat, out } = await echoingCat(keel);
    keel.killService('vfs');
    await restarted(keel, 'vfs', 1);
    await cat.stdin!.write('after the restart\n');
    await cat.stdin!.end();
    const r = await within(cat.result(), 20_000, 'cat after its VFS restarted');
    assert.deepEqual({ code: r.exitCode, out: out(), err: r.stderr }, { code: 0, out: 'first\nafter the restart\n', err: '' });
  }, { manifest: isolated() });
});

test('a program blocked on a service that dies for good gets an error, never a hang', async () => {
  await withKeel(async (keel) => {
    // cat waits for more; the VFS dies and is not restarted: the supervisor closes its channel,
    // and cat's wait ends in an error.
    const { cat } = await echoingCat(keel);
    keel.killService('vfs');
    await waitFor(() => keel.services().find((s) => s.name === 'vfs')!.state === 'down', 10_000, 'vfs down');
    const r = await within(cat.result(), 10_000, 'cat after its VFS died for good');
    assert.notDeepEqual(r.status, { kind: 'exited', code: 0 }, 'cat cannot have read to the end');
  }, { manifest: isolated({ vfs: { policy: 'never' } }) });
});

test('a tmpfs restart keeps its files: the new worker re-attaches the tree the old one kept', async () => {
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/old', 'old data');
    keel.killService('tmpfs');
    await restarted(keel, 'tmpfs', 1);
    assert.equal(new TextDecoder().decode(await keel.readFile('/tmp/old')), 'old data');
    await keel.writeFile('/tmp/new', 'new data');
    assert.equal(new TextDecoder().decode(await keel.readFile('/tmp/new')), 'new data');
  }, { manifest: isolated() });
});

test('past its restart limit a service stays down; policy never is never restarted', async () => {
  await withKeel(async (keel) => {
    for (let i = 1; i <= 2; i++) {
      keel.killService('devfs');
      await restarted(keel, 'devfs', i);
    }
    keel.killService('devfs');
    await waitFor(() => keel.services().find((s) => s.name === 'devfs')!.state === 'down', 10_000, 'devfs down');
    assert.equal(keel.killService('devfs'), null, 'nothing left to kill');
    keel.killService('proc');
    await waitFor(() => keel.services().find((s) => s.name === 'proc')!.state === 'down', 10_000, 'proc down');
    const messages = keel.kernelMessages().join('\n');
    assert.match(messages, /service devfs \(pid \d+\) killed by signal 9; not restarted: 2 restarts within 60000 ms already/);
    assert.match(messages, /service proc \(pid \d+\) killed by signal 9; not restarted \(policy never\)/);
    // The rest of the system still serves.
    assert.equal((await keel.run(prog('hello'))).stdout, 'hello, world\n');
  }, { manifest: isolated({ devfs: { max: 2, windowMs: 60_000, backoffMs: 1 }, proc: { policy: 'never' } }) });
});

test('a manifest may not ask to restart a service in the kernel thread', async () => {
  const m = readManifest(isolatedPath);
  const bad = { ...m, services: { ...m.services, console: { ...m.services['console']!, class: 'kernel', restart: { policy: 'always' } } } } as Manifest;
  await assert.rejects(withKeel(async () => {}, { manifest: bad }), /cannot be restarted/);
});

function service(name: string, restart: ServiceInstance['restart']): ServiceInstance {
  return { name, kind: 'devfs', placement: { in: 'isolated' }, config: {}, uses: [], ...(restart ? { restart } : {}) };
}

test('a coalesced group takes the most cautious policy of its members', () => {
  const p = groupPolicy([service('a', { policy: 'always', max: 9, hangMs: 500 }), service('b', { policy: 'on-failure', max: 3, backoffMs: 100 })]);
  assert.deepEqual(p, { policy: 'on-failure', max: 3, windowMs: 60_000, backoffMs: 100, hangMs: 500 });
  assert.equal(groupPolicy([service('a', {}), service('b', { hangMs: 0 })]).hangMs, 0, 'one member without a watchdog turns it off');
});

test('the watchdog kills a worker that leaves calls unclaimed, not one waiting on another', async () => {
  const arena = Arena.create();
  const queue = 3, ownSlot = 5, callerSlot = 7;
  let now = 0;
  const killed: string[] = [];
  const sup = new Supervisor(arena, {
    start: () => 'no restarts here',
    kill: (pid, why) => { killed.push(`${pid}: ${why}`); },
    threadOf: () => ({ queue, slot: ownSlot }),
    probe: () => Promise.resolve(),
    whenGone: (_pid, then) => then(),
    log: () => {},
    nowMs: () => now,
  });
  sup.adopt('svc', [service('svc', { hangMs: 100 })], 42);
  const i32 = arena.i32;
  const look = (): void => (sup as unknown as { look(): void }).look();
  const caller = arena.slotWord(callerSlot);
  Atomics.store(i32, caller + SlotWord.QUEUE, queue);
  Atomics.store(i32, caller + SlotWord.STATE, SlotState.CALLED);
  // The worker is itself waiting on a call it made: not hung, however long.
  Atomics.store(i32, arena.slotWord(ownSlot) + SlotWord.STATE, SlotState.CALLED);
  for (now = 0; now <= 1000; now += 50) look();
  assert.deepEqual(killed, []);
  // Now it waits on nothing and serves nothing while the call waits: hung after 100 ms.
  Atomics.store(i32, arena.slotWord(ownSlot) + SlotWord.STATE, SlotState.IDLE);
  for (now = 1000; now < 1100; now += 25) look();
  assert.deepEqual(killed, [], 'not before hangMs');
  // Progress (a call served) resets the clock.
  i32[arena.queueWord(queue) + QueueWord.SERVED]!++;
  for (now = 1100; now < 1190; now += 25) look();
  assert.deepEqual(killed, []);
  for (; now <= 1300; now += 25) look();
  assert.equal(killed.length, 1);
  assert.match(killed[0]!, /^42: hung: calls unclaimed for \d+ ms$/);
  sup.stop();
});

test('a worker that was serving is restarted at once; workers that end before serving back off, doubling', async () => {
  const logged: string[] = [];
  let nextPid = 100;
  const sup = new Supervisor(Arena.create(), {
    start: () => nextPid++,
    kill: () => {},
    threadOf: () => null,
    probe: () => Promise.resolve(),
    whenGone: (_pid, then) => then(),
    log: (line) => logged.push(line),
    nowMs: () => 0,
  });
  sup.adopt('svc', [service('svc', { policy: 'always', max: 100, backoffMs: 7 })], 42);
  const delays = (): number[] => logged.flatMap((l) => /restarting in (\d+) ms/.exec(l)?.slice(1).map(Number) ?? []);
  const restartedAs = (pid: number): Promise<void> => waitFor(() => sup.list()[0]!.pid === pid, 5_000, `restart as ${pid}`);
  try {
    sup.exited(42, { kind: 'killed', signal: 9 });
    await restartedAs(100);
    sup.exited(100, { kind: 'crashed', message: 'died before it served' });
    await restartedAs(101);
    sup.exited(101, { kind: 'crashed', message: 'again' });
    await restartedAs(102);
    sup.serving(102);
    sup.exited(102, { kind: 'killed', signal: 9 });
    await restartedAs(103);
    assert.deepEqual(delays(), [0, 7, 14, 0], logged.join('\n'));
  } finally {
    sup.stop();
  }
});

test('a worker is restarted only once the thread of the one it replaces has stopped', async () => {
  const gone = new Map<number, () => void>();
  const started: number[] = [];
  const sup = new Supervisor(Arena.create(), {
    start: () => { started.push(200); return 200; },
    kill: () => {},
    threadOf: () => null,
    probe: () => Promise.resolve(),
    whenGone: (pid, then) => { gone.set(pid, then); },
    log: () => {},
    nowMs: () => 0,
  });
  sup.adopt('svc', [service('svc', { policy: 'always', max: 100 })], 42);
  try {
    // Marked exited (killed), but its thread still runs: a new worker would share its state.
    sup.exited(42, { kind: 'killed', signal: 9 });
    await waitFor(() => gone.has(42), 5_000, 'the supervisor waits for the old thread');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(started, [], 'nothing started beside the old thread');
    gone.get(42)!();
    assert.deepEqual(started, [200]);
    assert.equal(sup.list()[0]!.pid, 200);
  } finally {
    sup.stop();
  }
});

/**
 * Process trees with real programs (programs/c/build): a program's limits bound every process it
 * starts (memoryBytes and openFiles reach its children, which may ask for less); timeMs ends the
 * whole tree — orphans included — and run() resolves; a child whose parent exits at once still
 * runs; orphans are re-parented to 1 and stay their ancestors' to signal (one by one or by
 * process group); a fork bomb is ended whole by killTree; a child that raises SIGTSTP stops
 * until it is continued; kill's probes and refusals. Runs under whichever manifest the tests use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { Errno } from '../../src/abi/errno.js';
import { WAIT_STOPPED } from '../../src/abi/protocols/proc.js';
import type { Keel } from '../../src/platform/node/index.js';
import type { Manifest } from '../../src/manifest/manifest-schema.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';
import { testManifest, testSystem } from '../support/manifest.js';

const MIB = 1024 * 1024;
const build = dirname(prog('hog'));
const progs = { '/progs': build };
/** A safety net for runs that would go on for long if a limit failed to apply. */
const SAFETY_MS = 30_000;

/** Programs of the tree still in the kernel's process table (run from /progs). */
const fromProgs = (keel: Keel): string[] => keel.processes().map((p) => p.name).filter((n) => n.startsWith('/progs/') || n.endsWith('.wasm'));

test('memoryBytes and openFiles bound the children of a program, not only the program', async () => {
  await withKeel(async (keel) => {
    const memory = (memoryBytes: number) => within(keel.run(prog('spawner'), {
      args: ['spawner', 'wait', '/progs/hog.wasm', 'hog', 'memory', '256'], dirs: ['/progs'], limits: { memoryBytes, timeMs: SAFETY_MS },
    }), SAFETY_MS + 5_000, 'spawner wait hog memory');
    const small = await memory(16 * MIB);
    const m = /^allocated (\d+) KiB\nchild exited 0\n$/.exec(small.stdout);
    assert.ok(m, `${small.stdout} ${small.stderr}`);
    assert.ok(Number(m[1]) < 16 * 1024, `the child allocated ${m[1]} KiB under its parent's 16 MiB`);
    // The bound follows the parent's limit: twice the limit, more memory for the child.
    const big = /^allocated (\d+) KiB/.exec((await memory(32 * MIB)).stdout);
    assert.ok(big && Number(big[1]) > 16 * 1024 && Number(big[1]) < 32 * 1024, `under 32 MiB: ${big?.[0]}`);

    // openFiles 8: the child starts with 0, 1, 2 and /progs, and opens 4 more at most.
    const fds = await within(keel.run(prog('spawner'), {
      args: ['spawner', 'wait', '/progs/hog.wasm', 'hog', 'fds', '/progs/hog.wasm'], dirs: ['/progs'], limits: { openFiles: 8, timeMs: SAFETY_MS },
    }), SAFETY_MS + 5_000, 'spawner wait hog fds');
    assert.equal(fds.stdout, 'opened 4: No file descriptors available\nchild exited 0\n', fds.stderr);
    const free = await within(keel.run(prog('spawner'), {
      args: ['spawner', 'wait', '/progs/hog.wasm', 'hog', 'fds', '/progs/hog.wasm'], dirs: ['/progs'], limits: { timeMs: SAFETY_MS },
    }), SAFETY_MS + 5_000, 'spawner wait hog fds, no limit');
    assert.ok(Number(/^opened (\d+)/.exec(free.stdout)?.[1]) > 100, free.stdout);
  }, { dirs: progs });
});

test('timeMs ends the whole tree, and run() resolves: a spinning parent and child, and an orphan holding stdout', async () => {
  await withKeel(async (keel) => {
    const started = Date.now();
    const r = await within(keel.run(prog('spawner'), { args: ['spawner', 'spin', '/progs/hog.wasm', 'hog', 'spin'], dirs: ['/progs'], limits: { timeMs: 500 } }), 15_000, 'a spinning tree under timeMs');
    assert.ok(Date.now() - started >= 500);
    assert.deepEqual(r.status, { kind: 'killed', signal: 9, limit: 'time' });
    assert.deepEqual(fromProgs(keel), [], 'no process of the tree is left');

    // The parent exits at once; its child spins on with the run's stdout: the limit ends it. (The
    // limit leaves the parent, on a loaded machine, ample time to end by itself first.)
    const p = await keel.spawn(prog('spawner'), { args: ['spawner', 'orphan', '-', '/progs/hog.wasm', 'hog', 'spin'], dirs: ['/progs'], limits: { timeMs: 3000 } });
    const orphaned = await within(p.result(), 15_000, 'run() of a parent whose orphan keeps stdout open');
    assert.deepEqual(orphaned.status, { kind: 'exited', code: 0 }, 'the parent itself ended by itself');
    await within(p.treeEnded, 5_000, 'the tree ended');
    assert.deepEqual(fromProgs(keel), []);
  }, { dirs: progs });
});

test('a child whose parent exits right after spawning it still runs', async () => {
  await withKeel(async (keel) => {
    for (let i = 0; i < 5; i++) {
      const p = await keel.spawn(prog('spawner'), { args: ['spawner', 'orphan', '-', '/progs/spawner.wasm', 'spawner', 'write', `/tmp/out-${i}`, `run ${i}`], dirs: ['/progs', '/tmp'] });
      assert.deepEqual((await within(p.result(), 20_000, 'the parent')).status, { kind: 'exited', code: 0 });
      await within(p.treeEnded, 20_000, 'the child');
      assert.equal(new TextDecoder().decode(await keel.readFile(`/tmp/out-${i}`)), `run ${i}\n`, `run ${i}: the child wrote its file`);
    }
  }, { dirs: progs, files: { '/tmp/.keep': '' } });
});

function withProcLimits(limits: { maxChildren?: number; maxProcesses?: number }): Manifest {
  const m = testManifest();
  const services = Object.fromEntries(Object.entries(m.services).map(([name, s]) => [name, s.kind === 'proc' ? { ...s, config: { ...s.config, ...limits } } : s]));
  return { ...m, services } as Manifest;
}

test('a fork bomb is bounded by proc, and killTree ends every one of its processes, orphans included', async () => {
  const maxProcesses = 10;
  await withKeel(async (keel) => {
    await keel.writeFile('/tmp/bomb', 'sh /tmp/bomb & sh /tmp/bomb\n');
    const bomb = await keel.spawn({ path: '/bin/sh' }, { env: { PATH: '/bin' }, dirs: ['/'], cwd: '/', args: ['sh', '/tmp/bomb'], stdout: 'ignore', stderr: 'ignore' });
    await waitFor(() => keel.processes().filter((p) => p.name.endsWith('bin/sh')).length >= maxProcesses, 30_000, 'the bomb filling proc\'s share');
    assert.ok(keel.processes().filter((p) => p.name.endsWith('bin/sh')).length <= maxProcesses, 'never past maxProcesses');
    assert.equal(bomb.killTree(9), true);
    await within(bomb.treeEnded, 20_000, 'every process of the bomb ended');
    assert.deepEqual(keel.processes().filter((p) => p.name.endsWith('bin/sh')), [], 'not one shell of the bomb is left');
    assert.equal(bomb.killTree(9), false, 'nothing left to signal');
    const hello = await within(keel.run(prog('hello')), 20_000, 'hello after the bomb');
    assert.equal(hello.stdout, 'hello, world\n');
  }, { manifest: withProcLimits({ maxChildren: 4, maxProcesses }), shell: true });
});

test('proc: SIGTSTP by proc_raise stops until SIGCONT; limits asked for; orphans and groups signalled by their ancestor; kill probes', async () => {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), testSystem({ hostDirs: [{ hostPath: build, vfsPath: '/bin', readOnly: true }] }));
  try {
    const out = new SharedArrayBuffer(1 << 16);
    const { handle } = system.spawnScript(new URL('../support/tree-driver.js', import.meta.url).href, [], { out }, { memoryBytes: 16 * MIB });
    assert.deepEqual(await within(system.wait(handle), 60_000, 'the driver'), { kind: 'exited', code: 0 });
    const len = new DataView(out).getUint32(0, true);
    const seen = JSON.parse(new TextDecoder().decode(new Uint8Array(out, 4, len).slice())) as Record<string, { kind?: number; code?: number; errno?: number; parent?: number } | number | boolean | string | null | unknown[]>;
    const exit = (code: number) => ({ kind: 0, code });

    assert.deepEqual(seen['stopWait'], { pid: (seen['stopWait'] as { pid: number }).pid, kind: WAIT_STOPPED, code: 20, message: '' }, 'stopped by SIGTSTP');
    assert.equal(seen['stoppedState'], 'stopped');
    assert.equal(seen['probeStopped'], Errno.SUCCESS);
    assert.equal(seen['cont'], Errno.SUCCESS);
    assert.deepEqual(seen['stopperEnd'], { pid: (seen['stopperEnd'] as { pid: number }).pid, ...exit(3), message: '' }, 'continued, it ran to its end');

    assert.equal((seen['grab8under4'] as { code: number }).code, 1, 'asked for 4 MiB: 8 do not fit');
    assert.equal((seen['grab8under32'] as { code: number }).code, 0, 'asked for 32 MiB, held to the parent\'s 16: 8 fit');
    assert.equal((seen['grab24under64'] as { code: number }).code, 1, 'asked for 64 MiB, held to the parent\'s 16: 24 do not fit');

    assert.equal((seen['parentEnd'] as { code: number }).code, 0);
    assert.deepEqual(seen['orphan'], { parent: 1 }, 'the orphan is listed, re-parented to 1');
    assert.equal(seen['probeOrphan'], Errno.SUCCESS);
    assert.deepEqual(seen['waitOrphan'], { errno: Errno.CHILD }, 'an orphan is not its grandparent\'s child to wait for');
    assert.equal(seen['killOrphan'], Errno.SUCCESS);
    assert.equal(seen['orphanGone'], true);

    assert.equal(seen['memberGroup'], true, 'the orphan keeps its group');
    assert.equal(seen['killGroup'], Errno.SUCCESS);
    assert.equal(seen['memberGone'], true);
    assert.equal(seen['killEmptyGroup'], Errno.SRCH);

    assert.equal(seen['killAll'], Errno.SUCCESS);
    assert.deepEqual((seen['allEnds'] as { kind: number; code: number }[]).map((w) => [w.kind, w.code]), [[2, 9], [2, 9]]);

    assert.equal(seen['killInit'], Errno.PERM);
    assert.equal(seen['killNobody'], Errno.SRCH);
    assert.equal(seen['badSignal'], Errno.INVAL);
  } finally {
    await system.shutdown();
  }
});

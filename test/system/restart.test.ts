/**
 * Transparent restart (docs/restart.md): while a C program streams writes, fsyncs and reads
 * through one open file, the service worker that owns the file system is killed again and again;
 * each time the program's local kernel re-opens its files in the new session and retries the cut
 * call, and the program ends as it does with no fault: exit 0 and the same file — on tmpfs too,
 * which keeps its tree in memory that outlives its worker (services/tmpfs/kept-tmpfs.ts). Under the manifest the tests run with (KEEL_MANIFEST), with every service
 * restartable without limit; a file system placed in the kernel thread cannot be killed, and is
 * skipped.
 *
 * And `keel boot`'s shell, reading commands from a pipe, answers the next command after each of
 * KILLS kills of the worker that runs the VFS (KEEL_FAULT_SIGNAL=1: SIGUSR2 asks for one): its
 * PATH lookup, its redirections and the commands it starts find their files again.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Keel } from '../../src/platform/node/index.js';
import { restartableManifest } from '../support/manifest.js';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';

/** Kills per file system: the issue asks for 20. */
const KILLS = 20;
/** Calls the program makes between kills (a step is about six). */
const PROGRESS_CALLS = 30;


/** The worker that runs file system service `fsName` (null: it is in the kernel thread). */
function ownerOf(keel: Keel, fsName: string): string | null {
  const w = keel.services().find((s) => s.services.includes(fsName));
  return w ? w.name : null;
}

/** Kill `worker` once and wait (bounded) until it serves again. */
async function killOnce(keel: Keel, worker: string): Promise<void> {
  const before = keel.services().find((s) => s.name === worker)!.restarts;
  assert.notEqual(keel.killService(worker), null, `${worker} killed`);
  await waitFor(() => keel.services().some((s) => s.name === worker && s.state === 'running' && s.restarts > before), 20_000, `${worker} restarted`);
}

/** Calls the process `pid` had made when last looked at. */
const callsSeen = new Map<number, number>();

/** The modification time of a host file when last looked at. */
const mtimesSeen = new Map<string, bigint>();

/** The host file's modification time now (-1 while it is missing). */
function mtimeOf(path: string): bigint {
  return statSync(path, { bigint: true, throwIfNoEntry: false })?.mtimeNs ?? -1n;
}

/**
 * Wait (bounded) until process `pid` has made PROGRESS_CALLS more calls than when last looked at
 * — or, for a file on a host directory (`hostPath`), has written it since: there the program
 * reads and writes its file, and stats its stop file, on descriptors of its own and makes no
 * calls at all (direct host files, docs/decisions/024-direct-host-files.md).
 */
async function progressed(keel: Keel, pid: number, hostPath: string | null): Promise<void> {
  const calls = (): number => keel.processes().find((r) => r.pid === pid)?.calls ?? -1;
  const from = callsSeen.get(pid) ?? 0;
  const written = (): boolean => hostPath !== null && mtimeOf(hostPath) !== (mtimesSeen.get(hostPath) ?? -1n);
  await waitFor(() => calls() < 0 || calls() >= from + PROGRESS_CALLS || written(), 30_000, `process ${pid} making progress`);
  callsSeen.set(pid, calls());
  if (hostPath !== null) mtimesSeen.set(hostPath, mtimeOf(hostPath));
}

interface Outcome { readonly exitCode: number; readonly file: string }

/** restart_stream on `file` (`hostPath`: its path on the host, if it is on a host directory), with `kills` kills of `worker` while it runs; then stop it. */
async function stream(keel: Keel, file: string, worker: string | null, kills: number, hostPath: string | null = null): Promise<Outcome> {
  const stop = `${file}.stop`;
  const p = await keel.spawn(prog('restart_stream'), { args: ['restart_stream', file, stop], dirs: [file.slice(0, file.indexOf('/', 1))], stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' });
  const result = p.result();
  for (let k = 0; k < kills && worker; k++) {
    await progressed(keel, p.pid, hostPath);
    await killOnce(keel, worker);
  }
  await progressed(keel, p.pid, hostPath);
  await within(keel.writeFile(stop, ''), 20_000, 'stop file');
  const r = await within(result, 60_000, 'restart_stream');
  const data = r.exitCode === 0 ? new TextDecoder().decode(await keel.readFile(file)) : '';
  return { exitCode: r.exitCode, file: data };
}

// The services bootKeel names for `disks` and `dirs`, and the root tmpfs of every manifest; the
// service whose worker is killed: the file system, or the VFS (the program's direct file must not
// be used past a VFS restart: docs/decisions/018-direct-files.md).
for (const [what, mount, victim] of [['diskfs', '/disk', 'disk0'], ['hostfs', '/data', 'hostfs0'], ['tmpfs', '/tmp', 'tmpfs'], ['diskfs', '/disk', 'vfs'], ['hostfs', '/data', 'vfs']] as const) {
  const of = victim === 'vfs' ? 'the VFS' : 'its file system';
  test(`a program streaming through a file on ${what} carries on across ${KILLS} restarts of ${of}`, async (t) => {
    const host = mkdtempSync(join(tmpdir(), 'keel-restart-'));
    try {
      await withKeel(async (keel) => {
        const worker = ownerOf(keel, victim);
        if (!worker) {
          t.skip(`${victim} is in the kernel thread under this manifest: it cannot be killed`);
          return;
        }
        const onHost = (name: string): string | null => (what === 'hostfs' ? join(host, name) : null);
        const clean = await stream(keel, `${mount}/clean.dat`, null, 0, onHost('clean.dat'));
        assert.equal(clean.exitCode, 0);
        const faulted = await stream(keel, `${mount}/faulted.dat`, worker, KILLS, onHost('faulted.dat'));
        assert.equal(faulted.exitCode, 0);
        assert.equal(faulted.file, clean.file, 'the same file as with no fault');
      }, { manifest: restartableManifest(), dirs: { '/data': host }, disks: { '/disk': join(host, 'disk.img') } });
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });
}

const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));

test(`keel boot's shell answers the next command after each of ${KILLS} restarts of the VFS`, async (t) => {
  const m = restartableManifest();
  if (Object.values(m.services).find((s) => s.kind === 'vfs')?.class === 'kernel') {
    t.skip('the VFS is in the kernel thread under this manifest: it cannot be killed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'keel-restart-sh-'));
  const manifest = join(dir, 'manifest.yaml');
  writeFileSync(manifest, stringify(m));
  const child = spawn(process.execPath, [keelBin, 'boot', '--home', 'none', '--manifest', manifest], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KEEL_FAULT_SIGNAL: '1' } });
  let out = '';
  let err = '';
  let changed: () => void = () => {};
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; changed(); });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; changed(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  /** Resolves once `cond()` holds on the output so far; rejects (with it) after 30 s. */
  const until = (cond: () => boolean, what: string): Promise<void> => within(new Promise<void>((resolve) => {
    changed = () => { if (cond()) resolve(); };
    changed();
  }), 30_000, `${what}; stdout: ${JSON.stringify(out)}; stderr: ${JSON.stringify(err)}`);
  const restarts = (): number => err.split('\n').filter((l) => / restarted as pid /.test(l)).length;
  try {
    child.stdin.write('echo ready\n');
    await until(() => out.includes('ready\n'), 'the shell started');
    for (let k = 1; k <= KILLS; k++) {
      child.kill('SIGUSR2');
      await until(() => restarts() >= k, `restart ${k}`);
      // A builtin, a redirection into tmpfs, and a program found on PATH, run after the restart.
      // The last echo runs once the pipeline has been waited for: the shell is idle again.
      child.stdin.write(`echo step${k} > /tmp/s; cat /tmp/s; ls /bin | grep -c '^cat$'; echo idle\n`);
      const want = `step${k}\n1\nidle\n`;
      await until(() => out.endsWith(want), `the command after restart ${k}`);
    }
    child.stdin.end('exit 7\n');
    assert.equal(await within(exited, 30_000, 'keel boot exit'), 7);
    assert.doesNotMatch(out + err, /not found/);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

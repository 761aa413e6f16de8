/**
 * A file's attributes answered without a call, and closes carried by the next open (issue 21):
 * two processes interleave calls on the same files — on the root tmpfs, a diskfs and a host
 * directory — and each must see what POSIX says it sees: a write, a truncation, a rename and an
 * unlink by the other process show at once in fstat and stat, through an fd held across them.
 * Then the cost, counted rather than timed: an open + fstat + close round takes one IPC call on
 * a file system with a change word (tmpfs, diskfs), and two on hostfs (which has none, since the
 * host changes its files behind Keel's back), where it took three; a stat by path asked again
 * takes none there, and one on hostfs; so does a failed open or stat of a missing name, which the
 * local kernel keeps until that file system changes (and a name created by another process is
 * found at once).
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { withEveryFileSystem } from '../support/every-file-system.js';
import { Probe, callsOf } from '../support/attr-probe.js';
import { MANIFESTS } from '../support/manifest.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;
const ENOENT = 44;

test('a write, a truncation, a rename and an unlink by another process show at once through a held fd', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const b = await Probe.start(keel, [dir]);
    const f = `${dir}/f`, g = `${dir}/g`;
    try {
      assert.equal(await b.ask(`append ${f} `), 'ok', kind);
      assert.equal(await a.ask(`open ${f}`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 0 nlink 1', `${kind}: fresh file`);
      assert.equal(await a.ask('fstat'), 'size 0 nlink 1', `${kind}: asked again, nothing changed`);
      assert.equal(await b.ask(`append ${f} hello`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 5 nlink 1', `${kind}: the other process's write, right after it returned`);
      assert.equal(await b.ask(`trunc ${f} 2`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 2 nlink 1', `${kind}: the other process's truncation`);
      assert.equal(await a.ask(`stat ${f}`), 'size 2', kind);
      assert.equal(await a.ask(`stat ${f}`), 'size 2', `${kind}: stat asked again`);
      assert.equal(await b.ask(`append ${f} abc`), 'ok', kind);
      assert.equal(await a.ask(`stat ${f}`), 'size 5', `${kind}: stat after the other process's write`);
      assert.equal(await b.ask(`trunc ${f} 2`), 'ok', kind);
      assert.equal(await a.ask(`stat ${f}`), 'size 2', kind);
      assert.equal(await b.ask(`rename ${f} ${g}`), 'ok', kind);
      assert.equal(await a.ask(`stat ${f}`), `err ${ENOENT}`, `${kind}: renamed away a moment ago`);
      assert.equal(await a.ask(`loop ${f} 3`), `err ${ENOENT}`, `${kind}: open of the old name`);
      assert.equal(await a.ask(`loop ${g} 3`), 'ok 2', `${kind}: open of the new name`);
      assert.equal(await a.ask('fstat'), 'size 2 nlink 1', `${kind}: the held fd follows the file`);
      assert.equal(await b.ask(`unlink ${g}`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 2 nlink 0', `${kind}: unlinked by the other process, still open here`);
      assert.equal(await a.ask(`loop ${g} 1`), `err ${ENOENT}`, `${kind}: unlinked a moment ago`);
      assert.equal(await a.ask('close'), 'ok', kind);
      // A close carried by the next open, then an unlink: the file is gone for both.
      assert.equal(await a.ask(`append ${f} xyz`), 'ok', kind);
      assert.equal(await a.ask(`unlink ${f}`), 'ok', kind);
      assert.equal(await b.ask(`stat ${f}`), `err ${ENOENT}`, kind);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

test('calls counted: open + fstat + close one (hostfs two); a repeated stat none (hostfs one); a missing name probed none (hostfs two)', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const f = `${dir}/counted`;
    const rounds = 200;
    try {
      assert.equal(await a.ask(`append ${f} 0123456789`), 'ok');
      assert.equal(await a.ask(`loop ${f} 1`), 'ok 10');
      const before = callsOf(keel, a.process);
      assert.equal(await a.ask(`loop ${f} ${rounds}`), 'ok 10');
      const calls = callsOf(keel, a.process) - before;
      // The loop, plus reading the command and writing the answer (a few calls).
      // On a host directory a fid's first fstat is hostfs's (the program takes a descriptor of its
      // own only for a second one, or a read or write: docs/decisions/024-direct-host-files.md).
      // Its stats by path are hostfs's here: this system mounts a disk image, which hostfs guards,
      // so its directories are not granted.
      const perRound = kind === 'hostfs' ? 2 : 1;
      assert.ok(calls >= perRound * rounds && calls <= perRound * rounds + 8, `${kind}: ${calls} calls for ${rounds} rounds (expected ${perRound} a round)`);
      // stat by path: none a round once answered, where the file system has a change word.
      assert.equal(await a.ask(`stats ${f} 1`), 'ok 10');
      const beforeStats = callsOf(keel, a.process);
      assert.equal(await a.ask(`stats ${f} ${rounds}`), 'ok 10');
      const statCalls = callsOf(keel, a.process) - beforeStats;
      const statsPerRound = kind === 'hostfs' ? 1 : 0;
      assert.ok(statCalls >= statsPerRound * rounds && statCalls <= statsPerRound * rounds + 8, `${kind}: ${statCalls} calls for ${rounds} stats (expected ${statsPerRound} a stat)`);
      // A name that is not there, probed again and again (a build searching its include path):
      // no call once answered where the file system has a change word; two a round on hostfs.
      const missing = `${dir}/not-yet`;
      assert.equal(await a.ask(`probe ${missing} 1`), 'found 0');
      const beforeProbes = callsOf(keel, a.process);
      assert.equal(await a.ask(`probe ${missing} ${rounds}`), 'found 0');
      const probeCalls = callsOf(keel, a.process) - beforeProbes;
      const probesPerRound = kind === 'hostfs' ? 2 : 0;
      assert.ok(probeCalls >= probesPerRound * rounds && probeCalls <= probesPerRound * rounds + 8, `${kind}: ${probeCalls} calls for ${rounds} failed opens and stats (expected ${probesPerRound} a round)`);
    } finally {
      await a.quit();
    }
  });
});

test('calls counted: a file read whole again and again costs its open alone from the second round (the open answers with its page-cache entry)', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const f = `${dir}/reread`;
    const rounds = 50;
    try {
      // 64 KiB: sixteen 4 KiB reads a round, were they asked of the file system.
      assert.equal(await a.ask(`append ${f} x`), 'ok');
      assert.equal(await a.ask(`trunc ${f} 65536`), 'ok');
      assert.equal(await a.ask(`reads ${f} 2`), 'ok 131072');
      const before = callsOf(keel, a.process);
      assert.equal(await a.ask(`reads ${f} ${rounds}`), `ok ${65536 * rounds}`);
      const calls = callsOf(keel, a.process) - before;
      // The open (carrying the last round's close), and on hostfs the attributes' fstat.
      // On a host directory a fid's first fstat is hostfs's (the program takes a descriptor of its
      // own only for a second one, or a read or write: docs/decisions/024-direct-host-files.md).
      // Its stats by path are hostfs's here: this system mounts a disk image, which hostfs guards,
      // so its directories are not granted.
      const perRound = kind === 'hostfs' ? 2 : 1;
      assert.ok(calls <= perRound * rounds + 8, `${kind}: ${calls} calls for ${rounds} rounds of open, 16 reads and close (expected ${perRound} a round)`);
    } finally {
      await a.quit();
    }
  });
});

test('a name another process creates is found at once by a process that kept its absence', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const b = await Probe.start(keel, [dir]);
    const f = `${dir}/appears`;
    try {
      assert.equal(await a.ask(`probe ${f} 3`), 'found 0', kind);
      assert.equal(await b.ask(`append ${f} x`), 'ok', kind);
      assert.equal(await a.ask(`probe ${f} 1`), 'found 2', `${kind}: open and stat both find it`);
      assert.equal(await b.ask(`unlink ${f}`), 'ok', kind);
      assert.equal(await a.ask(`probe ${f} 1`), 'found 0', `${kind}: and both miss it once it is gone`);
      assert.equal(await a.ask(`append ${f} y`), 'ok', `${kind}: made by the process that kept its absence`);
      assert.equal(await a.ask(`probe ${f} 1`), 'found 2', kind);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

test('opening a file another fid holds answers its attributes as of now, and an unlinked held file stays readable to its last fid', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const b = await Probe.start(keel, [dir]);
    const f = `${dir}/held`;
    try {
      assert.equal(await b.ask(`append ${f} abc`), 'ok', kind);
      assert.equal(await a.ask(`open ${f}`), 'ok', kind);
      assert.equal(await b.ask(`loop ${f} 3`), 'ok 3', `${kind}: opened while a holds it`);
      assert.equal(await b.ask(`append ${f} de`), 'ok', kind);
      assert.equal(await b.ask(`loop ${f} 2`), 'ok 5', `${kind}: after its own write`);
      assert.equal(await a.ask(`trunc ${f} 1`), 'ok', kind);
      assert.equal(await b.ask(`loop ${f} 1`), 'ok 1', `${kind}: after the other process truncated it`);
      assert.equal(await a.ask('fstat'), 'size 1 nlink 1', `${kind}: the held fd`);
      assert.equal(await b.ask(`unlink ${f}`), 'ok', kind);
      assert.equal(await b.ask(`loop ${f} 1`), `err ${ENOENT}`, `${kind}: unlinked`);
      assert.equal(await a.ask('fstat'), 'size 1 nlink 0', `${kind}: still open in a`);
      assert.equal(await a.ask('close'), 'ok', kind);
      assert.equal(await b.ask(`append ${f} again`), 'ok', `${kind}: the name made anew`);
      assert.equal(await a.ask(`loop ${f} 1`), 'ok 5', `${kind}: the new file, not the old one`);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

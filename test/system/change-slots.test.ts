/**
 * Change slots (services/fs/change-word.ts): what a local kernel kept from a file system — a
 * file's attributes, a stat by path, a name found missing — stays usable across changes to
 * other files and names of that file system, and is revoked by a change to its own.
 *
 * Two processes interleave calls on the root tmpfs, a diskfs and a host directory: a lock
 * directory made and removed beside a file (SQLite's dot-file locking) leaves the other process's
 * kept stat, fstat and missing name standing on tmpfs and diskfs — two calls a round, the mkdir
 * and the rmdir, where it was four — while a write, a truncation or the creation of the missing
 * name shows at once, and a directory renamed in the middle of a kept path makes it missing.
 * hostfs keeps nothing (other host processes change its files): four calls a round there.
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { withEveryFileSystem } from '../support/every-file-system.js';
import { Probe, callsOf } from '../support/attr-probe.js';
import { MANIFESTS } from '../support/manifest.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;
const ENOENT = 44;

test('a lock directory made and removed beside a file leaves what another process kept of the file standing, and a change to the file shows at once', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const b = await Probe.start(keel, [dir]);
    const f = `${dir}/db`, lock = `${dir}/db.lock`, journal = `${dir}/db-journal`;
    try {
      assert.equal(await b.ask(`append ${f} abc`), 'ok', kind);
      assert.equal(await a.ask(`open ${f}`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 3 nlink 1', kind);
      assert.equal(await a.ask(`stat ${f}`), 'size 3', kind);
      assert.equal(await a.ask(`stat ${journal}`), `err ${ENOENT}`, kind);
      assert.equal(await b.ask(`open ${f}`), 'ok', kind);
      assert.equal(await b.ask(`churn ${lock} 5 ${journal}`), 'ok', kind);
      assert.equal(await b.ask('close'), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 3 nlink 1', `${kind}: after the other process's lock churn`);
      assert.equal(await a.ask(`stat ${f}`), 'size 3', kind);
      assert.equal(await a.ask(`stat ${journal}`), `err ${ENOENT}`, kind);
      // The file itself changes: the kept attributes go, both ways.
      assert.equal(await b.ask(`append ${f} de`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 5 nlink 1', `${kind}: the other process's write, right after it returned`);
      assert.equal(await a.ask('fstat'), 'size 5 nlink 1', `${kind}: asked again`);
      assert.equal(await a.ask(`stat ${f}`), 'size 5', kind);
      assert.equal(await b.ask(`trunc ${f} 1`), 'ok', kind);
      assert.equal(await a.ask('fstat'), 'size 1 nlink 1', `${kind}: the other process's truncation`);
      assert.equal(await a.ask(`stat ${f}`), 'size 1', kind);
      // The missing name appears, then goes again.
      assert.equal(await b.ask(`append ${journal} xy`), 'ok', kind);
      assert.equal(await a.ask(`stat ${journal}`), 'size 2', `${kind}: the name the other process made`);
      assert.equal(await b.ask(`unlink ${journal}`), 'ok', kind);
      assert.equal(await a.ask(`stat ${journal}`), `err ${ENOENT}`, `${kind}: and removed`);
      assert.equal(await a.ask('close'), 'ok', kind);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

test('a directory renamed in the middle of a kept path makes the path missing at once, and renamed back finds it again', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const b = await Probe.start(keel, [dir]);
    try {
      assert.equal(await b.ask(`mkdir ${dir}/d`), 'ok', kind);
      assert.equal(await b.ask(`mkdir ${dir}/d/e`), 'ok', kind);
      assert.equal(await b.ask(`append ${dir}/d/e/f abc`), 'ok', kind);
      assert.equal(await a.ask(`stats ${dir}/d/e/f 3`), 'ok 3', kind);
      assert.equal(await a.ask(`stat ${dir}/d2/e/f`), `err ${ENOENT}`, kind);
      assert.equal(await b.ask(`rename ${dir}/d ${dir}/d2`), 'ok', kind);
      assert.equal(await a.ask(`stat ${dir}/d/e/f`), `err ${ENOENT}`, `${kind}: its first directory renamed away`);
      assert.equal(await a.ask(`stat ${dir}/d2/e/f`), 'size 3', `${kind}: under the new name`);
      assert.equal(await b.ask(`rename ${dir}/d2/e ${dir}/e2`), 'ok', kind);
      assert.equal(await a.ask(`stat ${dir}/d2/e/f`), `err ${ENOENT}`, `${kind}: its middle directory moved out`);
      assert.equal(await b.ask(`rename ${dir}/e2 ${dir}/d2/e`), 'ok', kind);
      assert.equal(await b.ask(`rename ${dir}/d2 ${dir}/d`), 'ok', kind);
      assert.equal(await a.ask(`stat ${dir}/d/e/f`), 'size 3', `${kind}: renamed back`);
      assert.equal(await b.ask(`unlink ${dir}/d/e/f`), 'ok', kind);
      assert.equal(await b.ask(`rmdir ${dir}/d/e`), 'ok', kind);
      assert.equal(await a.ask(`stat ${dir}/d/e/f`), `err ${ENOENT}`, `${kind}: removed`);
      assert.equal(await a.ask(`stat ${dir}/d/e`), `err ${ENOENT}`, kind);
      assert.equal(await b.ask(`rmdir ${dir}/d`), 'ok', kind);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

test('calls counted: a round of lock churn (mkdir, stat, fstat, rmdir) takes two calls where the file system has change slots, three on hostfs', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    const a = await Probe.start(keel, [dir]);
    const rounds = 100;
    // On a host directory the program fstats its file itself (direct host files,
    // docs/decisions/024-direct-host-files.md; Linux only). The one-name calls in the directory
    // are hostfs's here: this system mounts a disk image, which hostfs guards, and a directory of
    // a hostfs that guards an image is not granted (direct-host-files.test.ts counts them there).
    const perRound = kind === 'hostfs' ? (process.platform === 'linux' ? 3 : 4) : 2;
    // Slots are hashes: a lock's slots may share one with the file's or the journal's (about 1
    // boot in 200), which costs a call a round. Another set of names hashes independently.
    const counted = async (name: string): Promise<number> => {
      const f = `${dir}/${name}`, lock = `${dir}/${name}.lock`, journal = `${dir}/${name}-journal`;
      assert.equal(await a.ask(`append ${f} 0123456789`), 'ok');
      assert.equal(await a.ask(`open ${f}`), 'ok');
      assert.equal(await a.ask(`churn ${lock} 2 ${journal}`), 'ok');
      const before = callsOf(keel, a.process);
      assert.equal(await a.ask(`churn ${lock} ${rounds} ${journal}`), 'ok');
      const calls = callsOf(keel, a.process) - before;
      assert.equal(await a.ask('close'), 'ok');
      return calls;
    };
    try {
      let calls = await counted('counted');
      if (calls > perRound * rounds + 8) calls = await counted('again');
      // The rounds, plus reading the command and writing the answer (a few calls).
      assert.ok(calls >= perRound * rounds && calls <= perRound * rounds + 8, `${kind}: ${calls} calls for ${rounds} rounds (expected ${perRound} a round)`);
    } finally {
      await a.quit();
    }
  });
});

test('a stat through a mount point is kept too, under the slots of both file systems (none when the mounted one is a host directory)', async () => {
  await withEveryFileSystem(manifest, async (keel, dir, kind) => {
    if (kind === 'tmpfs') return; // the root itself: nothing mounted to cross
    const a = await Probe.start(keel, ['/']);
    const b = await Probe.start(keel, ['/']);
    const f = `${dir}/crossed`, missing = `${dir}/crossed-not-yet`;
    const rounds = 100;
    try {
      assert.equal(await b.ask(`append ${f} abc`), 'ok', kind);
      assert.equal(await a.ask(`stats ${f} 1`), 'ok 3', kind);
      assert.equal(await a.ask(`probe ${missing} 1`), 'found 0', kind);
      const before = callsOf(keel, a.process);
      assert.equal(await a.ask(`stats ${f} ${rounds}`), 'ok 3', kind);
      assert.equal(await a.ask(`probe ${missing} ${rounds}`), 'found 0', kind);
      const calls = callsOf(keel, a.process) - before;
      // hostfs keeps nothing: a stat is a call, a probe two (open and stat).
      const perRound = kind === 'hostfs' ? 3 : 0;
      assert.ok(calls >= perRound * rounds && calls <= perRound * rounds + 12, `${kind}: ${calls} calls for ${rounds} rounds (expected ${perRound} a round)`);
      assert.equal(await b.ask(`mkdir ${dir}/crossed.lock`), 'ok', kind);
      assert.equal(await b.ask(`rmdir ${dir}/crossed.lock`), 'ok', kind);
      assert.equal(await b.ask(`append ${f} de`), 'ok', kind);
      assert.equal(await a.ask(`stat ${f}`), 'size 5', `${kind}: the other process's write, through the mount`);
      assert.equal(await b.ask(`append ${missing} x`), 'ok', kind);
      assert.equal(await a.ask(`probe ${missing} 1`), 'found 2', `${kind}: the name the other process made`);
      assert.equal(await b.ask(`rename ${f} ${dir}/crossed-2`), 'ok', kind);
      assert.equal(await a.ask(`stat ${f}`), `err ${ENOENT}`, `${kind}: renamed away`);
      assert.equal(await b.ask(`unlink ${dir}/crossed-2`), 'ok', kind);
      assert.equal(await b.ask(`unlink ${missing}`), 'ok', kind);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

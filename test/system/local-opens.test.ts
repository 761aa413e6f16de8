/**
 * Local opens (docs/decisions/025-local-opens.md): a regular file one name deep in a host
 * directory is opened by the program's own thread, on a descriptor of its own, and the VFS never
 * hears of it unless a call needs it to (passing it to a child, setting exact times).
 *
 * Checked by what the program asks of the services (the process table's call counter) and by what
 * the host process holds (its /proc/self/fd, Linux only), not by time; and that every answer is
 * the one the VFS gave before: a symlink, an existing file opened exclusively, a directory, a
 * file renamed since it was opened, more files than one thread may hold.
 * Runs under the manifest of KEEL_MANIFEST (npm run test:placements: every isolation class).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prog, waitFor, withKeel, within } from '../support/api-helpers.js';
import { Probe, callsOf } from '../support/attr-probe.js';
import { MANIFESTS } from '../support/manifest.js';
import { descriptorsOf, withHostDir } from '../support/host-dir.js';

const manifest = process.env['KEEL_MANIFEST'] || `${MANIFESTS}default.yaml`;
const linux = process.platform === 'linux';

test("SQLite's journal cycle in a host directory makes no call: create, write, fsync, close, unlink", { skip: !linux }, async () => {
  await withHostDir(manifest, async (keel, host) => {
    const p = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('cycle /host/j 1'), 'ok', 'the first round (the directory is granted at its first call)');
      const before = callsOf(keel, p.process);
      assert.equal(await p.ask('cycle /host/j 200'), 'ok');
      const calls = callsOf(keel, p.process) - before;
      // The probe's own stdin and stdout (a pipe each) may cost a call or two around the command.
      assert.ok(calls <= 4, `${calls} calls for 200 rounds of open, write, fsync, close and unlink`);
      assert.equal(existsSync(join(host, 'j')), false);
    } finally {
      await p.quit();
    }
  });
});

test("SQLite's sync of its directory makes no call: open the directory, fsync, close", { skip: !linux }, async () => {
  await withHostDir(manifest, async (keel, host) => {
    const p = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('dsync /host 1'), 'ok', 'the first round (the directory is granted at its first sync)');
      const before = callsOf(keel, p.process);
      assert.equal(await p.ask('dsync /host 200'), 'ok');
      const calls = callsOf(keel, p.process) - before;
      assert.ok(calls <= 4, `${calls} calls for 200 rounds of open, fsync and close of the directory`);
      // The directory fd it opened 200 times and closed shares the preopen's fid: that stays open.
      writeFileSync(join(host, 'after'), 'still here');
      assert.equal(await p.ask('stat /host/after'), 'size 10');
      assert.equal(await p.ask('dsync /host/after 1'), 'err 54', 'a file is not a directory (ENOTDIR)');
    } finally {
      await p.quit();
    }
  });
});

test('a program holds the only descriptor of a file it opened itself, and closes it with the file', { skip: !linux }, async () => {
  await withHostDir(manifest, async (keel, host) => {
    const p = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('wopen /host/own'), 'ok');
      assert.equal(descriptorsOf(join(host, 'own')), 1, "the program's own: hostfs holds none");
      assert.equal(await p.ask('writes 100'), 'ok');
      assert.equal(await p.ask('fstat'), 'size 100 nlink 1');
      assert.equal(await p.ask('pread 0 3'), 'data xxx');
      assert.equal(readFileSync(join(host, 'own'), 'utf8'), 'x'.repeat(100), 'the writes are on the host when they return');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(descriptorsOf(join(host, 'own')), 0);
      assert.equal(await p.ask('wopen /host/killed'), 'ok');
      assert.equal(await p.ask('pwrite 0 kept'), 'ok');
    } finally {
      assert.ok(p.process.kill(9), 'the kill was delivered');
      await within(p.process.exited, 20_000, 'the killed probe to end');
    }
    assert.equal(readFileSync(join(host, 'killed'), 'utf8'), 'kept');
    // Node closes what the worker held as the worker ends, which may be just after the process did.
    await waitFor(() => descriptorsOf(join(host, 'killed')) === 0, 20_000, 'a killed program to leave no descriptor behind');
  });
});

test("a write on a program's own descriptor is seen by another program's next read, and a truncate by its fstat", async () => {
  await withHostDir(manifest, async (keel) => {
    const writer = await Probe.start(keel, ['/host']);
    const reader = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await writer.ask('wopen /host/shared'), 'ok');
      assert.equal(await writer.ask('pwrite 0 hello world'), 'ok');
      assert.equal(await reader.ask('open /host/shared'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data hello world');
      assert.equal(await reader.ask('pread 0 11'), 'data hello world', 'read again');
      assert.equal(await writer.ask('pwrite 0 HELLO'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO world');
      assert.equal(await writer.ask('trunc /host/shared 5'), 'ok');
      assert.equal(await reader.ask('fstat'), 'size 5 nlink 1');
      assert.equal(await reader.ask('close'), 'ok');
      assert.equal(await writer.ask('close'), 'ok');
    } finally {
      await writer.quit();
      await reader.quit();
    }
  });
});

test("a page-cache copy of a host file is not read again once a program wrote the file on its own descriptor", async () => {
  await withHostDir(manifest, async (keel, host) => {
    const writer = await Probe.start(keel, ['/host']);
    const reader = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await writer.ask('wopen /host/cached'), 'ok');
      assert.equal(await writer.ask('pwrite 0 hello world'), 'ok');
      // Through a symlink: the VFS opens it (a local open never follows one), and after two reads
      // its file system copies the file into the page cache and the reader reads the copy.
      symlinkSync('cached', join(host, 'via-link'));
      assert.equal(await reader.ask('open /host/via-link'), 'ok');
      for (let i = 0; i < 4; i++) assert.equal(await reader.ask('pread 0 11'), 'data hello world');
      // hostfs never sees these writes: each bumps the file's host write word instead.
      assert.equal(await writer.ask('pwrite 0 HELLO'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO world', 'the write is seen at the next read');
      for (let i = 0; i < 4; i++) assert.equal(await reader.ask('pread 0 11'), 'data HELLO world');
      assert.equal(await writer.ask('pwrite 6 WORLD'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO WORLD', 'and again once the file is cached anew');
      assert.equal(await reader.ask('close'), 'ok');
      // A later open of the cached file is handed the copy only if no such write came since.
      assert.equal(await writer.ask('pwrite 0 howdy'), 'ok');
      assert.equal(await reader.ask('open /host/via-link'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data howdy WORLD');
      assert.equal(await reader.ask('close'), 'ok');
      assert.equal(await writer.ask('close'), 'ok');
    } finally {
      await writer.quit();
      await reader.quit();
    }
  });
});

test('a file a program opens again is read from a page-cache copy, never one a write has outdated', async () => {
  await withHostDir(manifest, async (keel, host) => {
    writeFileSync(join(host, 'again'), 'hello world');
    const reader = await Probe.start(keel, ['/host']);
    const writer = await Probe.start(keel, ['/host']);
    try {
      // The first open reads the host's file; the second has hostfs copy it (two calls), and the
      // open after that finds the copy with none.
      assert.equal(await reader.ask('reads /host/again 2'), 'ok 22');
      const before = callsOf(keel, reader.process);
      assert.equal(await reader.ask('reads /host/again 50'), 'ok 550');
      const calls = callsOf(keel, reader.process) - before;
      assert.ok(calls <= 6, `${calls} calls for 50 rounds of open, read to the end, close`);
      assert.equal(await reader.ask('open /host/again'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data hello world');
      // Another program's write on its own descriptor: the reader's next read is the host's.
      assert.equal(await writer.ask('wopen /host/again'), 'ok');
      assert.equal(await writer.ask('pwrite 0 HELLO'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO world', 'the write is seen at the next read');
      assert.equal(await reader.ask('close'), 'ok');
      assert.equal(await reader.ask('reads /host/again 3'), 'ok 33');
      assert.equal(await reader.ask('open /host/again'), 'ok');
      assert.equal(await reader.ask('pread 0 11'), 'data HELLO world', 'and by a later open');
      assert.equal(await reader.ask('close'), 'ok');
      assert.equal(await writer.ask('close'), 'ok');
      // A host process's change: the copy is of another size and mtime than the file's now.
      writeFileSync(join(host, 'again'), 'changed by the host');
      assert.equal(await reader.ask('open /host/again'), 'ok');
      assert.equal(await reader.ask('pread 0 19'), 'data changed by the host');
      assert.equal(await reader.ask('close'), 'ok');
    } finally {
      await reader.quit();
      await writer.quit();
    }
  });
});

test('a change another hostfs makes to the same host file (a directory mounted twice) ends the copy a local open reads', { skip: !linux }, async () => {
  const host = realpathSync(mkdtempSync(join(tmpdir(), 'keel-host-dir-')));
  try {
    writeFileSync(join(host, 'shared'), 'hello world');
    // Two mounts of one host directory: two hostfs instances, each with its own nodes and cache.
    await withKeel(async (keel) => {
      const reader = await Probe.start(keel, ['/host']);
      try {
        // The reader's second open has the first hostfs copy the file.
        assert.equal(await reader.ask('reads /host/shared 3'), 'ok 33');
        assert.equal(await reader.ask('open /host/shared'), 'ok');
        assert.equal(await reader.ask('pread 0 11'), 'data hello world');
        // The shell's redirection through the other mount: the VFS's open with O_TRUNC, the second
        // hostfs's truncate, and nothing else writes the file.
        const sh = await keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', ': > /again/shared'], dirs: ['/'], env: { PATH: '/bin' } });
        assert.equal(sh.exitCode, 0, sh.stderr);
        assert.equal(readFileSync(join(host, 'shared'), 'utf8'), '');
        assert.equal(await reader.ask('pread 0 11'), 'data ', 'the truncate is seen at the next read');
        assert.equal(await reader.ask('close'), 'ok');
      } finally {
        await reader.quit();
      }
    }, { manifest, dirs: { '/host': host, '/again': host }, shell: true });
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

test('what only the VFS can do makes a local open its own first: exact times, a child given the file', async () => {
  await withHostDir(manifest, async (keel, host) => {
    copyFileSync(prog('hello'), join(host, 'hello.wasm'));
    const p = await Probe.start(keel, ['/host']);
    const q = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('wopen /host/timed'), 'ok');
      // Nanoseconds a double of seconds cannot hold: the host stores them rounded, hostfs keeps them.
      assert.equal(await p.ask('fsettime 1700000000123456789'), 'ok');
      assert.equal(await p.ask('mtime'), 'mtime 1700000000 123456789');
      assert.equal(await q.ask('open /host/timed'), 'ok');
      assert.equal(await q.ask('mtime'), 'mtime 1700000000 123456789');
      assert.equal(await q.ask('close'), 'ok');
      assert.equal(await p.ask('close'), 'ok');

      assert.equal(await p.ask('wopen /host/out'), 'ok');
      assert.equal(await p.ask('pwrite 0 >'), 'ok');
      assert.equal(await p.ask('give /host/hello.wasm'), 'exited 0');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(readFileSync(join(host, 'out'), 'utf8'), 'hello, world\n', "the child wrote at the parent's offset (0: pwrite moves none)");

      // Removed while open, with hostfs keeping exact times (above): fstat is the descriptor's own.
      assert.equal(await p.ask('wopen /host/gone'), 'ok');
      assert.equal(await p.ask('pwrite 0 abc'), 'ok');
      assert.equal(await q.ask('unlink /host/gone'), 'ok');
      assert.equal(await p.ask('fstat'), 'size 3 nlink 0');
      assert.equal(await p.ask('close'), 'ok');

      // Renamed since it was opened: its name stands for nothing now, so the VFS cannot be handed it.
      assert.equal(await p.ask('wopen /host/moved'), 'ok');
      assert.equal(await q.ask('rename /host/moved /host/elsewhere'), 'ok');
      assert.equal(await p.ask('fsettime 1700000000000000000'), 'err 72', 'ESTALE');
      assert.equal(await p.ask('pwrite 0 still mine'), 'ok', 'the fd itself is unharmed');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(readFileSync(join(host, 'elsewhere'), 'utf8'), 'still mine');
    } finally {
      await p.quit();
      await q.quit();
    }
  });
});

test('a name a local open cannot take is opened by the VFS, with the answers it gave before', async () => {
  await withHostDir(manifest, async (keel, host) => {
    writeFileSync(join(host, 'target'), '12345');
    symlinkSync('target', join(host, 'link'));
    mkdirSync(join(host, 'dir'));
    const p = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('open /host/link'), 'ok', 'a symlink is followed (by the VFS)');
      assert.equal(await p.ask('pread 0 5'), 'data 12345');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(await p.ask('xopen /host/target'), 'err 20', 'EEXIST');
      assert.equal(await p.ask('xopen /host/link'), 'err 20', 'EEXIST: an exclusive create never follows a symlink');
      assert.equal(await p.ask('xopen /host/fresh'), 'ok');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(await p.ask('open /host/dir'), 'ok', 'a directory');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(await p.ask('open /host/nothing'), 'err 44', 'ENOENT');
      assert.equal(await p.ask('wopen /host/dir'), 'err 31', 'EISDIR');
      // A FIFO is looked at, never opened here (its open has effects on its other ends): the VFS answers.
      execFileSync('mkfifo', [join(host, 'fifo')]);
      assert.equal(await p.ask('wopen /host/fifo'), 'err 20', 'EEXIST, as hostfs answers a create over a FIFO');
    } finally {
      await p.quit();
    }
  });
});

test('a file several directories down is opened on the way down without a call, and a missing one is ENOENT', async () => {
  await withHostDir(manifest, async (keel, host) => {
    mkdirSync(join(host, 'a/b/c/d'), { recursive: true });
    writeFileSync(join(host, 'a/b/c/d/deep'), 'bottom');
    mkdirSync(join(host, 'real'));
    writeFileSync(join(host, 'real/file'), 'through a link');
    symlinkSync('real', join(host, 'link'));
    symlinkSync('../../..', join(host, 'a/b/c/up'));
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'keel-outside-')));
    writeFileSync(join(outside, 'secret'), 'not yours');
    symlinkSync(outside, join(host, 'a/b/c/out'));
    const p = await Probe.start(keel, ['/host']);
    try {
      assert.equal(await p.ask('loop /host/a/b/c/d/deep 1'), 'ok 6');
      const before = callsOf(keel, p.process);
      assert.equal(await p.ask('loop /host/a/b/c/d/deep 200'), 'ok 6');
      assert.equal(await p.ask('probe /host/a/b/nothing/deep 200'), 'found 0');
      assert.equal(await p.ask('stats /host/a/b/c/d/deep 200'), 'ok 6');
      const calls = callsOf(keel, p.process) - before;
      assert.ok(calls <= 8, `${calls} calls for 200 rounds each of open-fstat-close, a missing path's open and stat, and stat, four directories down`);
      assert.equal(await p.ask('open /host/a/b/nothing/deep'), 'err 44');
      assert.equal(await p.ask('open /host/a/b/c/d/deep/x'), 'err 54', 'ENOTDIR: a file on the way');
      // Four names and more are looked up by the host in one go, kept only if no symlink was on the way.
      assert.equal(await p.ask('open /host/a/b/c/up/a/b/c/d/deep'), 'ok', 'a symlink deep down, inside the directory, is followed (by the VFS)');
      assert.equal(await p.ask('pread 0 6'), 'data bottom');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(await p.ask('open /host/a/b/c/out/secret'), 'err 76', 'ENOTCAPABLE: a symlink deep down leading out of the directory');
      assert.equal(await p.ask('wopen /host/a/b/c/out/secret'), 'err 76', 'and for writing');
      assert.equal(await p.ask('open /host/link/file'), 'ok', 'a symlink on the way is followed (by the VFS)');
      assert.equal(await p.ask('pread 0 14'), 'data through a link');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(await p.ask('mkdir /host/a/b/new'), 'ok');
      assert.equal(await p.ask('wopen /host/a/b/new/f'), 'ok');
      assert.equal(await p.ask('pwrite 0 made'), 'ok');
      assert.equal(await p.ask('close'), 'ok');
      assert.equal(readFileSync(join(host, 'a/b/new/f'), 'utf8'), 'made');
      assert.equal(await p.ask('rmdir /host/a/b/new'), 'err 55', 'ENOTEMPTY');
      assert.equal(await p.ask('unlink /host/a/b/new/f'), 'ok');
      assert.equal(await p.ask('rmdir /host/a/b/new'), 'ok');
      assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'not yours');
    } finally {
      await p.quit();
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

test('more files than one thread may hold itself are opened by the VFS past that', async () => {
  await withHostDir(manifest, async (keel, host) => {
    const r = await keel.run(prog('open_many'), { args: ['open_many', '/host', '100'], dirs: ['/host'] });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'opened 100\n');
    assert.equal(readdirSync(host).length, 100);
  });
});

/**
 * Many programs at once and shutting down under load, through the package entry point only:
 * concurrent runs keep their streams apart, shutdown ends running programs (their `exited`
 * settles) and leaves no worker, timer or port behind, and two systems in one host stay apart.
 * Also Keel's namespace from the host: BootOptions.files, writeFile/readFile/mkdir round trips
 * with what programs see, and cwd.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KeelError, bootKeel, type KeelProcess, type ProgramResult } from '../../src/platform/node/index.js';
import { prog, resources, withKeel, within } from '../support/api-helpers.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();




/** Distinct text for program `i`: its number on every line, so crossed streams show. */
function inputFor(i: number, lines: number): string {
  return Array.from({ length: lines }, (_, n) => `program ${i} line ${n}\n`).join('');
}

/** A Node Writable that keeps what it is given and resolves `seen(text)` once that text arrived. */
function watcher() {
  let text = '';
  const waiters: { want: string; resolve: () => void }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      for (const w of waiters.splice(0)) {
        if (text.includes(w.want)) w.resolve();
        else waiters.push(w);
      }
      done();
    },
  });
  return {
    sink,
    text: (): string => text,
    seen: (want: string): Promise<void> => within(new Promise<void>((resolve) => {
      if (text.includes(want)) resolve();
      else waiters.push({ want, resolve });
    }), 20_000, `output ${JSON.stringify(want)}`),
  };
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };
/** `p`'s outcome, observed at once (so a rejection is never unhandled). */
const settled = (p: Promise<unknown>): Promise<Settled> => p.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }));

const isCode = (code: string) => (e: unknown): boolean => e instanceof KeelError && e.code === code;

test('8 programs at once, each with its own stdin, each get exactly their own output', async () => {
  await withKeel(async (keel) => {
    // Each input is larger than a pipe's buffer, so the programs are all mid-stream together.
    const inputs = Array.from({ length: 8 }, (_, i) => inputFor(i, 5000 + 100 * i));
    const results = await within(Promise.all(inputs.map((stdin) => keel.run(prog('cat'), { stdin }))), 120_000, '8 cats');
    results.forEach((r, i) => {
      assert.equal(r.exitCode, 0, `program ${i}`);
      assert.equal(r.stdout.length, inputs[i]!.length, `program ${i}: length`);
      assert.equal(r.stdout, inputs[i], `program ${i}: content`);
      assert.equal(r.stderr, '');
    });

    // Mixed programs at once: producers of different lengths next to consumers.
    const mixed = await within(Promise.all([
      keel.run(prog('seq'), { args: ['seq', '1', '30000'] }),
      keel.run(prog('cat'), { stdin: inputs[3]! }),
      keel.run(prog('exit_code'), { args: ['exit_code', '9'] }),
      keel.run(prog('seq'), { args: ['seq', '5', '7'] }),
    ]), 120_000, 'mixed programs');
    assert.equal(mixed[0].stdout, Array.from({ length: 30000 }, (_, i) => `${i + 1}\n`).join(''));
    assert.equal(mixed[1].stdout, inputs[3]);
    assert.equal(mixed[2].exitCode, 9);
    assert.equal(mixed[2].stdout, 'exiting with 9\n');
    assert.equal(mixed[3].stdout, '5\n6\n7\n');
  });
});

test('8 programs fed through their stdin writers in turn keep their streams apart', async () => {
  await withKeel(async (keel) => {
    const n = 8;
    const procs: KeelProcess[] = [];
    for (let i = 0; i < n; i++) procs.push(await keel.spawn(prog('hog'), { args: ['hog', 'echo'], stdin: 'pipe' }));
    assert.equal(new Set(procs.map((p) => p.pid)).size, n, 'distinct pids');
    const rounds = 50;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < n; i++) assert.equal(await procs[i]!.stdin!.write(`p${i} r${round}\n`), true);
    }
    await Promise.all(procs.map((p) => p.stdin!.end()));
    const results = await within(Promise.all(procs.map((p) => p.result())), 60_000, '8 hog echo');
    results.forEach((r, i) => {
      assert.equal(r.exitCode, 0, `program ${i}`);
      assert.equal(r.stdout, Array.from({ length: rounds }, (_, round) => `p${i} r${round}\n`).join(''), `program ${i}`);
      assert.equal(r.stderr, `lines ${rounds}\n`);
    });
  });
});

test('shutdown while programs run: it resolves, every exited settles, and nothing is left behind', async () => {
  const before = resources();
  const keel = await bootKeel();
  let spin: KeelProcess, echo: KeelProcess, cat: KeelProcess, waiting: KeelProcess, pending: Promise<Settled>;
  const out = watcher();
  try {
    // A program in a loop (with a pending time limit), one blocked reading an open stdin pipe
    // after answering, one blocked reading with its output going to a Node Writable, and a run().
    spin = await keel.spawn(prog('hog'), { args: ['hog', 'spin'], limits: { timeMs: 60_000 } });
    echo = await keel.spawn(prog('hog'), { args: ['hog', 'echo'], stdin: 'pipe', stdout: out.sink });
    assert.equal(await echo.stdin!.write('still here\n'), true);
    await out.seen('still here\n');
    cat = await keel.spawn(prog('cat'), { stdin: 'pipe' });
    waiting = await keel.spawn(prog('hog'), { args: ['hog', 'spin'] });
    assert.ok(keel.liveThreads() >= 4, 'the programs have threads');
    // And a run() still being set up when shutdown starts.
    pending = settled(keel.run(prog('hog'), { args: ['hog', 'spin'] }));
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown with programs running');
  }
  assert.equal(keel.liveThreads(), 0, 'no worker left');

  for (const [name, p] of [['spin', spin], ['echo', echo], ['cat', cat], ['waiting', waiting]] as const) {
    const status = await within(p.exited, 5_000, `${name} exited`);
    assert.equal(status.kind, 'killed', `${name}: ${JSON.stringify(status)}`);
    const r = await within(p.result(), 5_000, `${name} result`);
    assert.ok(r.exitCode > 128, `${name}: exit code ${r.exitCode}`);
    assert.equal(p.kill(9), false, `${name} has ended`);
  }
  // The run() either got its program started (then killed) or was refused with a typed error.
  const ran = await within(pending, 5_000, 'run() under way at shutdown');
  if (ran.ok) assert.equal((ran.value as ProgramResult).status.kind, 'killed');
  else assert.ok(ran.error instanceof KeelError, String(ran.error));
  assert.equal(out.text(), 'still here\n');
  assert.equal(await within(echo.stdin!.write('anyone?\n'), 5_000, 'write after shutdown'), false);
  assert.equal(await within(cat.stdin!.write('anyone?\n'), 5_000, 'write after shutdown'), false);

  // A closed system refuses new work with a typed error instead of hanging.
  await assert.rejects(within(keel.spawn(prog('hello')), 5_000, 'spawn after shutdown'), (e: unknown) => e instanceof KeelError);
  // A second shutdown is harmless.
  await within(keel.shutdown(), 5_000, 'second shutdown');
  assert.deepEqual(resources(), before, 'no timer, port or worker left in this process');
});

test('spawns racing shutdown each settle: a typed error or a process that ends; nothing is left', async () => {
  const before = resources();
  const keel = await bootKeel();
  const outcomes: Promise<Settled>[] = [];
  try {
    for (let i = 0; i < 4; i++) outcomes.push(settled(keel.spawn(prog('hog'), { args: ['hog', 'spin'], stdin: 'pipe', limits: { timeMs: 60_000 } })));
  } finally {
    await within(keel.shutdown(), 10_000, 'shutdown with spawns under way');
  }
  for (const [i, o] of (await within(Promise.all(outcomes), 5_000, 'spawns under way at shutdown')).entries()) {
    if (o.ok) {
      const status = await within((o.value as KeelProcess).exited, 5_000, `spawn ${i} exited`);
      assert.equal(status.kind, 'killed', `spawn ${i}`);
    } else {
      assert.ok(o.error instanceof KeelError, `spawn ${i}: ${String(o.error)}`);
    }
  }
  assert.equal(keel.liveThreads(), 0);
  assert.deepEqual(resources(), before, 'no timer, port or worker left in this process');
});

test('two systems in one process are independent and both shut down cleanly', async () => {
  const before = resources();
  const a = await bootKeel({ files: { '/who': 'a\n' } });
  try {
    const b = await bootKeel({ files: { '/who': 'b\n' } });
    try {
      const [ra, rb] = await within(Promise.all([
        a.run(prog('cat'), { args: ['cat', '/who'], dirs: ['/'], stdin: 'ignored' }),
        b.run(prog('cat'), { args: ['cat', '/who', '-'], dirs: ['/'], stdin: 'from b\n' }),
      ]), 60_000, 'runs in two systems');
      assert.equal(ra.stdout, 'a\n');
      assert.equal(rb.stdout, 'b\nfrom b\n');
      await a.writeFile('/only-in-a', 'x');
      await assert.rejects(b.readFile('/only-in-a'), isCode('FS'));
      // Shutting one down leaves the other running.
      await within(a.shutdown(), 10_000, 'shutdown a');
      assert.equal(a.liveThreads(), 0);
      assert.equal((await within(b.run(prog('hello')), 20_000, 'b after a is gone')).stdout, 'hello, world\n');
    } finally {
      await within(b.shutdown(), 10_000, 'shutdown b');
    }
    assert.equal(b.liveThreads(), 0);
  } finally {
    await within(a.shutdown(), 10_000, 'shutdown a');
  }
  assert.deepEqual(resources(), before, 'nothing left behind by either');
});

test('BootOptions.files, writeFile, readFile and mkdir: what the host puts in, programs see, and back', async () => {
  const bin = new Uint8Array(256).map((_, i) => 255 - i);
  await withKeel(async (keel) => {
    // The boot tree, parents made as needed.
    assert.equal(decoder.decode(await keel.readFile('/etc/motd')), 'welcome\n');
    assert.deepEqual(await keel.readFile('/w/deep/er/data.bin'), bin);
    const seen = await keel.run(prog('cat'), { args: ['cat', '/w/deep/er/data.bin'], dirs: ['/w'] });
    assert.equal(seen.exitCode, 0, seen.stderr);
    assert.deepEqual(seen.stdoutBytes, bin);

    // A program writes, the host reads it back.
    const copy = await keel.run(prog('copy_file'), { args: ['copy_file', '/w/in.txt', '/w/out.txt'], dirs: ['/w'] });
    assert.equal(copy.stdout, 'copied 9 bytes\n', copy.stderr);
    assert.equal(decoder.decode(await keel.readFile('/w/out.txt')), 'boot in\n\n');

    // Larger than one transfer chunk, every byte value; then replaced by something shorter.
    const big = new Uint8Array(300_000).map((_, i) => (i * 7 + (i >> 10)) & 0xff);
    await keel.writeFile('/w/big.bin', big);
    assert.deepEqual(await keel.readFile('/w/big.bin'), big);
    const catBig = await keel.run(prog('cat'), { args: ['cat', '/w/big.bin'], dirs: ['/w'] });
    assert.deepEqual(catBig.stdoutBytes, big);
    await keel.writeFile('/w/big.bin', 'short');
    assert.equal(decoder.decode(await keel.readFile('/w/big.bin')), 'short', 'replaced, not overwritten in place');
    await keel.writeFile('/w/empty', new Uint8Array(0));
    assert.equal((await keel.readFile('/w/empty')).length, 0);

    // mkdir -p: parents made, an existing directory is fine.
    await keel.mkdir('/m/n/o');
    await keel.mkdir('/m/n/o');
    await keel.mkdir('/m/n');
    await keel.writeFile('/m/n/file.txt', '12345');
    const list = await keel.run(prog('list_dir'), { args: ['list_dir', '/m/n'], dirs: ['/m'] });
    assert.equal(list.exitCode, 0, list.stderr);
    assert.equal(list.stdout, 'file.txt\tfile\t5\no\tdir\t-\n');
  }, { files: { '/etc/motd': 'welcome\n', '/w/deep/er/data.bin': bin, '/w/in.txt': encoder.encode('boot in\n\n') } });
});

test('writeFile and readFile reach host directories; a read-only one refuses changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-ns-'));
  const ro = mkdtempSync(join(tmpdir(), 'keel-ns-ro-'));
  try {
    writeFileSync(join(dir, 'from-host.txt'), 'host wrote this\n');
    writeFileSync(join(ro, 'fixed.txt'), 'fixed\n');
    await withKeel(async (keel) => {
      assert.equal(decoder.decode(await keel.readFile('/data/from-host.txt')), 'host wrote this\n');
      await keel.writeFile('/data/sub/from-keel.txt', 'keel wrote this\n');
      assert.equal(readFileSync(join(dir, 'sub', 'from-keel.txt'), 'utf8'), 'keel wrote this\n');
      await keel.mkdir('/data/a/b');
      assert.ok(existsSync(join(dir, 'a', 'b')));

      assert.equal(decoder.decode(await keel.readFile('/ro/fixed.txt')), 'fixed\n');
      await assert.rejects(keel.writeFile('/ro/new.txt', 'x'), (e: unknown) => isCode('FS')(e) && /EROFS/.test((e as Error).message));
      await assert.rejects(keel.writeFile('/ro/fixed.txt', 'x'), isCode('FS'));
      assert.equal(readFileSync(join(ro, 'fixed.txt'), 'utf8'), 'fixed\n');
      assert.equal(existsSync(join(ro, 'new.txt')), false);
      const refused = await keel.run(prog('copy_file'), { args: ['copy_file', '/ro/fixed.txt', '/ro/copy.txt'] });
      assert.equal(refused.exitCode, 1);
      assert.match(refused.stderr, /Read-only file system/);
    }, { dirs: { '/data': dir, '/ro': { path: ro, readOnly: true } } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(ro, { recursive: true, force: true });
  }
});

test('namespace paths are checked: relative or with .. is BAD_PATH, a missing file or a directory is FS', async () => {
  await withKeel(async (keel) => {
    await assert.rejects(keel.readFile('/no/such/file'), (e: unknown) => isCode('FS')(e) && /ENOENT/.test((e as Error).message));
    await keel.mkdir('/etc');
    await assert.rejects(keel.readFile('/etc'), (e: unknown) => isCode('FS')(e) && /EISDIR/.test((e as Error).message));
    for (const bad of ['relative.txt', '/etc/../etc/motd', '/./x']) {
      await assert.rejects(keel.readFile(bad), isCode('BAD_PATH'), `readFile ${bad}`);
      await assert.rejects(keel.writeFile(bad, 'x'), isCode('BAD_PATH'), `writeFile ${bad}`);
      await assert.rejects(keel.mkdir(bad), isCode('BAD_PATH'), `mkdir ${bad}`);
    }
    // A file in the way of a path's parent.
    await keel.writeFile('/plain', 'x');
    await assert.rejects(keel.writeFile('/plain/child', 'y'), isCode('FS'));
  });
});

test('mkdir where a file already is fails', async () => {
  await withKeel(async (keel) => {
    await keel.writeFile('/plain', 'x');
    await assert.rejects(keel.mkdir('/plain'), isCode('FS'));
    await assert.rejects(keel.mkdir('/plain/sub'), isCode('FS'));
  });
});

test('a bad path in BootOptions.files is a typed error at boot, and nothing is left running', async () => {
  const before = resources();
  await assert.rejects(bootKeel({ files: { '/ok': 'fine', 'not/absolute': 'x' } }), isCode('BAD_PATH'));
  await assert.rejects(bootKeel({ files: { '/a/../b': 'x' } }), isCode('BAD_PATH'));
  assert.deepEqual(resources(), before, 'the failed boots left nothing behind');
});

test('cwd: relative paths resolve in it and PWD names it; it must be a directory', async () => {
  await withKeel(async (keel) => {
    const r = await keel.run(prog('cat'), { args: ['cat', 'rel.txt'], cwd: '/work/here', dirs: [] });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'relative content\n');
    // Without the cwd the same name is not found.
    const lost = await keel.run(prog('cat'), { args: ['cat', 'rel.txt'], dirs: ['/work'] });
    assert.equal(lost.exitCode, 1);
    assert.match(lost.stderr, /rel\.txt/);

    const env = await keel.run(prog('echo_args_env'), { args: ['echo_args_env'], cwd: '/work/here', env: { ONE: '1' } });
    assert.equal(env.stdout, 'argc=1\nargv[0]=echo_args_env\nenv: ONE=1\nenv: PWD=/work/here\n');
    const own = await keel.run(prog('echo_args_env'), { args: ['echo_args_env'], cwd: '/work/here', env: { PWD: '/elsewhere' } });
    assert.equal(own.stdout, 'argc=1\nargv[0]=echo_args_env\nenv: PWD=/elsewhere\n', 'a PWD given in env is kept');

    // A program writing a relative path writes into the cwd.
    const copy = await keel.run(prog('copy_file'), { args: ['copy_file', 'rel.txt', 'copy.txt'], cwd: '/work/here', dirs: [] });
    assert.equal(copy.exitCode, 0, copy.stderr);
    assert.equal(decoder.decode(await keel.readFile('/work/here/copy.txt')), 'relative content\n');

    for (const cwd of ['/work/absent', 'work/here', '/work/here/rel.txt']) {
      await assert.rejects(keel.run(prog('hello'), { cwd }), isCode('BAD_DIR'), `cwd ${cwd}`);
    }
  }, { files: { '/work/here/rel.txt': 'relative content\n' } });
});

/**
 * The library's standard streams, through the package entry point only: stdin as a string, bytes,
 * a Node Readable, a web ReadableStream, an async generator, a host file, 'pipe' and 'ignore';
 * stdout and stderr as 'pipe', a Node Writable, a web WritableStream, a host file and 'ignore'.
 * Transfers far larger than a pipe's 64 KiB buffer come through byte for byte (with the sinks'
 * backpressure honoured), children inherit a piped stdout, and bad options are typed errors.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CountQueuingStrategy, ReadableStream, WritableStream } from 'node:stream/web';
import { KeelError } from '../../src/platform/node/index.js';
import { prog, resources, withKeel, within } from '../support/api-helpers.js';

const encoder = new TextEncoder();

/** What `seq FIRST LAST` prints. */
function seqText(first: number, last: number): string {
  const lines: string[] = [];
  for (let i = first; i <= last; i++) lines.push(`${i}\n`);
  return lines.join('');
}

/** Bytes of a repeating pattern that is not text (every byte value, NULs included). */
function pattern(length: number, seed = 0): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return b;
}



/**
 * A Node Writable that keeps what it is given. `delayMs` makes it a slow consumer (each write
 * completes after a timer), so a producer that ignores backpressure would pile data up in it:
 * `maxBuffered` is the most it ever held unwritten. `onData` runs after every chunk.
 */
function collector(options: { highWaterMark?: number; delayMs?: number; onData?: (text: string) => void } = {}) {
  const chunks: Buffer[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      options.onData?.(Buffer.concat(chunks).toString());
      if (options.delayMs !== undefined) setTimeout(done, options.delayMs);
      else done();
    },
  });
  return {
    sink,
    bytes: (): Buffer => Buffer.concat(chunks),
    text: (): string => Buffer.concat(chunks).toString(),
    maxBuffered: (): number => maxBuffered,
  };
}


test('stdin given as a string, bytes, a Node Readable, a web ReadableStream or an async generator reaches the program byte for byte', async () => {
  await withKeel(async (keel) => {
    const text = 'héllo wörld ✓\nsecond line without a newline';
    const s = await keel.run(prog('cat'), { stdin: text });
    assert.equal(s.exitCode, 0);
    assert.equal(s.stdout, text);
    assert.deepEqual(s.stdoutBytes, encoder.encode(text));
    assert.equal(s.stderr, '');

    // Every byte value, twice: binary input is not decoded or re-encoded on the way.
    const binary = new Uint8Array(512).map((_, i) => i & 0xff);
    const b = await keel.run(prog('cat'), { stdin: binary });
    assert.deepEqual(b.stdoutBytes, binary);

    const r = await keel.run(prog('cat'), { stdin: Readable.from(['ab', Buffer.from('cd'), new Uint8Array([101, 0, 102])]) });
    assert.deepEqual(r.stdoutBytes, new Uint8Array([97, 98, 99, 100, 101, 0, 102]));

    // A web stream made chunk by chunk as it is pulled: 40 chunks of 8 KiB, several pipes full.
    const chunks = Array.from({ length: 40 }, (_, i) => pattern(8192, i));
    let next = 0;
    const web = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < chunks.length) controller.enqueue(chunks[next++]!);
        else controller.close();
      },
    });
    const w = await keel.run(prog('cat'), { stdin: web });
    assert.equal(next, chunks.length, 'the whole stream was pulled');
    assert.deepEqual(w.stdoutBytes, new Uint8Array(Buffer.concat(chunks)));

    async function* lines(): AsyncGenerator<string> {
      for (let i = 1; i <= 3; i++) yield `line ${i}\n`;
    }
    const g = await keel.run(prog('cat'), { stdin: lines() });
    assert.equal(g.stdout, 'line 1\nline 2\nline 3\n');
  });
});

test('stdin from a host file; a file that does not exist is NOT_FOUND and starts nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-stdio-'));
  const before = resources();
  try {
    const data = pattern(300_000, 7);
    writeFileSync(join(dir, 'in.bin'), data);
    await withKeel(async (keel) => {
      const r = await keel.run(prog('cat'), { stdin: { file: join(dir, 'in.bin') } });
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdoutBytes.length, data.length);
      assert.deepEqual(r.stdoutBytes, data);

      await assert.rejects(keel.run(prog('cat'), { stdin: { file: join(dir, 'absent.bin') } }),
        (e: unknown) => e instanceof KeelError && e.code === 'NOT_FOUND' && e.message.includes('absent.bin'));
      await assert.rejects(keel.spawn(prog('hog'), { args: ['hog', 'spin'], stdin: { file: join(dir, 'absent.bin') } }),
        (e: unknown) => e instanceof KeelError && e.code === 'NOT_FOUND');
      // The failed spawns broke nothing: the system still runs programs.
      assert.equal((await keel.run(prog('hello'))).stdout, 'hello, world\n');
    });
    assert.deepEqual(resources(), before, 'nothing left running after shutdown');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("stdin 'ignore' (the default) is end of input at once; KeelProcess.stdin is null unless 'pipe'", async () => {
  await withKeel(async (keel) => {
    for (const stdin of [undefined, 'ignore' as const]) {
      const p = await keel.spawn(prog('hog'), { args: ['hog', 'echo'], ...(stdin ? { stdin } : {}) });
      assert.equal(p.stdin, null);
      const r = await within(p.result(), 20_000, 'hog echo with no input');
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'lines 0\n');
    }
    const s = await keel.spawn(prog('cat'), { stdin: 'some input' });
    assert.equal(s.stdin, null);
    assert.equal((await s.result()).stdout, 'some input');
  });
});

test("stdin 'pipe': the host writes while the program runs, and end() is its end of input", async () => {
  await withKeel(async (keel) => {
    // hog echo answers each line as it comes: the first answer arrives before the input ends.
    let seen = '';
    let waiting: { want: string; resolve: () => void } | null = null;
    const out = collector({
      onData: (text) => {
        seen = text;
        if (waiting && seen.includes(waiting.want)) waiting.resolve();
      },
    });
    const echoed = (want: string): Promise<void> => within(new Promise<void>((resolve) => {
      if (seen.includes(want)) resolve();
      else waiting = { want, resolve };
    }), 20_000, `echo of ${JSON.stringify(want)}`);

    const p = await keel.spawn(prog('hog'), { args: ['hog', 'echo'], stdin: 'pipe', stdout: out.sink });
    assert.ok(p.stdin, 'a stdin writer');
    assert.ok(p.pid > 0);
    assert.equal(await p.stdin.write('one\n'), true);
    await echoed('one\n');
    assert.equal(out.text(), 'one\n', 'only the first line so far');
    assert.equal(await p.stdin.write(encoder.encode('two\n')), true);
    await echoed('two\n');
    await p.stdin.end();
    const r = await within(p.result(), 20_000, 'hog echo after end of input');
    assert.equal(r.exitCode, 0);
    assert.equal(r.stderr, 'lines 2\n');
    assert.equal(r.stdout, '', 'stdout went to the writable, not the result');
    assert.equal(out.text(), 'one\ntwo\n');

    // 1 MiB through the writer: write() waits for room, as cat drains the pipe.
    const big = pattern(1 << 20, 3);
    const c = await keel.spawn(prog('cat'), { stdin: 'pipe' });
    assert.equal(await within(c.stdin!.write(big), 30_000, '1 MiB write'), true);
    await c.stdin!.end();
    await c.stdin!.end(); // a second end is harmless
    const cr = await within(c.result(), 30_000, 'cat of 1 MiB');
    assert.equal(cr.stdoutBytes.length, big.length);
    assert.deepEqual(cr.stdoutBytes, big);

    // A program that exited no longer reads: write says so instead of waiting.
    const h = await keel.spawn(prog('hello'), { stdin: 'pipe' });
    await within(h.exited, 20_000, 'hello exits');
    assert.equal(await within(h.stdin!.write(pattern(200_000)), 5_000, 'write after exit'), false);
    await h.stdin!.end();
    assert.equal((await h.result()).stdout, 'hello, world\n');
  });
});

test("stdin 'pipe': a program killed before it ran does not leave the writer waiting forever", async () => {
  await withKeel(async (keel) => {
    const p = await keel.spawn(prog('hog'), { args: ['hog', 'echo'], stdin: 'pipe' });
    assert.equal(p.kill(9), true);
    assert.deepEqual(await within(p.exited, 20_000, 'killed hog'), { kind: 'killed', signal: 9 });
    // Nobody will ever read this: more than the pipe holds must come back false, not hang.
    assert.equal(await within(p.stdin!.write(pattern(200_000)), 5_000, 'stdin write after the program was killed'), false);
  });
});

test("stdout and stderr 'pipe' (the default) are collected separately as text and bytes", async () => {
  await withKeel(async (keel) => {
    const r = await keel.run(prog('exit_code'), { args: ['exit_code', '3'] });
    assert.equal(r.exitCode, 3);
    assert.deepEqual(r.status, { kind: 'exited', code: 3 });
    assert.equal(r.stdout, 'exiting with 3\n');
    assert.equal(r.stderr, 'bye\n');
    assert.deepEqual(r.stdoutBytes, encoder.encode('exiting with 3\n'));
    assert.deepEqual(r.stderrBytes, encoder.encode('bye\n'));

    const e = await keel.run(prog('exit_code'), { args: ['exit_code', '0'], stdout: 'pipe', stderr: 'pipe' });
    assert.equal(e.stdout, 'exiting with 0\n');
    assert.equal(e.stderr, 'bye\n');
  });
});

test('stdout to a Node Writable and stderr to a web WritableStream', async () => {
  await withKeel(async (keel) => {
    const out = collector();
    const errChunks: Uint8Array[] = [];
    const err = new WritableStream<Uint8Array>({ write(chunk) { errChunks.push(chunk); } });
    const r = await keel.run(prog('exit_code'), { args: ['exit_code', '4'], stdout: out.sink, stderr: err });
    assert.equal(r.exitCode, 4);
    assert.equal(out.text(), 'exiting with 4\n');
    assert.equal(Buffer.concat(errChunks).toString(), 'bye\n');
    assert.ok(errChunks.every((c) => c instanceof Uint8Array));
    assert.equal(r.stdout, '', 'not collected when given a writable');
    assert.equal(r.stderr, '');
    assert.equal(r.stdoutBytes.length, 0);
    assert.equal(err.locked, false, 'the web stream is released for its owner to close');
  });
});

test('large output into slow writables: every byte in order, and their backpressure is honoured', async () => {
  const expected = seqText(1, 200_000);
  await withKeel(async (keel) => {
    // A Node Writable with a 1 KiB high-water mark that completes each write a millisecond later.
    const out = collector({ highWaterMark: 1024, delayMs: 1 });
    const r = await within(keel.run(prog('seq'), { args: ['seq', '1', '200000'], stdout: out.sink }), 60_000, 'seq into a slow Writable');
    assert.equal(r.exitCode, 0);
    assert.equal(out.bytes().length, expected.length);
    assert.equal(out.text(), expected);
    // Waiting for 'drain' keeps at most one pipe read (< 64 KiB) beyond the high-water mark.
    assert.ok(out.maxBuffered() <= 1024 + 64 * 1024, `the writable held ${out.maxBuffered()} bytes unwritten`);

    // A web WritableStream with a queue of one chunk and an asynchronous sink.
    const chunks: Uint8Array[] = [];
    const web = new WritableStream<Uint8Array>({
      write: (chunk) => new Promise<void>((resolve) => {
        chunks.push(chunk);
        setImmediate(resolve);
      }),
    }, new CountQueuingStrategy({ highWaterMark: 1 }));
    const w = await within(keel.run(prog('seq'), { args: ['seq', '1', '200000'], stdout: web }), 60_000, 'seq into a slow WritableStream');
    assert.equal(w.exitCode, 0);
    assert.equal(Buffer.concat(chunks).toString(), expected);
  });
});

test('stdout and stderr to host files: created or truncated, and complete when the result is in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-stdio-'));
  try {
    const outPath = join(dir, 'out.txt');
    const errPath = join(dir, 'err.txt');
    writeFileSync(outPath, 'old content, longer than what the program writes\n'.repeat(10));
    await withKeel(async (keel) => {
      const r = await keel.run(prog('exit_code'), { args: ['exit_code', '5'], stdout: { file: outPath }, stderr: { file: errPath } });
      assert.equal(r.exitCode, 5);
      assert.equal(r.stdout, '');
      assert.equal(readFileSync(outPath, 'utf8'), 'exiting with 5\n', 'truncated, then written');
      assert.equal(readFileSync(errPath, 'utf8'), 'bye\n', 'created');

      const big = join(dir, 'seq.txt');
      const s = await within(keel.run(prog('seq'), { args: ['seq', '1', '200000'], stdout: { file: big } }), 60_000, 'seq into a file');
      assert.equal(s.exitCode, 0);
      assert.equal(readFileSync(big, 'utf8'), seqText(1, 200_000));

      await assert.rejects(keel.run(prog('hello'), { stdout: { file: join(dir, 'no', 'such', 'dir', 'out.txt') } }),
        (e: unknown) => e instanceof KeelError && e.code === 'NOT_FOUND' && /stdout/.test(e.message));
      await assert.rejects(keel.run(prog('hello'), { stderr: { file: join(dir, 'no', 'such', 'dir', 'err.txt') } }),
        (e: unknown) => e instanceof KeelError && e.code === 'NOT_FOUND' && /stderr/.test(e.message));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("'ignore' output is discarded without blocking the program, however much it writes", async () => {
  await withKeel(async (keel) => {
    const r = await within(keel.run(prog('seq'), { args: ['seq', '1', '200000'], stdout: 'ignore' }), 60_000, 'seq into ignore');
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stdoutBytes.length, 0);
    const e = await keel.run(prog('exit_code'), { args: ['exit_code', '6'], stderr: 'ignore' });
    assert.equal(e.exitCode, 6);
    assert.equal(e.stdout, 'exiting with 6\n');
    assert.equal(e.stderr, '');
  });
});

test('large transfers through pipes: seq 1 200000 out, and 1 MiB in and out of cat at once', async () => {
  await withKeel(async (keel) => {
    const expected = seqText(1, 200_000);
    const s = await within(keel.run(prog('seq'), { args: ['seq', '1', '200000'] }), 60_000, 'seq 1 200000');
    assert.equal(s.exitCode, 0);
    assert.equal(s.stdoutBytes.length, Buffer.byteLength(expected));
    assert.ok(s.stdoutBytes.length > 16 * 64 * 1024, 'many times the pipe buffer');
    assert.equal(s.stdout, expected);

    // ~1 MiB of varied text (not one repeated byte, so reordered or dropped chunks show).
    const input = Array.from({ length: 22_000 }, (_, i) => `line ${i.toString(36).padStart(5, '0')} ${'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJK'.slice(i % 20)}\n`).join('');
    assert.ok(input.length >= 1 << 20, `${input.length} bytes`);
    const c = await within(keel.run(prog('cat'), { stdin: input }), 60_000, 'cat of 1 MiB');
    assert.equal(c.exitCode, 0);
    assert.equal(c.stdout.length, input.length);
    assert.equal(c.stdout, input);
  });
});

test("children a program starts inherit its piped stdout and stderr", async () => {
  // pipeline DIR runs DIR/seq.wasm 1 5 | DIR/cat.wasm: the grandchild cat writes into our pipe.
  await withKeel(async (keel) => {
    const r = await within(keel.run(prog('pipeline'), { args: ['pipeline', '/progs'] }), 30_000, 'pipeline');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, '1\n2\n3\n4\n5\n');
    assert.deepEqual(r.stderr.split('\n').filter((l) => l !== '').sort(), ['consumer exited 0', 'producer exited 0']);

    // The same into a Node Writable, with far more than a pipe's worth from the children.
    const out = collector();
    const big = await within(keel.run(prog('pipeline'), { args: ['pipeline', '/progs', 'seq', 'cat', '100000'], stdout: out.sink }), 60_000, 'big pipeline');
    assert.equal(big.exitCode, 0, big.stderr);
    assert.equal(out.text(), seqText(1, 100_000));
    assert.match(big.stderr, /producer exited 0/);
    assert.match(big.stderr, /consumer exited 0/);
  }, { dirs: { '/progs': dirname(prog('cat')) } });
});

test('a stdout or stderr option of the wrong kind is BAD_OPTION', async () => {
  await withKeel(async (keel) => {
    for (const bad of [42, 'loud', true, {}]) {
      await assert.rejects(keel.run(prog('hello'), { stdout: bad as never }),
        (e: unknown) => e instanceof KeelError && e.code === 'BAD_OPTION' && /stdout/.test(e.message), `stdout ${JSON.stringify(bad)}`);
      await assert.rejects(keel.run(prog('hello'), { stderr: bad as never }),
        (e: unknown) => e instanceof KeelError && e.code === 'BAD_OPTION' && /stderr/.test(e.message), `stderr ${JSON.stringify(bad)}`);
    }
    assert.equal((await keel.run(prog('hello'))).stdout, 'hello, world\n', 'still running programs');
  });
});

test('a stdin option of the wrong kind is BAD_OPTION', async () => {
  await withKeel(async (keel) => {
    for (const bad of [42, true, {}]) {
      await assert.rejects(keel.run(prog('cat'), { stdin: bad as never }),
        (e: unknown) => e instanceof KeelError && e.code === 'BAD_OPTION', `stdin ${JSON.stringify(bad)}`);
    }
  });
});

test('a Node Writable that fails does not leave the result waiting forever', async () => {
  await withKeel(async (keel) => {
    const broken = new Writable({ write(_chunk, _encoding, done) { done(new Error('disk on fire')); } });
    broken.on('error', () => {});
    const p = await keel.spawn(prog('hello'), { stdout: broken });
    await within(p.exited, 20_000, 'hello exits');
    // Resolving (output dropped) or rejecting (the sink's error) would both do; hanging does not.
    await within(p.result().then(() => undefined, () => undefined), 5_000, 'result() with a failed stdout writable');
  });
});

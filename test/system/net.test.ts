/**
 * Sockets: `keel run --tcplisten` gives the program a listening socket fd; a C echo server accepts
 * a real TCP connection from this test, receives until the peer half-closes, sends the data back
 * upper-cased and shuts down its side (sock_accept, sock_recv, sock_send, sock_shutdown).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keel = join(root, 'bin/keel.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Connect, retrying while the server is not listening yet (bounded by `deadlineMs`). */
function exchange(port: number, message: string, deadlineMs: number): Promise<string> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const s = connect(port, '127.0.0.1');
      let got = '';
      s.on('connect', () => s.end(message));
      s.on('data', (b) => { got += b.toString(); });
      s.on('end', () => resolve(got));
      s.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ECONNREFUSED' && Date.now() - start < deadlineMs) setTimeout(attempt, 20);
        else reject(e);
      });
    };
    attempt();
  });
}

test('a wasm echo server on a --tcplisten socket answers a real TCP client', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [keel, 'run', '--tcplisten', `127.0.0.1:${port}`, join(root, 'programs/c/build/echo_server.wasm')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b) => { out += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const reply = await exchange(port, 'hello, keel', 20_000);
    assert.equal(reply, 'HELLO, KEEL');
    assert.equal(await exited, 0);
    assert.equal(out, 'accepted\nreceived 11 bytes\nsent 11 bytes\n');
  } finally {
    child.kill();
  }
});

test('an address already in use is a one-line boot error', async () => {
  const port = await freePort();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    const child = spawn(process.execPath, [keel, 'run', '--tcplisten', `127.0.0.1:${port}`, join(root, 'programs/c/build/echo_server.wasm')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => { err += b.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.match(err, /keel: cannot boot: .*net: 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    assert.equal(err.trim().split('\n').length, 1);
  } finally {
    blocker.close();
  }
});

test('a bad --tcplisten address is a one-line error', async () => {
  const child = spawn(process.execPath, [keel, 'run', '--tcplisten', 'nonsense', join(root, 'programs/c/build/echo_server.wasm')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 2);
  assert.match(err, /--tcplisten nonsense: expected HOST:PORT/);
});

/**
 * The registry service in process, on a scripted host (no network): what it lets a path name
 * (only paths under its one URL: no scheme, no `..`, no query, no leading slash), how a body
 * reaches the reader (in order, pulled only while fewer than 4 MiB wait unread), how a broken
 * or short body ends (EIO with the reason, never an end passed off as complete), and that
 * streams are per session, bounded, and cancelled when closed or when the session ends.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/services/registry/registry.js';
import { registryProtocol } from '../../src/abi/protocols/registry.js';
import { decode } from '../../src/abi/protocol.js';
import { Errno } from '../../src/abi/errno.js';
import type { DeferredReply } from '../../src/ipc/call-context.js';
import type { HostDownload, HostHttp, HostResponse } from '../../src/host/host-http.js';

const BASE = 'http://registry.test/npm/';

interface Script {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  respond: (r: HostResponse | string) => void;
  /** Answer the pending `next` (a chunk, null for the end, or a failure). */
  give: (c: Uint8Array | null | string) => void;
  pulls: number;
  cancelled: boolean;
}

function scriptedHost(): { http: HostHttp; gets: Script[] } {
  const gets: Script[] = [];
  const http: HostHttp = {
    get(url, headers): HostDownload {
      let respond: (r: HostResponse | string) => void = () => {};
      const response = new Promise<HostResponse | string>((resolve) => { respond = resolve; });
      const pending: ((c: Uint8Array | null | string) => void)[] = [];
      const script: Script = {
        url, headers, respond, pulls: 0, cancelled: false,
        give: (c) => {
          const p = pending.shift();
          assert.ok(p, 'no pull is waiting');
          p(c);
        },
      };
      gets.push(script);
      return {
        response,
        next: () => {
          script.pulls++;
          return new Promise((resolve) => pending.push(resolve));
        },
        cancel: () => { script.cancelled = true; },
      };
    },
  };
  return { http, gets };
}

/** A deferred reply whose answer can be read back (decoded by the op's reply layout). */
function deferred(): DeferredReply & { done: boolean } {
  const d = {
    regs: new Float64Array(32), bulk: new Uint8Array(1 << 20), pending: true, done: false,
    finish() { d.done = true; d.pending = false; },
  };
  return d;
}

function answer<K extends keyof typeof registryProtocol.layouts>(op: K, d: DeferredReply & { done: boolean }): Record<string, unknown> | number {
  assert.ok(d.done, `${String(op)} has not been answered`);
  if (d.regs[0] !== 0) return d.regs[0]!;
  return decode(registryProtocol.layouts[op].reply, d.regs, d.bulk) as Record<string, unknown>;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function openStream(r: Registry, gets: Script[], badge: number, path: string, size: number | null): Promise<number> {
  const d = deferred();
  r.open(badge, path, () => d);
  gets.at(-1)!.respond({ status: 200, size });
  await settle();
  const a = answer('open', d);
  assert.equal(typeof a, 'object');
  return (a as { stream: number }).stream;
}

test('only paths under the registry\'s URL can be opened', () => {
  const { http, gets } = scriptedHost();
  const r = new Registry(http, 'http://registry.test/npm');
  assert.equal(r.url(), BASE);
  for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a/./b', 'a//b', 'http://evil/x', '//evil/x', 'a?x=1', 'a#f', 'a\\b', 'javascript:alert(1)', 'a b', 'x'.repeat(1025)]) {
    assert.equal(r.open(7, bad, () => deferred()), Errno.INVAL, bad);
    assert.match(r.reason(7, 0).text, /not a path in the registry/);
  }
  assert.equal(gets.length, 0);
  const d = deferred();
  r.open(7, '@yowasp%2fclang', () => d);
  assert.equal(gets[0]!.url, `${BASE}@yowasp%2fclang`);
  assert.match(gets[0]!.headers['accept']!, /application\/vnd\.npm\.install-v1\+json/);
});

test('a body reaches the reader in order and ends empty; a short body or a broken one is EIO with the reason', async () => {
  const { http, gets } = scriptedHost();
  const r = new Registry(http, BASE);
  const id = await openStream(r, gets, 1, 'pkg/-/pkg-1.0.0.tgz', 6);
  const host = gets[0]!;
  const reads: (DeferredReply & { done: boolean })[] = [];
  const read = (max: number): DeferredReply & { done: boolean } => {
    const d = deferred();
    reads.push(d);
    const now = r.read(1, id, max, () => d);
    if (typeof now === 'object' && 'data' in now) {
      d.finish();
      return Object.assign(d, { now });
    }
    return d;
  };
  const first = read(4);
  assert.equal(first.done, false);
  host.give(new Uint8Array([1, 2, 3]));
  await settle();
  assert.deepEqual([...(answer('read', first) as { data: Uint8Array }).data], [1, 2, 3]);
  host.give(new Uint8Array([4, 5, 6]));
  await settle();
  const second = deferred();
  const got = r.read(1, id, 2, () => second);
  assert.deepEqual([...(got as { data: Uint8Array }).data], [4, 5]);
  const third = r.read(1, id, 10, () => deferred());
  assert.deepEqual([...(third as { data: Uint8Array }).data], [6]);
  host.give(null);
  await settle();
  assert.deepEqual([...(r.read(1, id, 10, () => deferred()) as { data: Uint8Array }).data], []);

  // Announced 10 bytes, ended after 4.
  const short = await openStream(r, gets, 1, 'short', 10);
  gets[1]!.give(new Uint8Array(4));
  await settle();
  gets[1]!.give(null);
  await settle();
  assert.equal((r.read(1, short, 100, () => deferred()) as { data: Uint8Array }).data.length, 4);
  assert.equal(r.read(1, short, 100, () => deferred()), Errno.IO);
  assert.equal(r.reason(1, short).text, 'cut short: 4 of 10 bytes arrived');

  // The connection broke while a reader waited.
  const broken = await openStream(r, gets, 1, 'broken', null);
  const waiting = deferred();
  r.read(1, broken, 100, () => waiting);
  gets[2]!.give('other side closed');
  await settle();
  assert.equal(answer('read', waiting), Errno.IO);
  assert.equal(r.reason(1, broken).text, 'other side closed');

  // No response at all.
  const d = deferred();
  r.open(1, 'down', () => d);
  gets[3]!.respond('connect ECONNREFUSED 127.0.0.1:9');
  await settle();
  assert.equal(answer('open', d), Errno.IO);
  assert.equal(r.reason(1, 0).text, 'connect ECONNREFUSED 127.0.0.1:9');
});

test('the service pulls ahead at most 4 MiB the reader has not taken', async () => {
  const { http, gets } = scriptedHost();
  const r = new Registry(http, BASE);
  const id = await openStream(r, gets, 1, 'big', null);
  const host = gets[0]!;
  const MiB = new Uint8Array(1024 * 1024);
  for (let i = 0; i < 4; i++) {
    assert.equal(host.pulls, i + 1);
    host.give(MiB);
    await settle();
  }
  assert.equal(host.pulls, 4, 'no pull while 4 MiB wait');
  assert.equal((r.read(1, id, 1024 * 1024, () => deferred()) as { data: Uint8Array }).data.length, 1024 * 1024);
  assert.equal(host.pulls, 5, 'reading makes room, and the next pull starts');
});

test('streams belong to their session, are bounded, and are cancelled by close and by the session\'s end', async () => {
  const { http, gets } = scriptedHost();
  const r = new Registry(http, BASE);
  const a = await openStream(r, gets, 1, 'a', null);
  assert.equal(r.read(2, a, 10, () => deferred()), Errno.BADF, 'another session cannot read it');
  assert.equal(r.close(2, a), Errno.BADF);
  assert.equal(r.close(1, a), Errno.SUCCESS);
  assert.equal(gets[0]!.cancelled, true);
  assert.equal(r.read(1, a, 10, () => deferred()), Errno.BADF);
  for (let i = 0; i < 8; i++) await openStream(r, gets, 3, `s${i}`, null);
  assert.equal(r.open(3, 'one-more', () => deferred()), Errno.MFILE);
  r.endSession(3);
  assert.ok(gets.slice(1).every((g) => g.cancelled));
});

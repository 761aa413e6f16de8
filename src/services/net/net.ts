/**
 * The net service: TCP sockets for programs, on the host's sockets. The system binds listening
 * sockets at boot (`keel run --tcplisten`); a program gets them as preopened socket fds and
 * accepts connections on them. Sockets are ids in the caller's session (its badge), like fids.
 *
 * accept and recv wait (deferred replies) until a connection or data arrives, unless the caller
 * asked not to block (EAGAIN). recv returns empty data once the peer has finished sending. The
 * service must run on a thread with an event loop (the kernel thread).
 */

import { DEFER, type DeferredReply, type Service } from '../../ipc/call-context.js';
import { finishDeferred, serveProtocol } from '../../ipc/protocol-client.js';
import { NET_NONBLOCK, netProtocol } from '../../abi/protocols/net.js';
import { ERRNO_PROTOCOL_ERRORS, Errno } from '../../abi/errno.js';
import type { HostConnection, HostListener, HostNet } from '../../host/host-net.js';
import { concatBytes } from '../../abi/bytes.js';


interface Listening {
  readonly kind: 'listener';
  readonly index: number;
}

interface Connected {
  readonly kind: 'conn';
  readonly conn: HostConnection;
  readonly buffered: Uint8Array[];
  ended: boolean;
  readClosed: boolean;
  writeClosed: boolean;
  readonly waiting: { deferred: DeferredReply; max: number }[];
}

type Sock = Listening | Connected;

interface ListenerState {
  readonly host: HostListener;
  readonly pending: HostConnection[];
  readonly waiting: { deferred: DeferredReply; badge: number }[];
  failed: string | null;
}

export class Net {
  private readonly sessions = new Map<number, Map<number, Sock>>();
  private nextSock = 1;
  private readonly listeners: ListenerState[];

  constructor(host: HostNet, private readonly binds: readonly { host: string; port: number }[]) {
    this.listeners = binds.map((b) => {
      const state: ListenerState = { host: host.listen(b.host, b.port), pending: [], waiting: [], failed: null };
      state.host.onConnection((c) => {
        state.pending.push(c);
        this.serveAccepts(state);
      }, (message) => {
        state.failed = message;
        this.serveAccepts(state);
      });
      return state;
    });
  }

  /** Resolves when every listener is bound: null, or the first reason one could not be. */
  async ready(): Promise<string | null> {
    const results = await Promise.all(this.listeners.map((l, i) => l.host.bound.then((why) => (why ? `${this.binds[i]!.host}:${this.binds[i]!.port}: ${why}` : null))));
    return results.find((r) => r !== null) ?? null;
  }

  private session(badge: number): Map<number, Sock> {
    let s = this.sessions.get(badge);
    if (!s) {
      s = new Map();
      this.sessions.set(badge, s);
    }
    return s;
  }

  private add(badge: number, sock: Sock): number {
    const id = this.nextSock++;
    this.session(badge).set(id, sock);
    return id;
  }

  private sock(badge: number, id: number): Sock | number {
    return this.sessions.get(badge)?.get(id) ?? Errno.BADF;
  }

  open(badge: number, index: number): { sock: number } | number {
    if (!this.listeners[index]) return Errno.BADF;
    return { sock: this.add(badge, { kind: 'listener', index }) };
  }

  private connected(conn: HostConnection): Connected {
    const c: Connected = { kind: 'conn', conn, buffered: [], ended: false, readClosed: false, writeClosed: false, waiting: [] };
    conn.onData((chunk) => {
      if (c.readClosed) return;
      c.buffered.push(chunk);
      this.serveReads(c);
    }, () => {
      c.ended = true;
      this.serveReads(c);
    });
    return c;
  }

  private serveAccepts(state: ListenerState): void {
    while (state.waiting.length > 0 && (state.pending.length > 0 || state.failed)) {
      const w = state.waiting.shift()!;
      if (!w.deferred.pending) continue;
      if (state.failed) {
        finishDeferred(netProtocol.layouts.accept.reply, w.deferred, Errno.IO, ERRNO_PROTOCOL_ERRORS);
        continue;
      }
      const sock = this.add(w.badge, this.connected(state.pending.shift()!));
      finishDeferred(netProtocol.layouts.accept.reply, w.deferred, { sock }, ERRNO_PROTOCOL_ERRORS);
    }
  }

  accept(badge: number, id: number, nonblock: boolean, defer: () => DeferredReply | null): { sock: number } | number | typeof DEFER {
    const s = this.sock(badge, id);
    if (typeof s === 'number') return s;
    if (s.kind !== 'listener') return Errno.INVAL;
    const state = this.listeners[s.index]!;
    if (state.failed) return Errno.IO;
    const c = state.pending.shift();
    if (c) return { sock: this.add(badge, this.connected(c)) };
    const d = nonblock ? null : defer();
    if (!d) return Errno.AGAIN;
    state.waiting.push({ deferred: d, badge });
    return DEFER;
  }

  private take(c: Connected, max: number): Uint8Array {
    const out: Uint8Array[] = [];
    let n = 0;
    while (c.buffered.length > 0 && n < max) {
      const first = c.buffered[0]!;
      const take = Math.min(first.length, max - n);
      out.push(first.subarray(0, take));
      if (take === first.length) c.buffered.shift();
      else c.buffered[0] = first.subarray(take);
      n += take;
    }
    return concatBytes(out);
  }

  private serveReads(c: Connected): void {
    while (c.waiting.length > 0 && (c.buffered.length > 0 || c.ended || c.readClosed)) {
      const w = c.waiting.shift()!;
      if (!w.deferred.pending) continue;
      finishDeferred(netProtocol.layouts.recv.reply, w.deferred, { data: this.take(c, w.max) }, ERRNO_PROTOCOL_ERRORS);
    }
  }

  recv(badge: number, id: number, max: number, nonblock: boolean, defer: () => DeferredReply | null): { data: Uint8Array } | number | typeof DEFER {
    const s = this.sock(badge, id);
    if (typeof s === 'number') return s;
    if (s.kind !== 'conn') return Errno.NOTCONN;
    if (s.buffered.length > 0 || s.ended || s.readClosed) return { data: this.take(s, max) };
    const d = nonblock ? null : defer();
    if (!d) return Errno.AGAIN;
    s.waiting.push({ deferred: d, max });
    return DEFER;
  }

  send(badge: number, id: number, data: Uint8Array): { sent: number } | number {
    const s = this.sock(badge, id);
    if (typeof s === 'number') return s;
    if (s.kind !== 'conn') return Errno.NOTCONN;
    if (s.writeClosed) return Errno.PIPE;
    s.conn.write(data.slice());
    return { sent: data.length };
  }

  shutdown(badge: number, id: number, how: number): number {
    const s = this.sock(badge, id);
    if (typeof s === 'number') return s;
    if (how < 1 || how > 3) return Errno.INVAL;
    if (s.kind !== 'conn') return Errno.NOTCONN;
    if (how & 1) {
      s.readClosed = true;
      s.conn.pause();
      this.serveReads(s);
    }
    if (how & 2 && !s.writeClosed) {
      s.writeClosed = true;
      s.conn.shutdownWrite();
    }
    return Errno.SUCCESS;
  }

  close(badge: number, id: number): number {
    const s = this.sock(badge, id);
    if (typeof s === 'number') return s;
    this.sessions.get(badge)!.delete(id);
    if (s.kind === 'conn') s.conn.close();
    return Errno.SUCCESS;
  }

  endSession(badge: number): void {
    for (const id of [...(this.sessions.get(badge)?.keys() ?? [])]) this.close(badge, id);
    this.sessions.delete(badge);
  }

  stop(): void {
    for (const l of this.listeners) l.host.close();
    for (const badge of [...this.sessions.keys()]) this.endSession(badge);
  }
}

export function netService(net: Net): Service {
  return serveProtocol(netProtocol, 'net', {
    open: (r, c) => net.open(c.badge, r.listener),
    accept: (r, c, server) => net.accept(c.badge, r.sock, (r.flags & NET_NONBLOCK) !== 0, () => server.defer(c)),
    recv: (r, c, server) => net.recv(c.badge, r.sock, Math.min(r.max, c.bulk.length), (r.flags & NET_NONBLOCK) !== 0, () => server.defer(c)),
    send: (r, c) => net.send(c.badge, r.sock, r.data),
    shutdown: (r, c) => net.shutdown(c.badge, r.sock, r.how) || {},
    close: (r, c) => net.close(c.badge, r.sock) || {},
  }, ERRNO_PROTOCOL_ERRORS);
}

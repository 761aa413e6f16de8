/**
 * The Node.js HostNet: node:net servers and sockets behind the net service's interface.
 * Connections that arrive before the service asks for them are kept in order.
 */

import type { Server, Socket } from 'node:net';
import type { HostConnection, HostListener, HostNet } from '../../host/host-net.js';
import { lazyBuiltin } from './lazy-builtin.js';

/** node:net, loaded when a first listener is made (most threads never make one). */
const net = lazyBuiltin<typeof import('node:net')>('node:net');

function wrap(socket: Socket): HostConnection {
  let ended = false;
  const early: Uint8Array[] = [];
  let onData: ((c: Uint8Array) => void) | null = null;
  let onEnd: (() => void) | null = null;
  socket.on('data', (b: Buffer) => {
    const chunk = new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
    if (onData) onData(chunk);
    else early.push(chunk);
  });
  const finish = (): void => {
    if (ended) return;
    ended = true;
    onEnd?.();
  };
  socket.on('end', finish);
  socket.on('close', finish);
  socket.on('error', finish);
  return {
    onData(data, end) {
      onData = data;
      onEnd = end;
      for (const c of early.splice(0)) data(c);
      if (ended) end();
    },
    write(bytes) {
      if (!socket.destroyed) socket.write(bytes);
    },
    shutdownWrite() {
      socket.end();
    },
    pause() {
      socket.pause();
    },
    close() {
      // Let what was written go out first (destroy would drop it), then release the socket.
      socket.destroySoon();
    },
  };
}

export const nodeHostNet: HostNet = {
  listen(host, port): HostListener {
    const pending: HostConnection[] = [];
    let accept: ((c: HostConnection) => void) | null = null;
    let fail: ((m: string) => void) | null = null;
    let failure: string | null = null;
    // allowHalfOpen: a peer that finished sending may still receive (TCP half-close), as POSIX has it.
    const server: Server = net().createServer({ allowHalfOpen: true }, (s) => {
      const c = wrap(s);
      if (accept) accept(c);
      else pending.push(c);
    });
    let settle: (why: string | null) => void = () => {};
    const bound = new Promise<string | null>((resolve) => { settle = resolve; });
    server.on('error', (e: Error) => {
      failure = e.message;
      settle(e.message);
      fail?.(e.message);
    });
    server.listen(port, host, () => settle(null));
    return {
      bound,
      onConnection(cb, error) {
        accept = cb;
        fail = error;
        for (const c of pending.splice(0)) cb(c);
        if (failure) error(failure);
      },
      close() {
        server.close();
      },
    };
  },
};

/**
 * The console service: the host's standard streams, shared by every process that holds a console
 * session. Writes go straight to host stdout/stderr in call order. Reads are answered from a
 * buffer of host stdin; a read with nothing buffered is deferred until input or end of input
 * arrives, so one blocked reader never stalls other clients (the service must run on a thread
 * with an event loop: the kernel thread, or an evented worker).
 * (Line discipline, job control and raw mode come with the tty work.)
 */

import { DEFER, type DeferredReply, type Service } from '../../ipc/call-context.js';
import { finishDeferred, serveProtocol } from '../../ipc/protocol-client.js';
import { defineProtocol } from '../../ipc/protocol.js';
import { ERRNO_PROTOCOL_ERRORS, Errno } from '../../abi/wasi/errno.js';
import type { HostStdio } from './host-stdio.js';

export const consoleProtocol = defineProtocol('console', {
  write: { label: 1, request: { fd: 'u32', data: 'bytes' }, reply: { written: 'u32' } },
  read: { label: 2, request: { max: 'u32' }, reply: { data: 'bytes' }, doc: 'Blocks until input; empty data means end of input.' },
  isatty: { label: 3, request: { fd: 'u32' }, reply: { tty: 'u32' } },
  ready: { label: 4, request: {}, reply: { bytes: 'f64', ended: 'u32' }, doc: 'Input buffered now, and whether input has ended (for poll); starts reading the host\'s stdin.' },
});

export function consoleService(stdio: HostStdio): Service {
  const L = consoleProtocol.layouts;
  const buffered: Uint8Array[] = [];
  let ended = false;
  let reading = false;
  const waiting: { deferred: DeferredReply; max: number }[] = [];

  const take = (max: number): Uint8Array => {
    const first = buffered[0]!;
    if (first.length <= max) {
      buffered.shift();
      return first;
    }
    buffered[0] = first.subarray(max);
    return first.subarray(0, max);
  };

  const serveWaiting = (): void => {
    while (waiting.length > 0 && (buffered.length > 0 || ended)) {
      const w = waiting.shift()!;
      if (!w.deferred.pending) continue;
      finishDeferred(L.read.reply, w.deferred, { data: buffered.length > 0 ? take(w.max) : new Uint8Array(0) }, ERRNO_PROTOCOL_ERRORS);
    }
    if (waiting.length === 0 && reading && buffered.length > 0) {
      reading = false;
      stdio.pauseStdin();
    }
  };

  const startReading = (): void => {
    if (reading || ended) return;
    reading = true;
    stdio.readStdin(
      (chunk) => { buffered.push(chunk); serveWaiting(); },
      () => { ended = true; serveWaiting(); },
    );
  };

  return serveProtocol(consoleProtocol, 'console', {
    write: (r) => {
      if (r.fd !== 1 && r.fd !== 2) return Errno.BADF;
      stdio.write(r.fd, r.data);
      return { written: r.data.length };
    },
    read: (r, call, server) => {
      const max = Math.min(r.max, call.bulk.length);
      if (buffered.length > 0) return { data: take(max) };
      if (ended) return { data: new Uint8Array(0) };
      const deferred = server.defer(call);
      if (!deferred) return Errno.AGAIN;
      waiting.push({ deferred, max });
      startReading();
      return DEFER;
    },
    isatty: (r) => ({ tty: r.fd <= 2 && stdio.isTerminal(r.fd as 0 | 1 | 2) ? 1 : 0 }),
    ready: () => {
      if (buffered.length === 0 && !ended) startReading();
      return { bytes: buffered.reduce((a, b) => a + b.length, 0), ended: ended ? 1 : 0 };
    },
  }, ERRNO_PROTOCOL_ERRORS);
}

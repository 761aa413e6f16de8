/**
 * The console service: the host's standard streams as a terminal, shared by every process that
 * holds a console session.
 *
 * Writes go straight to host stdout/stderr in call order. Input is collected in a queue of
 * chunks (and end-of-input marks) that reads are answered from; a read with nothing queued is
 * deferred until input arrives, so one blocked reader never stalls other clients (the service
 * runs on a thread with an event loop: the kernel thread, or an evented worker).
 *
 * In a session (option `discipline`) whose stdin is a terminal, the console is its line discipline
 * (line-discipline.ts): the host terminal is in raw mode from boot to shutdown (the host's
 * output processing stays on), the console echoes and edits lines, and on ^C signals the foreground process group (set by the
 * shell with `setForeground`) through proc — or, with no foreground job, fails a waiting read with
 * EINTR so the shell can show a fresh prompt; ^Z sends it SIGTSTP (the kernel stops it). A program may ask for raw mode (`setMode`).
 * When stdin is a pipe or a file, bytes pass through untouched and ^C is just a byte.
 */

import { DEFER, type DeferredReply, type Service } from '../../ipc/call-context.js';
import { finishDeferred, serveProtocol } from '../../ipc/protocol-client.js';
import { consoleProtocol } from '../../abi/protocols/console.js';
import { ERRNO_PROTOCOL_ERRORS, Errno } from '../../abi/errno.js';
import type { HostStdio } from '../../host/host-stdio.js';
import { LineDiscipline } from './line-discipline.js';


const SIGINT = 2;
const SIGTSTP = 20;

export interface ConsoleOptions {
  /** Signal process group `pgid` (^C); the console does not wait for the outcome. */
  readonly signalGroup?: (pgid: number, signal: number) => void;
  /**
   * Be the line discipline of a terminal stdin (a session with a shell), from boot on. Without
   * it the host terminal keeps its own cooked mode and ^C stops Keel, as for any host program.
   */
  readonly discipline?: boolean;
}

export function consoleService(stdio: HostStdio, options: ConsoleOptions = {}): Service & { stop(): void } {
  const L = consoleProtocol.layouts;
  /** Input for readers; null = one end-of-input. */
  const queued: (Uint8Array | null)[] = [];
  let ended = false;
  let reading = false;
  let foreground = 0;
  const terminal = options.discipline === true && stdio.isTerminal(0);
  let hostRaw = false;
  const waiting: { deferred: DeferredReply; max: number }[] = [];

  const discipline = new LineDiscipline({
    echo: (text) => stdio.write(1, encoder.encode(text)),
    deliver: (data) => {
      queued.push(data);
      serveWaiting();
    },
    interrupt: () => {
      if (foreground > 0 && options.signalGroup) options.signalGroup(foreground, SIGINT);
      else failWaiting(Errno.INTR);
    },
    suspend: () => {
      if (foreground > 0 && options.signalGroup) options.signalGroup(foreground, SIGTSTP);
    },
  });

  const take = (max: number): Uint8Array => {
    const first = queued[0];
    if (first === null || first === undefined) {
      queued.shift();
      return new Uint8Array(0);
    }
    if (first.length <= max) {
      queued.shift();
      return first;
    }
    queued[0] = first.subarray(max);
    return first.subarray(0, max);
  };

  const failWaiting = (errno: number): void => {
    for (const w of waiting.splice(0)) if (w.deferred.pending) finishDeferred(L.read.reply, w.deferred, errno, ERRNO_PROTOCOL_ERRORS);
  };

  const serveWaiting = (): void => {
    while (waiting.length > 0 && (queued.length > 0 || ended)) {
      const w = waiting.shift()!;
      if (!w.deferred.pending) continue;
      finishDeferred(L.read.reply, w.deferred, { data: queued.length > 0 ? take(w.max) : new Uint8Array(0) }, ERRNO_PROTOCOL_ERRORS);
    }
    // A pipe or file is read only as fast as it is consumed; a terminal is always listened to,
    // so ^C reaches the foreground job even when nobody reads.
    if (!terminal && waiting.length === 0 && reading && queued.length > 0) {
      reading = false;
      stdio.pauseStdin();
    }
  };

  const startReading = (): void => {
    if (reading || ended) return;
    reading = true;
    if (terminal && !hostRaw) {
      stdio.setRawMode(true);
      hostRaw = true;
    }
    stdio.readStdin(
      (chunk) => {
        if (terminal) discipline.input(chunk);
        else {
          queued.push(chunk);
          serveWaiting();
        }
      },
      () => { ended = true; serveWaiting(); },
    );
  };

  // Raw mode from the start, so nothing typed before the first read is echoed by the host.
  if (terminal) startReading();

  const service = serveProtocol(consoleProtocol, 'console', {
    write: (r) => {
      if (r.fd !== 1 && r.fd !== 2) return Errno.BADF;
      stdio.write(r.fd, r.data);
      return { written: r.data.length };
    },
    read: (r, call, server) => {
      const max = Math.min(r.max, call.bulk.length);
      if (queued.length > 0) return { data: take(max) };
      if (ended) return { data: new Uint8Array(0) };
      const deferred = server.defer(call);
      if (!deferred) return Errno.AGAIN;
      waiting.push({ deferred, max });
      startReading();
      return DEFER;
    },
    isatty: (r) => ({ tty: r.fd <= 2 && stdio.isTerminal(r.fd as 0 | 1 | 2) ? 1 : 0 }),
    ready: () => {
      if (queued.length === 0 && !ended) startReading();
      return { bytes: queued.reduce((a, b) => a + (b?.length ?? 0), 0), ended: ended || queued[0] === null ? 1 : 0 };
    },
    setForeground: (r) => {
      foreground = r.pgid;
      return {};
    },
    setMode: (r) => {
      discipline.raw = r.raw !== 0;
      return {};
    },
    size: () => {
      const s = stdio.size();
      return s ? { columns: s.columns, rows: s.rows } : Errno.NOTTY;
    },
  }, ERRNO_PROTOCOL_ERRORS);

  return {
    ...service,
    dispatch: service.dispatch.bind(service),
    stop: () => {
      if (hostRaw) stdio.setRawMode(false);
      hostRaw = false;
      if (reading) stdio.pauseStdin();
      reading = false;
    },
  };
}

const encoder = new TextEncoder();

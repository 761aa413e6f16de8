/**
 * The Node.js ThreadPlatform: clocks from hrtime, randomness from the host's CSPRNG
 * (random-source.ts), host files from node:fs (hostfs), host stdio from the process streams
 * (console), Memory buffers drained from the thread's control port with receiveMessageOnPort, and
 * the bundles' code caches written once the thread has warmed up (code-cache.ts).
 */

import { createReadStream, writeSync } from 'node:fs';
import { type MessagePort, isMainThread, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import type { ShelvedModule } from '../../abi/boot-spec.js';
import type { ModuleOffer } from './pool-messages.js';
import type { HostStdio } from '../../host/host-stdio.js';
import type { ThreadPlatform } from '../../host/thread-platform.js';
import { nodeHostFs } from './node-host-fs.js';
import { nodeHostFiles } from './node-host-files.js';
import { nodeHostNet } from './node-host-net.js';
import { nodeHostHttp } from './node-host-http.js';
import { lazyBuiltin } from './lazy-builtin.js';
import { randomFill } from './random-source.js';
import { writeCodeCaches } from './code-cache.js';

const tty = lazyBuiltin<typeof import('node:tty')>('node:tty');

/** Which host fds the console's streams 0, 1, 2 are (the node:wasi drop-in's stdin/stdout/stderr options). */
export type StdioFds = readonly [number, number, number];

export function nodeStdio(fds: StdioFds = [0, 1, 2]): HostStdio {
  // On the main thread, process.stdin (it knows terminals); in a worker (the console placed in a
  // worker), the fd itself: a worker's process.stdin only carries what its parent writes to it.
  const [inFd] = fds;
  let stream: NodeJS.ReadableStream | null = null;
  const inputStream = (): NodeJS.ReadableStream => (stream ??= isMainThread && inFd === 0 ? process.stdin
    : tty().isatty(inFd) ? new (tty().ReadStream)(inFd) : createReadStream('', { fd: inFd, autoClose: false }));
  const input = {
    on: (event: string, fn: (chunk: Buffer) => void) => inputStream().on(event, fn),
    resume: () => inputStream().resume(),
    pause: () => { stream?.pause(); },
  };
  let onData: ((c: Uint8Array) => void) | null = null;
  let onEnd: (() => void) | null = null;
  let attached = false;
  return {
    write(fd, bytes) {
      let off = 0;
      while (off < bytes.length) {
        try {
          off += writeSync(fds[fd], bytes, off, bytes.length - off);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw e;
        }
      }
    },
    readStdin(data, end) {
      onData = data;
      onEnd = end;
      if (!attached) {
        attached = true;
        input.on('data', (chunk: Buffer) => onData?.(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice()));
        input.on('end', () => onEnd?.());
        input.on('error', () => onEnd?.());
      }
      input.resume();
    },
    pauseStdin() {
      input.pause();
    },
    isTerminal(fd) {
      return tty().isatty(fds[fd]);
    },
    setRawMode(raw) {
      const input = inputStream();
      if (input instanceof tty().ReadStream && input.isTTY) input.setRawMode(raw);
    },
    size() {
      const out = process.stdout;
      return out.isTTY ? { columns: out.columns, rows: out.rows } : null;
    },
  };
}

export function nodeThreadPlatform(control: MessagePort | null, withStdio: boolean, stdioFds?: StdioFds): ThreadPlatform {
  const memories = new Map<number, SharedArrayBuffer>();
  return {
    receiveMemory(id) {
      if (!memories.has(id) && control) {
        for (let m = receiveMessageOnPort(control); m; m = receiveMessageOnPort(control)) {
          const msg = m.message as { kind: string; id: number; buffer: SharedArrayBuffer };
          if (msg.kind === 'memory') memories.set(msg.id, msg.buffer);
        }
      }
      return memories.get(id) ?? null;
    },
    // performance.now() is hrtime-based with sub-microsecond digits; no BigInt on the hot path.
    now: () => performance.now() * 1e6,
    realtime: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    realtimeMs: () => performance.timeOrigin + performance.now(),
    randomFill,
    hostFs: nodeHostFs,
    hostFiles: nodeHostFiles,
    stdio: withStdio ? nodeStdio(stdioFds) : null,
    net: nodeHostNet,
    http: nodeHostHttp,
    warmedUp: writeCodeCaches,
    // Only a worker has a host to offer it to (the kernel thread is the host).
    ...(parentPort ? { shareModule: (m: ShelvedModule) => parentPort!.postMessage({ module: m } satisfies ModuleOffer) } : {}),
    importModule: (url) => import(url) as Promise<Record<string, unknown>>,
  };
}

/**
 * The browser ThreadPlatform: clocks from performance, randomness from crypto.getRandomValues,
 * disk images from the Origin Private File System (opfs-host-fs.ts), the page's terminal as host
 * stdio (tty-stdio.ts), the page's fetch for the registry service (browser-host-http.ts), no host TCP. Memory buffers for `memory_map` arrive on the thread's
 * control port; a browser thread cannot drain a port synchronously, so they are collected as they
 * arrive whenever the thread returns to its event loop (a service thread does between requests).
 */

import type { ThreadPlatform } from '../../host/thread-platform.js';
import { opfsHostFs } from './opfs-host-fs.js';
import { browserHostHttp } from './browser-host-http.js';
import { ttyStdio } from './tty-stdio.js';
import { getRandomValues, type WebPort } from './web-globals.js';

/** crypto.getRandomValues fills at most this many bytes per call. */
const RANDOM_CHUNK = 65536;

export function browserThreadPlatform(control: WebPort | null, ttyChannel: string): ThreadPlatform {
  const memories = new Map<number, SharedArrayBuffer>();
  control?.addEventListener('message', (e) => {
    const m = e.data as { kind: string; id: number; buffer: SharedArrayBuffer };
    if (m.kind === 'memory') memories.set(m.id, m.buffer);
  });
  control?.start?.();
  return {
    receiveMemory: (id) => memories.get(id) ?? null,
    now: () => performance.now() * 1e6,
    realtime: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    realtimeMs: () => performance.timeOrigin + performance.now(),
    randomFill(bytes) {
      // getRandomValues refuses views on shared memory: fill a private chunk and copy it over.
      const chunk = new Uint8Array(Math.min(bytes.length, RANDOM_CHUNK));
      for (let off = 0; off < bytes.length; off += RANDOM_CHUNK) {
        const part = chunk.subarray(0, Math.min(RANDOM_CHUNK, bytes.length - off));
        getRandomValues(part);
        bytes.set(part, off);
      }
    },
    hostFs: opfsHostFs,
    stdio: ttyStdio(ttyChannel),
    net: null,
    http: browserHostHttp,
    importModule: (url) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>,
  };
}

/**
 * Both kinds of thread runtime, for a thread that may be given either a program or services (a
 * browser worker): what runThread loads from, on first use. A Node worker names only its own kind
 * (platform/node/program-entry.ts, service-entry.ts).
 */

import type { ThreadRuntimes } from './thread-main.js';

export const ALL_RUNTIMES: ThreadRuntimes = {
  program: () => import('./wasm-process.js'),
  services: () => import('./services-thread.js'),
};

/**
 * What a thread needs from its host beyond the arena: the few host effects that portable code in
 * a process or service thread may ask for. Each platform (platform/node, later platform/browser)
 * supplies one; nothing outside src/platform touches host APIs directly.
 */

import type { HostFs } from './host-fs.js';
import type { HostFiles } from './host-files.js';
import type { HostStdio } from './host-stdio.js';
import type { HostNet } from './host-net.js';
import type { HostHttp } from './host-http.js';
import type { ShelvedModule } from '../abi/boot-spec.js';

export interface ThreadPlatform {
  /** Take the buffer of Memory `id` delivered by `memory_map` (null if it has not arrived). */
  receiveMemory(id: number): SharedArrayBuffer | null;
  /** Monotonic nanoseconds. */
  now(): number;
  /** Wall-clock nanoseconds since the Unix epoch. */
  realtime(): bigint;
  /** Wall-clock milliseconds since the Unix epoch (fractional). */
  realtimeMs(): number;
  /** Cryptographically strong random bytes. */
  randomFill(bytes: Uint8Array): void;
  /** Host file access for the hostfs service (null where the platform has none). */
  readonly hostFs: HostFs | null;
  /** A local kernel's own descriptors of host files hostfs opened (absent or null where there are none). */
  readonly hostFiles?: HostFiles | null;
  /** Host standard streams for the console service (null where there are none). */
  readonly stdio: HostStdio | null;
  /** Host TCP for the net service (null where there is none). */
  readonly net: HostNet | null;
  /** Host HTTP for the registry service (absent or null where there is none). */
  readonly http?: HostHttp | null;
  /**
   * The thread has done its start-up work (its first process ran, its services are up): a chance
   * to keep what it compiled for the next start (Node: the bundles' code caches). Optional.
   */
  warmedUp?(): void;
  /**
   * Offer a module this thread compiled from an unchanged file to the host, which passes it to the
   * program threads it starts (ipc/module-shelf.ts). Optional: without it a thread keeps its own.
   */
  shareModule?(m: ShelvedModule): void;
  /** Import a script program's module. */
  importModule(url: string): Promise<Record<string, unknown>>;
}

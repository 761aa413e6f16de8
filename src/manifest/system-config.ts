/**
 * Which services a Keel system runs and where each one is placed.
 *
 * A placement (placement.ts) is the kernel thread, one worker with the other members of a
 * coalesced group, or a worker alone. The services themselves are the same code in every
 * placement. A SystemConfig is made from a system manifest (manifest-system.ts); tests may also
 * write one directly.
 */

import type { Placement } from './placement.js';
import type { InstanceConfigs, KindName } from '../services/declarations.js';

export type { Placement };

/** One service instance of kind `K`: typed from the manifest to its factory. */
export interface ServiceInstanceOf<K extends KindName> {
  /** Unique instance name (also how other services refer to it in `uses`). */
  readonly name: string;
  readonly kind: K;
  readonly placement: Placement;
  /** Its kind's configuration (services/KIND/declaration.ts), what the manifest said and what the system added. */
  readonly config: InstanceConfigs[K];
  /** Instance names this service calls (it gets a badged session with each). */
  readonly uses: readonly string[];
  /**
   * Instance names this service calls only without waiting for the answer (it gets a session
   * with each, as with `uses`). Unlike `uses`, allowed from the kernel thread to any placement:
   * the console tells proc about ^C this way.
   */
  readonly notifies?: readonly string[];
  /**
   * Instance names whose unbadged client handle this service gets as `NAME:mint`, to mint
   * sessions for others (proc gives every new process its VFS, console and proc sessions).
   */
  readonly mints?: readonly string[];
  /** The service hears of every process exit (kernel process-exited events). */
  readonly exitEvents?: boolean;
  /** What the supervisor does when the service's worker ends (defaults: DEFAULT_RESTART). */
  readonly restart?: Partial<RestartPolicy>;
}

export type ServiceInstance = { [K in KindName]: ServiceInstanceOf<K> }[KindName];

export interface RestartPolicy {
  readonly policy: 'always' | 'on-failure' | 'never';
  /** Restarts allowed within `windowMs`; past it the service stays down. */
  readonly max: number;
  readonly windowMs: number;
  /** Delay before the first restart in a window; each further one doubles it (capped at 5 s). */
  readonly backoffMs: number;
  /** Calls left unclaimed this long mean the worker hangs: it is killed (0: no watchdog). */
  readonly hangMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { policy: 'on-failure', max: 10, windowMs: 60_000, backoffMs: 20, hangMs: 10_000 };

export interface SystemConfig {
  readonly services: readonly ServiceInstance[];
  /** Muen's separation model: the kernel refuses channels and handle moves the manifest does not list. */
  readonly static?: boolean;
  /** The services untrusted programs may hold sessions of (default: vfs, console, proc, net). */
  readonly programCapabilities?: readonly string[];
  /** Messages a channel endpoint queues unread before writes fail with NO_RESOURCES (default CHANNEL_MAX_MESSAGES). */
  readonly channelMessages?: number;
  /**
   * Bytes of linear memory the programs may hold together (the memory ledger's budget): each
   * program's memory maximum is capped at it, a spawn that would pass it fails, and a program
   * found over it is ended (killed, limit 'memory'). Default: none.
   */
  readonly memoryBudget?: number;
  /**
   * Turn off a fast path, to measure what it buys (npm run bench's ablation rows); all are on by
   * default. `changeWords`: file systems get no change word, so an open returns no attributes and
   * every fstat is a call. `changeSlots`: a change word without its slots, so any change on a
   * file system revokes every copy of anything on it (services/fs/change-word.ts). `deferredClose`: a program's closes are sent at once (its own children
   * keep the default). `directFiles`: a program's file reads and writes go through the VFS
   * instead of straight to the file system (docs/decisions/018-direct-files.md). `directPipes`:
   * pipes get no ring in the arena, so every pipe read and write is a call to the VFS
   * (docs/decisions/019-pipe-rings.md). `directHostFiles`: a file on a host directory is read and
   * written by hostfs, not by the program's thread on a descriptor of its own
   * (docs/decisions/024-direct-host-files.md). `localOpens`: every open of a file in a host
   * directory is the VFS's, and hostfs keeps its page cache (docs/decisions/025-local-opens.md).
   */
  readonly fastPaths?: {
    readonly changeWords?: boolean; readonly changeSlots?: boolean; readonly deferredClose?: boolean; readonly directFiles?: boolean;
    readonly directPipes?: boolean; readonly directHostFiles?: boolean; readonly localOpens?: boolean;
  };
}

/** A diskfs image mounted at boot (BootOptions.disks, `keel boot --home`). */
export interface DiskMount {
  /** Host path of the image (absolute). */
  readonly image: string;
  readonly vfsPath: string;
  /** Bytes, if the image must be made. */
  readonly size?: number;
}

export interface HostDirMount {
  /** Host directory. */
  readonly hostPath: string;
  /** VFS path it is mounted at. */
  readonly vfsPath: string;
  readonly readOnly?: boolean;
}


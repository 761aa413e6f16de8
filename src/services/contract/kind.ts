/**
 * What every kind of service declares about itself, in its own folder, once:
 *   - `options.ts`: the options a manifest may give it (a zod schema, read only where manifests
 *     are validated);
 *   - `declaration.ts`: its traits — static facts the system and the manifest rules act on (the
 *     VFS may mount it; it keeps file data in the page cache; …) — and the type of configuration
 *     an instance is built with;
 *   - `kind.ts`: its factory, which builds the service from its typed configuration and the
 *     client handles it was given (run on whatever thread the manifest places it: it never knows
 *     which), and the host files an instance opens by path.
 * The registries (declarations.ts, options.ts, kinds.ts) list every kind; nothing else names a kind.
 */

import type { Service } from '../../ipc/call-context.js';
import type { Caller } from '../../ipc/caller.js';
import type { ThreadPlatform } from '../../host/thread-platform.js';
import type { ExitStatus } from '../../abi/exit-status.js';

/** Static facts about a kind of service. */
export interface KindTraits {
  /** The VFS can mount it (it speaks fsProtocol). */
  readonly fileSystem: boolean;
  /** It keeps file data in a slice of the arena's page cache (the system splits the cache between these). */
  readonly pageCache: boolean;
  /** Its entries change only through the VFS, so the VFS may keep a copy of its lookups (lookup-cache.ts). */
  readonly changesOnlyThroughVfs: boolean;
  /** Each file open on it holds a host descriptor: the VFS counts them per program (vfs `hostFiles`). */
  readonly hostDescriptors: boolean;
  /** It is found by name (the system and programs look up a service of this kind as NAME = the kind). */
  readonly wellKnown: boolean;
  /** It makes pipes whose bytes live in the arena's pipe rings (the system splits the rings between these). */
  readonly pipeRings?: boolean;
  /** It keeps its state in shared memory the system makes for it, so a restart re-attaches it (placed in a worker only). */
  readonly keepsState?: boolean;
}

/** What every instance is given besides its kind's options. */
export interface InstanceConfig {
  /** The instance's name in the manifest (what `ps`, `df` and errors show). */
  readonly name: string;
  /** The port its channel is served on, in its thread. */
  readonly port: number;
}

export interface ServiceContext<C> {
  readonly caller: Caller;
  /**
   * On the kernel thread: a caller with its own call slot, for calls that must not block
   * (`invokeAsync`, one at a time). Null elsewhere: a worker may simply block.
   */
  readonly asyncCaller: Caller | null;
  readonly platform: ThreadPlatform;
  readonly config: C & InstanceConfig;
  /** Client handles this service may use, by service name (`NAME:mint` for an unbadged master). */
  readonly uses: Readonly<Record<string, number>>;
  /** The badge each other service's handle to this one carries, by service name. */
  readonly callers: Readonly<Record<string, number>>;
  /**
   * How many instances of this service ran before this one (0 at boot; the supervisor's restart
   * count). What an instance hands out that must never repeat across restarts — proc's badges —
   * is numbered from it, since the instance before may have handed out the same numbers.
   */
  readonly incarnation: number;
}

export interface BuiltService {
  readonly service: Service;
  /** True if the service must run on a thread with an event loop (it defers replies to host I/O). */
  readonly evented?: boolean;
  /** Called when a process exits (the system subscribes this service's thread to exit events). */
  readonly processExited?: (pid: number, status: ExitStatus) => void;
  /** Called when a process is stopped or continued (same subscription as processExited). */
  readonly processStopped?: (pid: number, stopped: boolean, signal: number) => void;
  /** Called when the last handle carrying `badge` to this thread's `port` is gone. */
  readonly sessionClosed?: (port: number, badge: number) => void;
  /** Called when the service's thread runs out of calls, before it sleeps (at most a sleep slice apart). */
  readonly idle?: () => void;
  /** Release host resources (listening sockets, descriptors) when the system shuts down. */
  readonly stop?: () => void;
  /** Settles when the service can serve (null) or could not start (why); boot waits for it. */
  readonly ready?: Promise<string | null>;
}

/** A kind's factory side. `C`: its configuration (its manifest options and what the system adds). */
export interface ServiceKind<C> {
  create(ctx: ServiceContext<C>): BuiltService;
  /** Host files an instance opens by path (disk images): prepared by a browser thread, locked and kept out of every hostfs's reach. */
  hostFiles?(config: C): readonly string[];
}


export const NO_TRAITS: KindTraits = { fileSystem: false, pageCache: false, changesOnlyThroughVfs: false, hostDescriptors: false, wellKnown: false };

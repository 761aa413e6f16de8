/**
 * The services Keel can place, by name. A factory builds a service from its configuration and
 * the client handles it was given; it never knows which isolation class it runs in.
 */

import type { Service } from '../ipc/call-context.js';
import type { Caller } from '../ipc/caller.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { consoleService } from './console/console.js';
import { Net, netService } from './net/net.js';
import { Hostfs } from './hostfs/hostfs.js';
import { protectedSetFrom } from './hostfs/hostfs-guard.js';
import { tmpfsService } from './tmpfs/tmpfs.js';
import { devfsService } from './devfs/devfs.js';
import { DEFAULT_IMAGE_BYTES, mountDiskImage } from './diskfs/diskfs-service.js';
import { fileSystemService } from './fs/fs-service.js';
import { type CacheSlice, PageCache } from './fs/page-cache.js';
import { Vfs } from './vfs/vfs.js';
import { pipeCompletions, vfsService } from './vfs/vfs-service.js';
import { DEFAULT_PROC_LIMITS, Proc, type ProcLimits, procService } from './proc/proc.js';
import { procProtocol } from '../abi/protocols/proc.js';
import { ProtocolClient } from '../ipc/protocol-client.js';
import type { ExitStatus } from '../abi/exit-status.js';

export interface ServiceFactoryContext {
  readonly caller: Caller;
  /**
   * On the kernel thread: a caller with its own call slot, for calls that must not block
   * (`invokeAsync`, one at a time). Null elsewhere: a worker may simply block.
   */
  readonly asyncCaller: Caller | null;
  readonly platform: ThreadPlatform;
  readonly config: Readonly<Record<string, unknown>>;
  /** Client handles this service may use, by name. */
  readonly uses: Readonly<Record<string, number>>;
  /** The badge each other service's handle to this one carries, by service name. */
  readonly callers: Readonly<Record<string, number>>;
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
  /** Release host resources (listening sockets) when the system shuts down. */
  readonly stop?: () => void;
  /** Settles when the service can serve (null) or could not start (why); boot waits for it. */
  readonly ready?: Promise<string | null>;
}

export type ServiceFactory = (ctx: ServiceFactoryContext) => BuiltService;

/**
 * How the console tells proc to signal a process group: from the kernel thread, an asynchronous
 * call on the thread's second slot (one at a time, in order); from a worker, a plain call.
 */
function groupSignaller(ctx: ServiceFactoryContext, handle: number): (pgid: number, signal: number) => void {
  if (!ctx.asyncCaller) {
    const proc = new ProtocolClient(procProtocol, ctx.caller, handle);
    return (pgid, signal) => { proc.call('signalGroup', { pgid, signal }); };
  }
  const proc = new ProtocolClient(procProtocol, ctx.asyncCaller, handle);
  let chain: Promise<unknown> = Promise.resolve();
  return (pgid, signal) => {
    chain = chain.then(() => proc.callAsync('signalGroup', { pgid, signal }));
  };
}

/**
 * Where a file system's node numbers start: a random multiple of 2^32 below 2^52, so numbers a
 * client kept from an instance before a restart are unknown to this one (services/fs/tmpfs.ts).
 */
function firstNode(ctx: ServiceFactoryContext): number {
  const r = new Uint32Array(1);
  ctx.platform.randomFill(new Uint8Array(r.buffer));
  return ((r[0]! & 0xfffff) + 1) * 0x1_0000_0000;
}

/** The file system's page cache, if the system gave it a slice (config.cache). */
function pageCacheOf(ctx: ServiceFactoryContext): PageCache | null {
  const slice = ctx.config['cache'] as CacheSlice | undefined;
  return slice && slice.entries > 0 && slice.pages > 0 ? new PageCache(ctx.caller.arena, slice) : null;
}

export const serviceFactories: Readonly<Record<string, ServiceFactory>> = {
  tmpfs: (ctx) => ({
    service: tmpfsService(() => ctx.platform.realtime(), {
      name: String(ctx.config['name'] ?? 'tmpfs'),
      dirs: (ctx.config['dirs'] as string[] | undefined) ?? [],
      files: (ctx.config['files'] as Record<string, string> | undefined) ?? {},
      ...(typeof ctx.config['maxBytes'] === 'number' ? { maxBytes: ctx.config['maxBytes'] } : {}),
      ...(typeof ctx.config['maxMetadataBytes'] === 'number' ? { maxMetadataBytes: ctx.config['maxMetadataBytes'] } : {}),
      firstNode: firstNode(ctx),
    }, pageCacheOf(ctx)),
  }),
  diskfs: (ctx) => {
    if (!ctx.platform.hostFs) throw new Error('diskfs: this platform has no host file system');
    const image = ctx.config['image'];
    if (typeof image !== 'string' || !image.startsWith('/')) throw new Error('diskfs: config.image must be an absolute host path');
    const size = typeof ctx.config['size'] === 'number' ? ctx.config['size'] : DEFAULT_IMAGE_BYTES;
    const clock = (): bigint => ctx.platform.realtime();
    const owner = typeof ctx.config['lockOwner'] === 'string' ? ctx.config['lockOwner'] : undefined;
    const { fs } = mountDiskImage(ctx.platform.hostFs, image, size, clock, {
      now: () => ctx.platform.now() / 1e6,
      ...(typeof ctx.config['commitMs'] === 'number' ? { commitMs: ctx.config['commitMs'] } : {}),
    }, owner);
    const name = String(ctx.config['name'] ?? 'diskfs');
    return { service: fileSystemService(fs, name, 'diskfs', pageCacheOf(ctx)), idle: () => fs.tick(), stop: () => fs.unmount() };
  },
  devfs: (ctx) => ({ service: devfsService(() => ctx.platform.realtime()) }),
  hostfs: (ctx) => {
    if (!ctx.platform.hostFs) throw new Error('hostfs: this platform has no host file system');
    const root = ctx.config['root'];
    if (typeof root !== 'string') throw new Error('hostfs: config.root must be a host directory path');
    const fs = new Hostfs(ctx.platform.hostFs, root, {
      name: String(ctx.config['name'] ?? 'hostfs'), readOnly: ctx.config['readOnly'] === true, clock: () => ctx.platform.realtime(), firstNode: firstNode(ctx),
      ...(typeof ctx.config['maxDescriptors'] === 'number' ? { maxDescriptors: ctx.config['maxDescriptors'] } : {}),
      protect: protectedSetFrom(ctx.config['protect']),
    });
    return { service: fileSystemService(fs, String(ctx.config['name'] ?? 'hostfs'), 'hostfs', pageCacheOf(ctx)), stop: () => fs.stop() };
  },
  vfs: (ctx) => {
    const mounts = (ctx.config['mounts'] as { path: string; fs: string }[] | undefined) ?? [];
    const random = new Uint32Array(2);
    const newToken = (): number => {
      ctx.platform.randomFill(new Uint8Array(random.buffer));
      return (random[0]! & 0x1fffff) * 0x1_0000_0000 + random[1]!;
    };
    const vfs = new Vfs(ctx.caller, mounts.map((m) => {
      const handle = ctx.uses[m.fs];
      if (handle === undefined) throw new Error(`vfs: mount ${m.path} names ${m.fs}, which this service was not given`);
      return { path: m.path, handle };
    }), newToken, pipeCompletions, ctx.config['lookupCache'] !== false, typeof ctx.config['pipeBytes'] === 'number' ? ctx.config['pipeBytes'] : undefined,
    typeof ctx.config['hostFiles'] === 'number' ? ctx.config['hostFiles'] : undefined);
    const port = Number(ctx.config['port'] ?? 0);
    return { service: vfsService(vfs), sessionClosed: (p, badge) => { if (p === port) vfs.endSession(badge); } };
  },
  proc: (ctx) => {
    const need = (name: string): number => {
      const h = ctx.uses[name];
      if (h === undefined) throw new Error(`proc: needs ${name}`);
      return h;
    };
    const tty = typeof ctx.config['tty'] === 'string' ? ctx.callers[ctx.config['tty']] : undefined;
    const procMint = ctx.uses['proc:mint'];
    const limit = (key: keyof ProcLimits): number => (typeof ctx.config[key] === 'number' ? ctx.config[key] : DEFAULT_PROC_LIMITS[key]);
    const limits: ProcLimits = { maxChildren: limit('maxChildren'), maxProcesses: limit('maxProcesses') };
    const proc = new Proc(ctx.caller, { vfs: need('vfs:mint'), console: need('console:mint'), ...(procMint !== undefined ? { proc: procMint } : {}), ownVfs: need('vfs'), ...(tty !== undefined ? { ttyBadge: tty } : {}) }, limits);
    return { service: procService(proc), processExited: (pid, status) => proc.processExited(pid, status), processStopped: (pid, stopped, signal) => proc.processStopped(pid, stopped, signal) };
  },
  net: (ctx) => {
    if (!ctx.platform.net) throw new Error('net: this platform has no host network');
    const binds = (ctx.config['listen'] as { host: string; port: number }[] | undefined) ?? [];
    const net = new Net(ctx.platform.net, binds);
    const port = Number(ctx.config['port'] ?? 0);
    return { service: netService(net), evented: true, ready: net.ready(), stop: () => net.stop(), sessionClosed: (p, badge) => { if (p === port) net.endSession(badge); } };
  },
  console: (ctx) => {
    if (!ctx.platform.stdio) throw new Error('console: this platform has no standard streams');
    const procHandle = ctx.uses['proc'];
    const signalGroup = procHandle === undefined ? undefined : groupSignaller(ctx, procHandle);
    const service = consoleService(ctx.platform.stdio, { ...(signalGroup ? { signalGroup } : {}), discipline: ctx.config['discipline'] === true });
    return { service, evented: true, stop: () => service.stop() };
  },
};

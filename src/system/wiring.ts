/**
 * The capability wiring of a system's services, made once at boot on the kernel thread:
 *   - one channel per service instance: the kernel keeps the client end (the unbadged master
 *     every session is minted from) and the server end (so a restarted worker serves the same
 *     channel), and the service gets a port in its thread;
 *   - what each service's thread is given (`entryFor`): a duplicate of its server end, badged
 *     client ends of the services it calls or notifies, masters of those it mints sessions of,
 *     and its typed configuration with what the system adds to it (its page-cache slice or pipe
 *     rings, the lock owner of its disk image, a hostfs's guards, the kept memory of one placed in
 *     a worker that keeps its state: services/contract/kept-log.ts);
 *   - sessions for programs and the host (`sessionHandle`: a fresh badge each).
 * Service-to-service handles carry a fixed badge per calling service (SERVICE_BADGE_BASE + its
 * port), so a callee knows its caller; session badges count up from 1 and stay below them.
 */

import type { Kernel } from '../kernel/kernel.js';
import { KERNEL_PID } from '../kernel/kernel.js';
import type { Handle } from '../abi/handle.js';
import { Right, type Rights } from '../abi/rights.js';
import { Status, statusName } from '../abi/status.js';
import type { ServiceEntry } from '../abi/boot-spec.js';
import type { ServiceInstance, ServiceInstanceOf, SystemConfig } from '../manifest/system-config.js';
import type { KindName } from '../services/declarations.js';
import { traitsOf } from '../services/declarations.js';
import { hostFilesOf } from '../services/kinds.js';
import type { CacheSlice } from '../services/fs/page-cache.js';
import type { RingSlice } from '../services/vfs/declaration.js';
import { type KeptMemory, makeKeptMemory } from '../services/contract/kept-log.js';
import { CHANGE_WORDS } from '../ipc/arena.js';
import type { ProtectedSet } from '../services/hostfs/hostfs-guard.js';
import type { HostFs } from '../host/host-fs.js';
import { descriptorShare, protectedImages } from './host-guards.js';
import { KeelError } from './keel-error.js';

/** Badges of service-to-service handles: above every session badge the system mints (and below proc's). */
const SERVICE_BADGE_BASE = 2 ** 36;
export const CLIENT_RIGHTS = (Right.READ | Right.WRITE | Right.TRANSFER | Right.DUPLICATE) as Rights;

/** A kernel result, or KeelError BOOT naming what failed. */
export function bootCheck<T>(r: { status: number; value?: T }, what: string): T {
  if (r.status !== Status.OK) throw new KeelError('BOOT', `${what}: ${statusName(r.status)}`);
  return r.value as T;
}

export class ServiceWiring {
  private readonly masters = new Map<string, Handle>();
  private readonly serverEnds = new Map<string, Handle>();
  private readonly ports = new Map<string, number>();
  /** The arena's page cache, split between the file systems that keep file data in it. */
  private readonly cacheSlices = new Map<string, CacheSlice>();
  /** The arena's pipe rings, split between the services that make pipes in them. */
  private readonly ringSlices = new Map<string, RingSlice>();
  /** Kept memory by service name (null: the host has none), made at a worker's first start and given to every restart. */
  private readonly kept = new Map<string, KeptMemory | null>();
  private guards: { protect: ProtectedSet; maxDescriptors: number } | null = null;
  private nextBadge = 1;

  constructor(
    private readonly kernel: Kernel,
    private readonly config: SystemConfig,
    private readonly hostFs: HostFs | null,
    /** This system's token on the disk images it mounts (their lock files): the same across diskfs restarts. */
    readonly lockOwner: string,
  ) {
    let port = 1;
    for (const s of config.services) {
      const [client, server] = bootCheck(kernel.channelCreate(KERNEL_PID), `channel for ${s.name}`);
      this.masters.set(s.name, client);
      this.serverEnds.set(s.name, server);
      this.ports.set(s.name, port++);
    }
    this.splitPageCache();
    this.splitPipeRings();
  }

  /** Split the arena's pipe rings evenly between the services that make pipes (the VFS), unless turned off. */
  private splitPipeRings(): void {
    const making = this.config.services.filter((s) => traitsOf(s.kind).pipeRings === true);
    const rings = this.config.fastPaths?.directPipes === false ? 0 : this.kernel.arena.config.pipeRings ?? 0;
    if (making.length === 0) return;
    const count = Math.floor(rings / making.length);
    making.forEach((s, i) => this.ringSlices.set(s.name, { first: i * count, count }));
  }

  /**
   * Split the arena's page cache evenly between the file systems that cache file data: each owns
   * its slice alone, so filling and revoking need no locks between threads.
   */
  private splitPageCache(): void {
    const caching = this.config.services.filter((s) => this.cachesPages(s));
    const { cacheEntries = 0, cachePages = 0 } = this.kernel.arena.config;
    if (caching.length === 0) return;
    const entries = Math.floor(cacheEntries / caching.length), pages = Math.floor(cachePages / caching.length);
    caching.forEach((s, i) => this.cacheSlices.set(s.name, { firstEntry: i * entries, entries, firstPage: i * pages, pages }));
  }

  /**
   * Whether `s` keeps file data in the page cache: every file system that can. A hostfs whose files
   * programs also write on descriptors of their own does too: such a write bumps the file's host
   * write word, which its copy checks (docs/decisions/026-host-write-words.md).
   */
  private cachesPages(s: ServiceInstance): boolean {
    return traitsOf(s.kind).pageCache;
  }

  /** Every service's master (unbadged client end), by name: what the static policy labels. */
  allMasters(): ReadonlyMap<string, Handle> {
    return this.masters;
  }

  master(service: string): Handle | undefined {
    return this.masters.get(service);
  }

  serverEnd(service: string): Handle {
    return this.serverEnds.get(service)!;
  }

  port(service: string): number {
    return this.ports.get(service)!;
  }

  /** The badge service `from`'s handles to other services carry (fixed, so a callee can know its caller). */
  private serviceBadge(from: string): number {
    return SERVICE_BADGE_BASE + this.ports.get(from)!;
  }

  /** A client handle to `service` with a fresh session badge, in the kernel process's table. */
  sessionHandle(service: string): Handle {
    const master = this.masters.get(service);
    if (master === undefined) throw new KeelError('NO_SERVICE', `this system has no ${service} service`);
    return bootCheck(this.kernel.duplicate(KERNEL_PID, master, CLIENT_RIGHTS, this.nextBadge++), `session with ${service}`);
  }

  /** The disk images this system's services open by path (every kind's host files). */
  images(): string[] {
    return this.config.services.flatMap((s) => [...hostFilesOfInstance(s)]);
  }

  /** Describe service `s` for its thread, collecting the handles to hand it into `handles`. */
  entryFor(s: ServiceInstance, handles: number[], worker: boolean): ServiceEntry {
    const k = this.kernel;
    const serverEnd = this.serverEnd(s.name);
    const uses: Record<string, number> = {};
    const serverIndex = handles.length;
    // A worker gets a duplicate: the kernel keeps the server end so a restarted worker can serve it.
    const serverRights = worker ? bootCheck(k.info(KERNEL_PID, serverEnd), `server end of ${s.name}`).rights : 0;
    handles.push(worker ? bootCheck(k.duplicate(KERNEL_PID, serverEnd, serverRights, 0), `server end of ${s.name}`) : serverEnd);
    for (const dep of [...s.uses, ...(s.notifies ?? [])]) {
      const master = this.masters.get(dep);
      if (master === undefined) throw new KeelError('BOOT', `${s.name} uses ${dep}, which is not in the system`);
      uses[dep] = handles.length;
      handles.push(bootCheck(k.duplicate(KERNEL_PID, master, CLIENT_RIGHTS, this.serviceBadge(s.name)), `handle to ${dep} for ${s.name}`));
    }
    const callers: Record<string, number> = {};
    for (const other of this.config.services) {
      if (other.uses.includes(s.name) || other.notifies?.includes(s.name)) callers[other.name] = this.serviceBadge(other.name);
    }
    for (const dep of s.mints ?? []) {
      const master = this.masters.get(dep);
      if (master === undefined) throw new KeelError('BOOT', `${s.name} mints ${dep}, which is not in the system`);
      uses[`${dep}:mint`] = handles.length;
      handles.push(bootCheck(k.duplicate(KERNEL_PID, master, CLIENT_RIGHTS, 0), `master handle of ${dep} for ${s.name}`));
    }
    return { name: s.name, kind: s.kind, port: this.port(s.name), serverEnd: serverIndex, config: this.instanceConfig(s, worker), uses, callers };
  }

  /**
   * `s`'s configuration with what the system adds, by its kind's traits (services/kind.ts): a
   * slice of the page cache for one that keeps file data there, the lock owner for one that opens
   * disk images, the guards (Keel's images, a descriptor share) for one that holds host descriptors,
   * its kept memory for one in a worker (`worker`) that keeps its state.
   */
  private instanceConfig(s: ServiceInstance, worker: boolean): Record<string, unknown> {
    const traits = traitsOf(s.kind);
    const keep = traits.keepsState && worker ? this.keptMemory(s.name) : null;
    const cache = this.cachesPages(s) ? this.cacheSlices.get(s.name) : undefined;
    const rings = traits.pipeRings ? this.ringSlices.get(s.name) : undefined;
    const changeWord = this.changeWordOf(s);
    return {
      ...s.config,
      ...(cache ? { cache } : {}),
      ...(rings ? { rings } : {}),
      ...(changeWord !== undefined ? { changeWord, ...(this.config.fastPaths?.changeSlots === false ? { changeSlots: false } : {}) } : {}),
      ...(keep ? { keep } : {}),
      ...(hostFilesOfInstance(s).length > 0 ? { lockOwner: this.lockOwner } : {}),
      ...(traits.hostDescriptors ? { ...this.hostGuards(), ...this.timesWordOf(s) } : {}),
    };
  }

  /** `name`'s kept memory: the same for each of its workers, so a restart re-attaches what the last one kept. */
  private keptMemory(name: string): KeptMemory | null {
    if (!this.kept.has(name)) this.kept.set(name, makeKeptMemory());
    return this.kept.get(name)!;
  }

  /**
   * The change word of a file system that changes only through Keel (services/fs/change-word.ts):
   * the one at its position in the service list, so each has its own; none past CHANGE_WORDS.
   */
  private changeWordOf(s: ServiceInstance): number | undefined {
    const traits = traitsOf(s.kind);
    if (!traits.fileSystem || !traits.changesOnlyThroughVfs || this.config.fastPaths?.changeWords === false) return undefined;
    const i = this.config.services.findIndex((t) => t.name === s.name);
    return i >= 0 && i < CHANGE_WORDS ? i : undefined;
  }

  /**
   * A hostfs's exact-times word (decisions/024-direct-host-files.md): the change word at its
   * position in the service list, which it has no other use for (it has no change word); none
   * past CHANGE_WORDS, and then it grants no direct host files. Zeroed: a word is marked only by
   * the instances of one service.
   */
  private timesWordOf(s: ServiceInstance): { timesWord: number } | Record<string, never> {
    if (this.config.fastPaths?.directHostFiles === false) return {};
    const i = this.config.services.findIndex((t) => t.name === s.name);
    return i >= 0 && i < CHANGE_WORDS ? { timesWord: i } : {};
  }

  /** What every hostfs is told: Keel's images to keep out of reach, and its share of host descriptors (host-guards.ts). */
  private hostGuards(): { protect: ProtectedSet; maxDescriptors: number } | Record<string, never> {
    if (!this.hostFs) return {};
    if (!this.guards) {
      const instances = this.config.services.filter((s) => s.kind === 'hostfs').length;
      this.guards = { protect: protectedImages(this.hostFs, this.images()), maxDescriptors: descriptorShare(this.hostFs, instances) };
    }
    return this.guards;
  }
}

/** The host files instance `s` opens by path (its kind's `hostFiles`). */
function hostFilesOfInstance<K extends KindName>(s: ServiceInstanceOf<K>): readonly string[] {
  return hostFilesOf(s.kind, s.config);
}

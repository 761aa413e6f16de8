/**
 * A running Keel system, seen from the kernel thread: the boot sequence, and the operations the
 * host API and the `keel` command need (spawn a program, wait for it, shut down).
 *
 * Boot, in order:
 *   1. make the IPC arena and the kernel; open the kernel thread's receive queue (queue 0) and
 *      serve kernel calls on it;
 *   2. for each service instance, create a channel in the kernel process: the kernel keeps the
 *      client end (unbadged master) and the server end goes to wherever the service is placed;
 *   3. start the services placed in the kernel thread, then one worker per coalesced group and
 *      per isolated service, each given its server ends and badged client ends of what it uses.
 * Programs get badged client ends (one fresh badge per program: its session) of the VFS and the
 * console; when the last handle with that badge closes, the VFS ends the session.
 */

import { Arena, type ArenaConfig, DEFAULT_ARENA_CONFIG } from '../ipc/arena.js';
import { descriptorShare, protectedImages } from './host-guards.js';
import type { ProtectedSet } from '../services/hostfs/hostfs-guard.js';
import { CallSlot } from '../ipc/call-slot.js';
import { Caller } from '../ipc/caller.js';
import { ServerThread } from '../ipc/server-thread.js';
import { type Handle } from '../abi/handle.js';
import { KERNEL_PID, Kernel, type KernelHost } from '../kernel/kernel.js';
import { type KernelEvent } from '../abi/protocols/kernel.js';
import { kernelService } from '../kernel/kernel-service.js';
import type { ExitStatus, ProcessLimits, ResourceLimit } from '../abi/exit-status.js';
import { SystemVfs } from './system-vfs.js';
import { ALL_RIGHTS, Right, type Rights } from '../abi/rights.js';
import { Status, statusName } from '../abi/status.js';
import { errnoName } from '../abi/errno.js';
import type { BuiltService } from '../services/kinds.js';
import type { ScriptBoot, ServiceEntry, ThreadStart, WasmBoot } from '../abi/boot-spec.js';
import { buildServices, dispatchEvents } from '../services/service-host.js';
import type { ServiceInstance, SystemConfig } from '../manifest/system-config.js';
import { StaticPolicy } from '../kernel/static-policy.js';
import type { CacheSlice } from '../services/fs/page-cache.js';
import { lockPath } from '../services/diskfs/diskfs-service.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { PROBE_LABEL, type SupervisedGroup, Supervisor } from './supervisor.js';

/** The platform's side of a system: its kernel host and the kernel thread's own platform. */
export interface SystemHost extends KernelHost {
  kernel: Kernel | null;
  /** The start data of an `attached` process the host did not start a thread for (taken once). */
  takeAttached?(pid: number): ThreadStart | undefined;
  /** An attached process's thread is done with Keel (ending with `status`). */
  attachedDone?(pid: number, status?: ExitStatus): void;
  whenGone(pid: number): Promise<void>;
  stopAll(): Promise<void>;
  liveThreads(): number;
  /** Shown each line of the kernel's message log (service restarts) as it is logged. */
  log?: (line: string) => void;
}

/** A service worker as the supervisor sees it (Keel.services, the faults runner). */
export interface ServiceStatus {
  /** The worker: a service's name, or a coalesced group's. */
  readonly name: string;
  readonly services: readonly string[];
  readonly pid: number;
  readonly state: 'running' | 'restarting' | 'down';
  readonly restarts: number;
}

/** What a program is started with: the boot spec's program fields (`module`, or a VFS `path`), its limits. */
export type SpawnWasmOptions = Pick<WasmBoot, 'program' | 'module' | 'path' | 'args' | 'env' | 'preopens' | 'stdio' | 'attached'> & {
  readonly limits?: ProcessLimits;
  /** The module's initial memory, when known: the spawn is refused (NO_MEMORY) if it does not fit the budget. */
  readonly initialMemoryBytes?: number;
};

export class KeelError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Badges of service-to-service handles: above every session badge the system mints (and below proc's). */
const SERVICE_BADGE_BASE = 2 ** 36;
const CLIENT_RIGHTS = (Right.READ | Right.WRITE | Right.TRANSFER | Right.DUPLICATE) as Rights;

/** How long shutdown waits for the file systems to commit (ms). */
const SHUTDOWN_SYNC_MS = 10_000;

export class System {
  readonly kernel: Kernel;
  readonly server: ServerThread;
  private readonly masters = new Map<string, Handle>();
  private readonly ports = new Map<string, number>();
  private readonly workerPids = new Map<string, number>();
  private nextBadge = 1;
  private readonly loop: Promise<void>;
  private kernelServices: BuiltService[] = [];
  /** The server end of every service's channel, kept so a restarted worker serves the same channel. */
  private readonly serverEnds = new Map<string, Handle>();
  /** The kernel's handle to each service worker (closed when it ends, so it is reaped). */
  private readonly workerHandles = new Map<number, Handle>();
  readonly supervisor: Supervisor;

  private constructor(readonly host: SystemHost, readonly platform: ThreadPlatform, readonly config: SystemConfig, arenaConfig: ArenaConfig) {
    const arena = Arena.create(arenaConfig);
    this.kernel = new Kernel(arena, host);
    if (config.channelMessages !== undefined) this.kernel.channelDepth = config.channelMessages;
    this.kernel.ledger.setBudget(config.memoryBudget ?? Infinity);
    host.kernel = this.kernel;
    const kp = this.kernel.process(KERNEL_PID)!;
    const queue = this.kernel.openQueue(kp);
    const slot = this.kernel.attachSlot(kp);
    if (queue !== 0 || slot === null) throw new KeelError('BOOT', 'the kernel thread could not get queue 0 and a call slot');
    const callSlot = new CallSlot(arena, slot, KERNEL_PID, undefined, () => platform.now());
    this.server = new ServerThread(arena, queue, callSlot, undefined, () => platform.now());
    this.server.kernelService = kernelService(this.kernel);
    this.caller = new Caller(arena, callSlot);
    this.caller.local = this.server;
    this.server.onEvents = () => this.onKernelEvents(this.kernel.takeEvents(KERNEL_PID));
    this.loop = this.server.runEvented(20_000);
    this.supervisor = new Supervisor(arena, {
      start: (g) => this.restartGroup(g),
      kill: (pid, why) => { this.kernel.exitProcess(pid, { kind: 'crashed', message: why }); },
      threadOf: (pid) => {
        const p = this.kernel.process(pid);
        return p?.alive ? { queue: p.queue, slot: p.slot } : null;
      },
      probe: (g) => this.probe(g),
      log: (line) => this.log(line),
      nowMs: () => platform.now() / 1e6,
    });
  }

  /** Record a line in the kernel's message log and show it to the host. */
  log(line: string): void {
    this.kernel.logMessage(line);
    this.host.log?.(line);
  }

  readonly caller: Caller;

  /** Boot a system; resolves once every service is serving (rejects if one fails to start). */
  static async boot(host: SystemHost, platform: ThreadPlatform, config: SystemConfig, arenaConfig: ArenaConfig = DEFAULT_ARENA_CONFIG): Promise<System> {
    const system = new System(host, platform, config, arenaConfig);
    try {
      await system.startServices();
    } catch (e) {
      await system.shutdown();
      throw e;
    }
    return system;
  }

  private check<T>(r: { status: number; value?: T }, what: string): T {
    if (r.status !== Status.OK) throw new KeelError('BOOT', `${what}: ${statusName(r.status)}`);
    return r.value as T;
  }

  /**
   * The arena's page cache, split evenly between the file systems that cache file data (tmpfs,
   * hostfs): each owns its slice alone, so filling and revoking need no locks between threads.
   */
  private readonly cacheSlices = new Map<string, CacheSlice>();

  private splitPageCache(): void {
    const caching = this.config.services.filter((s) => s.kind === 'tmpfs' || s.kind === 'hostfs' || s.kind === 'diskfs');
    const { cacheEntries = 0, cachePages = 0 } = this.kernel.arena.config;
    if (caching.length === 0) return;
    const entries = Math.floor(cacheEntries / caching.length), pages = Math.floor(cachePages / caching.length);
    caching.forEach((s, i) => this.cacheSlices.set(s.name, { firstEntry: i * entries, entries, firstPage: i * pages, pages }));
  }

  private async startServices(): Promise<void> {
    const k = this.kernel;
    this.splitPageCache();
    const serverEnds = this.serverEnds;
    let port = 1;
    for (const s of this.config.services) {
      const [client, server] = this.check(k.channelCreate(KERNEL_PID), `channel for ${s.name}`);
      this.masters.set(s.name, client);
      serverEnds.set(s.name, server);
      this.ports.set(s.name, port++);
    }
    if (this.config.static) {
      k.policy = new StaticPolicy(new Set(this.programCapabilities));
      for (const [name, client] of this.masters) k.policy.label(this.check(k.info(KERNEL_PID, client), `endpoint of ${name}`).object, name);
    }
    // Services in the kernel thread. The kernel thread never blocks, so a service placed there
    // may only call services that are placed there too (its calls are then direct calls).
    const inKernel = this.config.services.filter((s) => s.placement === 'kernel');
    for (const s of inKernel) {
      const away = [...s.uses, ...(s.mints ?? [])].filter((d) => this.config.services.find((x) => x.name === d)?.placement !== 'kernel');
      if (away.some((d) => s.uses.includes(d))) {
        throw new KeelError('BOOT', `${s.name} is placed in the kernel thread but calls ${away.join(', ')}, which is not: the kernel thread must never wait on another thread`);
      }
    }
    const kernelHandles: number[] = [];
    const entries = inKernel.map((s) => this.entryFor(s, serverEnds.get(s.name)!, kernelHandles, false));
    try {
      this.kernelServices = buildServices(entries, kernelHandles, this.caller, this.platform, this.asyncCaller());
    } catch (e) {
      // A service that cannot start (a disk image that is not a diskfs, a missing host directory).
      throw new KeelError('BOOT', e instanceof Error ? e.message : String(e));
    }
    if (inKernel.some((s) => s.exitEvents)) k.exitListeners.add(KERNEL_PID);
    const idlers = this.kernelServices.filter((b) => b.idle);
    if (idlers.length > 0) this.server.onIdle = () => { for (const b of idlers) b.idle!(); };
    inKernel.forEach((s, i) => {
      const st = k.channelServe(KERNEL_PID, serverEnds.get(s.name)!, this.ports.get(s.name)!);
      if (st !== Status.OK) throw new KeelError('BOOT', `serve ${s.name}: ${statusName(st)}`);
      this.server.register(this.ports.get(s.name)!, this.kernelServices[i]!.service);
    });
    // Workers: one per coalesced group, one per isolated service.
    const groups = new Map<string, ServiceInstance[]>();
    for (const s of this.config.services) {
      if (s.placement === 'kernel') continue;
      const key = s.placement === 'isolated' ? `isolated:${s.name}` : s.placement;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    const pending = new Map<number, string>();
    for (const members of groups.values()) {
      for (const s of members) pending.set(this.check(k.info(KERNEL_PID, serverEnds.get(s.name)!), `endpoint of ${s.name}`).object, s.name);
    }
    const allServing = new Promise<void>((resolve, reject) => {
      if (pending.size === 0) resolve();
      k.onServed = (endpoint) => {
        pending.delete(endpoint);
        if (pending.size === 0) resolve();
      };
      this.bootFailed = (pid, why) => {
        const names = [...this.workerPids].filter(([, p]) => p === pid).map(([n]) => n);
        if (names.length > 0) reject(new KeelError('BOOT', `service ${names.join(', ')} failed to start: ${why}`));
      };
    });
    const started = new Map<string, { members: ServiceInstance[]; pid: number }>();
    for (const [key, members] of groups) {
      const name = key.replace(/^(coalesced|isolated):/, '');
      started.set(name, { members, pid: this.startGroup(name, members, 0) });
    }
    await allServing;
    k.onServed = null;
    this.bootFailed = null;
    for (const [i, b] of this.kernelServices.entries()) {
      const why = b.ready ? await b.ready : null;
      if (why) throw new KeelError('BOOT', `${inKernel[i]!.name}: ${why}`);
    }
    k.policy?.seal();
    for (const [name, g] of started) this.supervisor.adopt(name, g.members, g.pid);
    // A restarted worker is running again once it serves every service of its group.
    const served = new Map<number, number>();
    k.onServed = (_endpoint, pid) => {
      const n = (served.get(pid) ?? 0) + 1;
      served.set(pid, n);
      const g = this.supervisor.groupOf(pid);
      if (g && n >= g.members.length) {
        served.delete(pid);
        this.supervisor.serving(pid);
      }
    };
    this.supervisor.start();
  }

  /**
   * Start a worker for the services `members` (a coalesced group, or one isolated service) on
   * their kept server ends: its pid. `restarts`: how many times this group has been restarted.
   */
  private startGroup(name: string, members: readonly ServiceInstance[], restarts: number): number {
    const k = this.kernel;
    const handles: number[] = [];
    const entries = members.map((s) => this.entryFor(s, this.serverEnds.get(s.name)!, handles, true));
    const principal = new Set(members.flatMap((s) => [...s.uses, ...(s.notifies ?? []), ...(s.mints ?? [])]));
    const r = k.spawn(KERNEL_PID, { name, boot: { kind: 'services', group: name, services: entries }, handles, principal });
    if (r.status !== Status.OK) {
      for (const h of handles) k.close(KERNEL_PID, h);
      throw new KeelError('BOOT', `start ${name}: ${statusName(r.status)}`);
    }
    const pid = r.value.pid;
    this.workerHandles.set(pid, r.value.handle);
    for (const s of members) this.workerPids.set(s.name, pid);
    if (restarts > 0) k.setRestarts(pid, restarts);
    if (members.some((s) => s.exitEvents)) k.exitListeners.add(pid);
    k.process(pid)!.onExit((status) => {
      if (this.bootFailed) this.bootFailed(pid, status.kind === 'crashed' || status.kind === 'trapped' ? status.message : status.kind);
      else this.supervisor.exited(pid, status);
      const h = this.workerHandles.get(pid);
      this.workerHandles.delete(pid);
      if (h !== undefined && !this.stopping) k.close(KERNEL_PID, h);
    });
    return pid;
  }

  /** The supervisor's restart of `g`: a fresh worker, or why none could start. */
  private restartGroup(g: SupervisedGroup): number | string {
    if (this.stopping) return 'the system is shutting down';
    // The host's open directory died with the old VFS: the next use opens it anew. Its session
    // (the badge) and its call slots stay; calls in flight on them fail by themselves.
    if (g.members.some((m) => m.name === 'vfs')) this.vfsSession?.forgetOpenFiles();
    try {
      return this.startGroup(g.name, g.members, g.restarts + 1);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  private probeCaller: Caller | null = null;

  /** Send the watchdog's probe to `g`'s first service; settles when answered or failed. */
  private probe(g: SupervisedGroup): Promise<unknown> {
    if (!this.probeCaller) {
      const slot = this.kernel.attachExtraSlot(this.kernel.process(KERNEL_PID)!);
      if (slot === null) return Promise.resolve();
      this.probeCaller = new Caller(this.caller.arena, new CallSlot(this.caller.arena, slot, KERNEL_PID, undefined, () => this.platform.now()));
    }
    const master = this.masters.get(g.members[0]!.name);
    return master === undefined ? Promise.resolve() : this.probeCaller.invokeAsync(master, PROBE_LABEL);
  }

  /** Every service worker, as the supervisor sees it. */
  services(): ServiceStatus[] {
    return this.supervisor.list().map((g) => ({ name: g.name, services: g.members.map((m) => m.name), pid: g.pid, state: g.state, restarts: g.restarts }));
  }

  /**
   * Fault injection: end the worker running `service` at once, as SIGKILL would (the supervisor
   * then restarts it by its policy). Its pid, or null if no worker runs it now.
   */
  killService(service: string): number | null {
    const g = this.supervisor.list().find((x) => x.state === 'running' && (x.name === service || x.members.some((m) => m.name === service)));
    if (!g || !this.kernel.process(g.pid)?.alive) return null;
    const pid = g.pid;
    this.kernel.exitProcess(pid, { kind: 'killed', signal: 9 });
    return pid;
  }

  /** The services programs may hold sessions of (all the system has, unless the manifest says). */
  private get programCapabilities(): readonly string[] {
    return this.config.programCapabilities ?? ['vfs', 'console', 'proc', 'net'];
  }

  private programMay(service: string): boolean {
    return this.masters.has(service) && this.programCapabilities.includes(service);
  }

  private bootFailed: ((pid: number, why: string) => void) | null = null;

  /** A caller on a second call slot of the kernel thread, for its services' non-blocking calls. */
  private asyncCaller(): Caller {
    const slot = this.kernel.attachExtraSlot(this.kernel.process(KERNEL_PID)!);
    if (slot === null) throw new KeelError('BOOT', 'no call slot for the kernel thread\'s asynchronous calls');
    const caller = new Caller(this.caller.arena, new CallSlot(this.caller.arena, slot, KERNEL_PID, undefined, () => this.platform.now()));
    caller.kernelQueue = 0;
    return caller;
  }

  /** The badge service `from`'s handles to other services carry (fixed, so a callee can know its caller). */
  private serviceBadge(from: string): number {
    return SERVICE_BADGE_BASE + this.ports.get(from)!;
  }

  /** Describe one service for its thread, collecting the handles to hand it into `handles`. */
  private entryFor(s: ServiceInstance, serverEnd: Handle, handles: number[], worker: boolean): ServiceEntry {
    const k = this.kernel;
    const uses: Record<string, number> = {};
    const serverIndex = handles.length;
    // A worker gets a duplicate: the kernel keeps the server end so a restarted worker can serve it.
    const serverRights = worker ? this.check(k.info(KERNEL_PID, serverEnd), `server end of ${s.name}`).rights : 0;
    handles.push(worker ? this.check(k.duplicate(KERNEL_PID, serverEnd, serverRights, 0), `server end of ${s.name}`) : serverEnd);
    for (const dep of [...s.uses, ...(s.notifies ?? [])]) {
      const master = this.masters.get(dep);
      if (master === undefined) throw new KeelError('BOOT', `${s.name} uses ${dep}, which is not in the system`);
      uses[dep] = handles.length;
      handles.push(this.check(k.duplicate(KERNEL_PID, master, CLIENT_RIGHTS, this.serviceBadge(s.name)), `handle to ${dep} for ${s.name}`));
    }
    const callers: Record<string, number> = {};
    for (const other of this.config.services) {
      if (other.uses.includes(s.name) || other.notifies?.includes(s.name)) callers[other.name] = this.serviceBadge(other.name);
    }
    for (const dep of s.mints ?? []) {
      const master = this.masters.get(dep);
      if (master === undefined) throw new KeelError('BOOT', `${s.name} mints ${dep}, which is not in the system`);
      uses[`${dep}:mint`] = handles.length;
      handles.push(this.check(k.duplicate(KERNEL_PID, master, CLIENT_RIGHTS, 0), `master handle of ${dep} for ${s.name}`));
    }
    const cache = this.cacheSlices.get(s.name);
    const config = { ...s.config, ...(cache ? { cache } : {}), ...(s.kind === 'diskfs' ? { lockOwner: this.lockOwner } : {}), ...(s.kind === 'hostfs' ? this.hostGuards() : {}) };
    return { name: s.kind, port: this.ports.get(s.name)!, serverEnd: serverIndex, config, uses, callers };
  }

  private onKernelEvents(events: KernelEvent[]): void {
    dispatchEvents(events, this.kernelServices, this.server);
  }

  /** A client handle to `service` with a fresh session badge, in the kernel process's table. */
  private sessionHandle(service: string): Handle {
    const master = this.masters.get(service);
    if (master === undefined) throw new KeelError('NO_SERVICE', `this system has no ${service} service`);
    return this.check(this.kernel.duplicate(KERNEL_PID, master, CLIENT_RIGHTS, this.nextBadge++), `session with ${service}`);
  }

  /**
   * Start a program — a compiled wasm module, or the file at a VFS path (wasm or `#!keel`) —
   * with sessions of the VFS, the console, proc and net; its pid and the kernel's handle to it.
   */
  spawnWasm(opts: SpawnWasmOptions): { pid: number; handle: Handle } {
    if (this.isShutDown) throw new KeelError('SHUT_DOWN', 'the system has been shut down');
    const ledger = this.kernel.ledger;
    if (!ledger.fits(opts.initialMemoryBytes ?? 0)) {
      throw new KeelError('NO_MEMORY', `cannot start ${opts.program}: its ${opts.initialMemoryBytes} bytes of initial memory do not fit the memory budget (${ledger.committedBytes} of ${ledger.budgetBytes} bytes in use)`);
    }
    const handles = [this.sessionHandle('vfs'), this.sessionHandle('console')];
    const extra: { proc?: number; net?: number; sockets?: number } = {};
    if (this.programMay('proc')) {
      extra.proc = handles.length;
      handles.push(this.sessionHandle('proc'));
    }
    const listening = (this.config.services.find((s) => s.name === 'net')?.config['listen'] as unknown[] | undefined)?.length ?? 0;
    if (this.programMay('net')) {
      extra.net = handles.length;
      extra.sockets = listening;
      handles.push(this.sessionHandle('net'));
    }
    const boot: WasmBoot = {
      kind: 'wasm', program: opts.program, ...(opts.module ? { module: opts.module } : { path: opts.path ?? opts.program }), args: opts.args, env: opts.env,
      preopens: opts.preopens, vfs: 0, console: 1, ...extra,
      ...(opts.stdio ? { stdio: opts.stdio } : {}), ...(opts.attached ? { attached: true } : {}),
    };
    return this.launch(opts.program, handles, boot, opts.limits);
  }

  /** Start a child of the kernel process with `handles` moved into it; they are closed if it cannot start. */
  private launch(name: string, handles: Handle[], boot: WasmBoot | ScriptBoot, limits?: ProcessLimits): { pid: number; handle: Handle } {
    const r = this.kernel.spawn(KERNEL_PID, { name, handles, boot, ...(limits ? { limits } : {}) });
    if (r.status !== Status.OK) {
      for (const h of handles) this.kernel.close(KERNEL_PID, h);
      throw new KeelError('SPAWN', `cannot start ${name}: ${statusName(r.status)}`);
    }
    return { pid: r.value.pid, handle: r.value.handle };
  }

  /**
   * Start a TypeScript/JavaScript program (a module exporting `main(rt, args, data)`), with
   * sessions in this order in its handles: VFS, console, proc; `limits` bound what it starts.
   */
  spawnScript(url: string, args: readonly string[], data?: unknown, limits?: ProcessLimits): { pid: number; handle: Handle } {
    const handles = [this.sessionHandle('vfs'), this.sessionHandle('console')];
    if (this.programMay('proc')) handles.push(this.sessionHandle('proc'));
    return this.launch(url.split('/').pop() ?? url, handles, { kind: 'script', url, args, data }, limits);
  }

  /** Send `signal` to the process behind `handle` (a handle from spawnWasm); 9 ends it at once. */
  kill(handle: Handle, signal: number, limit?: ResourceLimit): Status {
    return this.kernel.kill(KERNEL_PID, handle, signal, limit);
  }

  /** The session (process tree) a process started by spawnWasm leads. */
  sessionOf(pid: number): number {
    return this.kernel.process(pid)?.session ?? 0;
  }

  /** Signal every live process of `session` (a run's whole tree, orphans included); how many. */
  signalSession(session: number, signal: number, limit?: ResourceLimit): number {
    return this.kernel.signalSession(session, signal, limit);
  }

  /** Resolves once no process of `session` is left. */
  sessionEnded(session: number): Promise<void> {
    return new Promise((resolve) => this.kernel.sessions.onEnd(session, resolve));
  }

  private vfsSession: SystemVfs | null = null;

  /** The host's own VFS session (asynchronous calls from the kernel thread). */
  get systemVfs(): SystemVfs {
    if (!this.vfsSession) {
      this.vfsSession = new SystemVfs(this.kernel, this.sessionHandle('vfs'), this.platform);
      // Made after shutdown began: every call fails at once rather than waiting on a stopped system.
      if (this.isShutDown) this.vfsSession.abort();
    }
    return this.vfsSession;
  }

  /** Resolve with the exit status of the process behind `handle` (a handle from spawnWasm). */
  wait(handle: Handle): Promise<ExitStatus> {
    return new Promise((resolve, reject) => {
      const s = this.kernel.waitProcess(KERNEL_PID, handle, resolve);
      if (s !== Status.OK) reject(new KeelError('WAIT', `cannot wait: ${statusName(s)}`));
    });
  }

  /** Close the kernel's handle to a process (from spawnWasm) once it is no longer needed. */
  release(handle: Handle): void {
    this.kernel.close(KERNEL_PID, handle);
  }

  private shutting: Promise<void> | null = null;
  private stopping = false;

  /** Shutdown has begun: no new process starts. */
  get isShutDown(): boolean {
    return this.stopping;
  }

  /** Stop every thread and the kernel loop; resolves when nothing is left running (a second call: the same). */
  shutdown(): Promise<void> {
    return this.shutting ??= this.stop();
  }

  /** sync(2): every file system commits its changes; throws KeelError SYNC with the first failure. */
  async sync(): Promise<void> {
    if (!this.config.services.some((s) => s.kind === 'vfs')) return;
    const r = await this.systemVfs.call('syncAll', {});
    if (r.transport !== Status.OK) throw new KeelError('SYNC', `sync: the VFS did not answer (${statusName(r.transport)})`);
    if (r.status !== 0) throw new KeelError('SYNC', `sync: ${errnoName(r.status)}`);
  }

  /**
   * sync(2) before the services stop: every file system commits what it holds (diskfs writes its
   * journal). Bounded: a VFS that does not answer within SHUTDOWN_SYNC_MS does not hold up the stop.
   */
  private async syncFileSystems(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, SHUTDOWN_SYNC_MS); });
    try {
      await Promise.race([this.sync().catch(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * This system's token on the disk images it mounts (their lock files, diskfs-service.ts): the
   * same across restarts of a diskfs, so a restarted one keeps its lock.
   */
  private get lockOwner(): string {
    if (this.lockToken === null) {
      const r = new Uint32Array(2);
      this.platform.randomFill(new Uint8Array(r.buffer));
      this.lockToken = `${r[0]!.toString(16)}${r[1]!.toString(16)}`;
    }
    return this.lockToken;
  }

  private lockToken: string | null = null;

  private guards: { protect: ProtectedSet; maxDescriptors: number } | null = null;

  /** What every hostfs is told: Keel's images to keep out of reach, and its share of host descriptors (system/host-guards.ts). */
  private hostGuards(): { protect: ProtectedSet; maxDescriptors: number } | Record<string, never> {
    const host = this.platform.hostFs;
    if (!host) return {};
    if (!this.guards) {
      const images = this.config.services.flatMap((s) => (s.kind === 'diskfs' && typeof s.config['image'] === 'string' ? [s.config['image']] : []));
      const instances = this.config.services.filter((s) => s.kind === 'hostfs').length;
      this.guards = { protect: protectedImages(host, images), maxDescriptors: descriptorShare(host, instances) };
    }
    return this.guards;
  }

  /** Release the locks on this system's disk images (its diskfs workers are gone). */
  private unlockDisks(): void {
    const host = this.platform.hostFs;
    if (!host) return;
    for (const s of this.config.services) {
      const image = s.config['image'];
      if (s.kind !== 'diskfs' || typeof image !== 'string') continue;
      try {
        host.unlock(lockPath(image), this.lockOwner);
      } catch {
        // the lock file is gone or unreadable: nothing to release
      }
    }
  }

  private async stop(): Promise<void> {
    if (!this.isShutDown) await this.syncFileSystems();
    this.stopping = true;
    this.supervisor.stop();
    this.vfsSession?.abort();
    for (const b of this.kernelServices) b.stop?.();
    for (const p of this.kernel.allProcesses()) {
      if (p.pid !== KERNEL_PID && p.alive) this.kernel.exitProcess(p.pid, { kind: 'killed', signal: 15 });
    }
    await this.host.stopAll();
    this.unlockDisks();
    this.server.stop();
    await this.loop;
  }
}

export { ALL_RIGHTS };

/**
 * Where the services run, and keeping them running: the second half of boot and the supervisor's
 * glue, on the kernel thread.
 *
 * Boot, after the wiring (wiring.ts) made every channel:
 *   1. the services placed in the kernel thread are built and registered on its server; such a
 *      service may only call services that are there too (the kernel thread never waits on
 *      another thread), else boot fails with the reason;
 *   2. one worker per coalesced group and per isolated service (placement.ts: a unique key each,
 *      so a service and a group of the same name are two workers), each a kernel process given
 *      its services' entries; boot waits until every endpoint is served, or fails naming the
 *      service whose worker ended;
 *   3. the static policy, if any, is sealed and the supervisor adopts every worker.
 * A worker the supervisor restarts serves the same channels (the kernel kept the server ends);
 * it is running again once it serves every service of its group.
 */

import type { Kernel } from '../kernel/kernel.js';
import { KERNEL_PID } from '../kernel/kernel.js';
import type { Handle } from '../abi/handle.js';
import { Status, statusName } from '../abi/status.js';
import type { ServerThread } from '../ipc/server-thread.js';
import { Caller } from '../ipc/caller.js';
import { CallSlot } from '../ipc/call-slot.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import type { ServiceInstance, SystemConfig } from '../manifest/system-config.js';
import { workerOf } from '../manifest/placement.js';
import type { BuiltService } from '../services/kinds.js';
import { buildServices } from '../services/service-host.js';
import { PROBE_LABEL, type SupervisedGroup, Supervisor } from './supervisor.js';
import type { ServiceWiring } from './wiring.js';
import { bootCheck } from './wiring.js';
import { KeelError } from './keel-error.js';

/** A service worker as the supervisor sees it (Keel.services, the faults runner). */
export interface ServiceStatus {
  /** The worker: a service's name, or a coalesced group's. */
  readonly name: string;
  readonly services: readonly string[];
  readonly pid: number;
  readonly state: 'running' | 'restarting' | 'down';
  readonly restarts: number;
}

export interface ServiceThreadHooks {
  /** Record a line in the kernel's message log and show it to the host. */
  log(line: string): void;
  /** True once shutdown has begun: nothing is restarted. */
  stopping(): boolean;
  /** The VFS's worker is being restarted (the host's own session forgets its open files). */
  vfsRestarting(): void;
}

export class ServiceThreads {
  /** The services built on the kernel thread. */
  kernelServices: BuiltService[] = [];
  readonly supervisor: Supervisor;
  /** The worker pid of each service placed in one. */
  private readonly workerPids = new Map<string, number>();
  /** The kernel's handle to each service worker (closed when it ends, so it is reaped). */
  private readonly workerHandles = new Map<number, Handle>();
  private bootFailed: ((pid: number, why: string) => void) | null = null;
  private probeCaller: Caller | null = null;

  constructor(
    private readonly kernel: Kernel,
    private readonly server: ServerThread,
    private readonly caller: Caller,
    private readonly platform: ThreadPlatform,
    private readonly config: SystemConfig,
    private readonly wiring: ServiceWiring,
    private readonly hooks: ServiceThreadHooks,
  ) {
    this.supervisor = new Supervisor(kernel.arena, {
      start: (g) => this.restart(g),
      kill: (pid, why) => { this.kernel.exitProcess(pid, { kind: 'crashed', message: why }); },
      threadOf: (pid) => {
        const p = this.kernel.process(pid);
        return p?.alive ? { queue: p.queue, slot: p.slot } : null;
      },
      probe: (g) => this.probe(g),
      // A process the kernel no longer knows was reaped, which it is only once its thread is gone.
      whenGone: (pid, then) => { const p = this.kernel.process(pid); if (p) p.onThreadGone(then); else then(); },
      log: (line) => this.hooks.log(line),
      nowMs: () => platform.now() / 1e6,
      down: (g) => {
        this.kernel.releaseCustody(g.name);
        // Given up: close the server ends the kernel kept for a restart, so every client's call
        // and every wait for the service to come back fails at once instead of running out its time.
        for (const s of g.members) this.kernel.close(KERNEL_PID, this.wiring.serverEnd(s.name));
      },
    });
  }

  /** Start every service where the manifest places it; resolves once all serve. */
  async start(): Promise<void> {
    const inKernel = this.startInKernel();
    const workers = new Map<string, { name: string; members: ServiceInstance[] }>();
    for (const s of this.config.services) {
      const w = workerOf(s.placement, s.name);
      if (!w) continue;
      const entry = workers.get(w.key) ?? { name: w.name, members: [] };
      entry.members.push(s);
      workers.set(w.key, entry);
    }
    const k = this.kernel;
    const pending = new Set<number>();
    for (const w of workers.values()) {
      for (const s of w.members) pending.add(bootCheck(k.info(KERNEL_PID, this.wiring.serverEnd(s.name)), `endpoint of ${s.name}`).object);
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
    const started = [...workers.values()].map((w) => ({ ...w, pid: this.startWorker(w.name, w.members, 0) }));
    await allServing;
    k.onServed = null;
    this.bootFailed = null;
    for (const [i, b] of this.kernelServices.entries()) {
      const why = b.ready ? await b.ready : null;
      if (why) throw new KeelError('BOOT', `${inKernel[i]!.name}: ${why}`);
    }
    k.policy?.seal();
    for (const w of started) this.supervisor.adopt(w.name, w.members, w.pid);
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

  /** Build and register the services placed in the kernel thread; they may only call each other. */
  private startInKernel(): ServiceInstance[] {
    const k = this.kernel;
    const inKernel = this.config.services.filter((s) => s.placement.in === 'kernel');
    const placed = (name: string): boolean => this.config.services.find((x) => x.name === name)?.placement.in === 'kernel';
    for (const s of inKernel) {
      const away = s.uses.filter((d) => !placed(d));
      if (away.length > 0) {
        throw new KeelError('BOOT', `${s.name} is placed in the kernel thread but calls ${away.join(', ')}, which is not: the kernel thread must never wait on another thread`);
      }
    }
    const handles: number[] = [];
    const entries = inKernel.map((s) => this.wiring.entryFor(s, handles, false));
    try {
      this.kernelServices = buildServices(entries, handles, this.caller, this.platform, this.asyncCaller());
    } catch (e) {
      // A service that cannot start (a disk image that is not a diskfs, a missing host directory).
      throw new KeelError('BOOT', e instanceof Error ? e.message : String(e));
    }
    if (inKernel.some((s) => s.exitEvents)) k.exitListeners.add(KERNEL_PID);
    const idlers = this.kernelServices.filter((b) => b.idle);
    if (idlers.length > 0) this.server.onIdle = () => { for (const b of idlers) b.idle!(); };
    inKernel.forEach((s, i) => {
      const st = k.channelServe(KERNEL_PID, this.wiring.serverEnd(s.name), this.wiring.port(s.name));
      if (st !== Status.OK) throw new KeelError('BOOT', `serve ${s.name}: ${statusName(st)}`);
      this.server.register(this.wiring.port(s.name), this.kernelServices[i]!.service);
    });
    return inKernel;
  }

  /** A caller on a second call slot of the kernel thread, for its services' non-blocking calls. */
  private asyncCaller(): Caller {
    const slot = this.kernel.attachExtraSlot(this.kernel.process(KERNEL_PID)!);
    if (slot === null) throw new KeelError('BOOT', 'no call slot for the kernel thread\'s asynchronous calls');
    const caller = new Caller(this.caller.arena, new CallSlot(this.caller.arena, slot, KERNEL_PID, undefined, () => this.platform.now()));
    caller.kernelQueue = 0;
    return caller;
  }

  /**
   * Start a worker for the services `members` (a coalesced group, or one isolated service) on
   * their kept server ends: its pid. `restarts`: how many times this worker has been restarted.
   */
  private startWorker(name: string, members: readonly ServiceInstance[], restarts: number): number {
    const k = this.kernel;
    const handles: number[] = [];
    const entries = members.map((s) => this.wiring.entryFor(s, handles, true));
    const principal = new Set(members.flatMap((s) => [...s.uses, ...(s.notifies ?? []), ...(s.mints ?? [])]));
    const r = k.spawn(KERNEL_PID, { name, boot: { kind: 'services', group: name, services: entries, incarnation: restarts }, handles, principal });
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
      if (h !== undefined && !this.hooks.stopping()) k.close(KERNEL_PID, h);
    });
    return pid;
  }

  /** The supervisor's restart of `g`: a fresh worker, or why none could start. */
  private restart(g: SupervisedGroup): number | string {
    if (this.hooks.stopping()) return 'the system is shutting down';
    if (g.members.some((m) => m.name === 'vfs')) this.hooks.vfsRestarting();
    try {
      return this.startWorker(g.name, g.members, g.restarts + 1);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** Send the watchdog's probe to `g`'s first service; settles when answered or failed. */
  private probe(g: SupervisedGroup): Promise<unknown> {
    if (!this.probeCaller) {
      const slot = this.kernel.attachExtraSlot(this.kernel.process(KERNEL_PID)!);
      if (slot === null) return Promise.resolve();
      this.probeCaller = new Caller(this.caller.arena, new CallSlot(this.caller.arena, slot, KERNEL_PID, undefined, () => this.platform.now()));
    }
    const master = this.wiring.master(g.members[0]!.name);
    return master === undefined ? Promise.resolve() : this.probeCaller.invokeAsync(master, PROBE_LABEL);
  }

  /** Every service worker, as the supervisor sees it. */
  list(): ServiceStatus[] {
    return this.supervisor.list().map((g) => ({ name: g.name, services: g.members.map((m) => m.name), pid: g.pid, state: g.state, restarts: g.restarts }));
  }

  /**
   * Fault injection: end the worker running `service` at once, as SIGKILL would (the supervisor
   * then restarts it by its policy). Its pid, or null if no worker runs it now.
   */
  kill(service: string): number | null {
    const running = this.supervisor.list().filter((x) => x.state === 'running');
    // The worker that runs a service of that name, else the worker (group) of that name.
    const g = running.find((x) => x.members.some((m) => m.name === service)) ?? running.find((x) => x.name === service);
    if (!g || !this.kernel.process(g.pid)?.alive) return null;
    const pid = g.pid;
    this.kernel.exitProcess(pid, { kind: 'killed', signal: 9 });
    return pid;
  }

  /** Stop supervising and release what the kernel thread's services hold (shutdown). */
  stop(): void {
    this.supervisor.stop();
    for (const b of this.kernelServices) b.stop?.();
  }
}

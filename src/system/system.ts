/**
 * A running Keel system, seen from the kernel thread: the operations the host API and the `keel`
 * command need (spawn a program, wait for it, sync, shut down), over the pieces that do them.
 *
 * Boot, in order:
 *   1. make the IPC arena and the kernel; open the kernel thread's receive queue (queue 0) and
 *      serve kernel calls on it (this file);
 *   2. wire the services: a channel per service instance, the kernel keeping the client end
 *      (unbadged master) and the server end (wiring.ts);
 *   3. start the services placed in the kernel thread, then one worker per coalesced group and per
 *      isolated service, and hand the workers to the supervisor (service-threads.ts).
 * Programs get badged client ends (one fresh badge per program: its session) of the VFS and the
 * console, and of proc and net when the manifest allows (programs.ts); when the last handle with
 * a badge closes, the service ends that session.
 */

import { Arena, type ArenaConfig, DEFAULT_ARENA_CONFIG } from '../ipc/arena.js';
import { CallSlot } from '../ipc/call-slot.js';
import { Caller } from '../ipc/caller.js';
import { ServerThread } from '../ipc/server-thread.js';
import type { Handle } from '../abi/handle.js';
import { KERNEL_PID, Kernel, type KernelHost } from '../kernel/kernel.js';
import { kernelService } from '../kernel/kernel-service.js';
import { StaticPolicy } from '../kernel/static-policy.js';
import type { ExitStatus, ProcessLimits, ResourceLimit } from '../abi/exit-status.js';
import { ALL_RIGHTS } from '../abi/rights.js';
import { Status, statusName } from '../abi/status.js';
import { errnoName } from '../abi/errno.js';
import type { ThreadStart } from '../abi/boot-spec.js';
import type { SystemConfig } from '../manifest/system-config.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { lockPath } from '../services/diskfs/diskfs-service.js';
import { dispatchEvents } from '../services/service-host.js';
import { SystemVfs } from './system-vfs.js';
import { ServiceWiring, bootCheck } from './wiring.js';
import { type ServiceStatus, ServiceThreads } from './service-threads.js';
import { Programs, type SpawnWasmOptions } from './programs.js';
import { KeelError } from './keel-error.js';
import type { Supervisor } from './supervisor.js';

export { KeelError, type ServiceStatus, type SpawnWasmOptions };

/** The platform's side of a system: its kernel host and the kernel thread's own platform. */
export interface SystemHost extends KernelHost {
  kernel: Kernel | null;
  /** The start data of an `attached` process the host did not start a thread for (taken once). */
  takeAttached?(pid: number): ThreadStart | undefined;
  /** An attached process's thread is done with Keel (ending with `status`). */
  attachedDone?(pid: number, status?: ExitStatus): void;
  whenGone(pid: number): Promise<void>;
  stopAll(): Promise<void>;
  /** Shutdown has begun: start no worker, end idle ones (see PooledHost.drain). */
  drain?(): void;
  liveThreads(): number;
  /** Shown each line of the kernel's message log (service restarts) as it is logged. */
  log?: (line: string) => void;
  /** Every service serves: the host may now warm threads for programs without slowing boot. */
  booted?(): void;
}

/** How long shutdown waits for the file systems to commit (ms). */
const SHUTDOWN_SYNC_MS = 10_000;

export class System {
  readonly kernel: Kernel;
  readonly server: ServerThread;
  readonly caller: Caller;
  private readonly loop: Promise<void>;
  private readonly wiring: ServiceWiring;
  private readonly threads: ServiceThreads;
  private readonly programs: Programs;
  private vfsSession: SystemVfs | null = null;
  private shutting: Promise<void> | null = null;
  private stopping = false;

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
    this.server.onEvents = () => dispatchEvents(this.kernel.takeEvents(KERNEL_PID), this.threads.kernelServices, this.server);
    this.loop = this.server.runEvented(20_000);
    this.wiring = new ServiceWiring(this.kernel, config, platform.hostFs, newLockOwner(platform));
    this.threads = new ServiceThreads(this.kernel, this.server, this.caller, platform, config, this.wiring, {
      log: (line) => this.log(line),
      stopping: () => this.stopping,
      // The host's open directory died with the old VFS: the next use opens it anew. Its session
      // (the badge) and its call slots stay; calls in flight on them fail by themselves.
      vfsRestarting: () => this.vfsSession?.forgetOpenFiles(),
    });
    this.programs = new Programs(this.kernel, config, this.wiring, () => this.stopping);
  }

  /** Boot a system; resolves once every service is serving (rejects if one fails to start). */
  static async boot(host: SystemHost, platform: ThreadPlatform, config: SystemConfig, arenaConfig: ArenaConfig = DEFAULT_ARENA_CONFIG): Promise<System> {
    const system = new System(host, platform, config, arenaConfig);
    try {
      if (config.static) {
        const k = system.kernel;
        k.policy = new StaticPolicy(new Set(config.programCapabilities ?? ['vfs', 'console', 'proc', 'net']));
        for (const [name, client] of system.wiring.allMasters()) k.policy.label(bootCheck(k.info(KERNEL_PID, client), `endpoint of ${name}`).object, name);
      }
      await system.threads.start();
      host.booted?.();
    } catch (e) {
      await system.shutdown();
      throw e;
    }
    return system;
  }

  /** Record a line in the kernel's message log and show it to the host. */
  log(line: string): void {
    this.kernel.logMessage(line);
    this.host.log?.(line);
  }

  /** The supervisor watching the service workers. */
  get supervisor(): Supervisor {
    return this.threads.supervisor;
  }

  /** Every service worker, as the supervisor sees it. */
  services(): ServiceStatus[] {
    return this.threads.list();
  }

  /** Fault injection: end the worker running `service` at once (the supervisor restarts it); its pid, or null. */
  killService(service: string): number | null {
    return this.threads.kill(service);
  }

  // ─── programs (programs.ts) ─────────────────────────────────────────────────

  spawnWasm(opts: SpawnWasmOptions): { pid: number; handle: Handle } {
    return this.programs.spawnWasm(opts);
  }

  spawnScript(url: string, args: readonly string[], data?: unknown, limits?: ProcessLimits): { pid: number; handle: Handle } {
    return this.programs.spawnScript(url, args, data, limits);
  }

  kill(handle: Handle, signal: number, limit?: ResourceLimit): Status {
    return this.programs.kill(handle, signal, limit);
  }

  sessionOf(pid: number): number {
    return this.programs.sessionOf(pid);
  }

  signalSession(session: number, signal: number, limit?: ResourceLimit): number {
    return this.programs.signalSession(session, signal, limit);
  }

  sessionEnded(session: number): Promise<void> {
    return this.programs.sessionEnded(session);
  }

  wait(handle: Handle): Promise<ExitStatus> {
    return this.programs.wait(handle);
  }

  release(handle: Handle): void {
    this.programs.release(handle);
  }

  /** The host's own VFS session (asynchronous calls from the kernel thread). */
  get systemVfs(): SystemVfs {
    if (!this.vfsSession) {
      this.vfsSession = new SystemVfs(this.kernel, this.wiring.sessionHandle('vfs'), this.platform);
      // Made after shutdown began: every call fails at once rather than waiting on a stopped system.
      if (this.isShutDown) this.vfsSession.abort();
    }
    return this.vfsSession;
  }

  // ─── sync and shutdown ──────────────────────────────────────────────────────

  /** Shutdown has begun: no new process starts. */
  get isShutDown(): boolean {
    return this.stopping;
  }

  /** Stop every thread and the kernel loop; resolves when nothing is left running (a second call: the same). */
  shutdown(): Promise<void> {
    return this.shutting ??= this.stop(true);
  }

  /**
   * The shutdown of a host process that exits right after (the `keel` command): the same sync,
   * processes ended and disks unlocked, but without waiting for the workers to be torn down —
   * tens of milliseconds per worker here, which the process's exit does at once. Resolves once
   * nothing of the system will write again.
   */
  shutdownBeforeExit(): Promise<void> {
    return this.shutting ??= this.stop(false);
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

  /** Release the locks on this system's disk images (their services are gone). */
  private unlockDisks(): void {
    const host = this.platform.hostFs;
    if (!host) return;
    for (const image of this.wiring.images()) {
      try {
        host.unlock(lockPath(image), this.wiring.lockOwner);
      } catch {
        // the lock file is gone or unreadable: nothing to release
      }
    }
  }

  /** The shutdown; `waitForThreads` false: not waiting for the workers' end (shutdownBeforeExit). */
  private async stop(waitForThreads: boolean): Promise<void> {
    this.host.drain?.();
    if (!this.isShutDown) await this.syncFileSystems();
    this.stopping = true;
    this.vfsSession?.abort();
    this.threads.stop();
    for (const p of this.kernel.allProcesses()) {
      if (p.pid !== KERNEL_PID && p.alive) this.kernel.exitProcess(p.pid, { kind: 'killed', signal: 15 });
    }
    const stopped = this.host.stopAll();
    if (waitForThreads) await stopped;
    this.unlockDisks();
    this.server.stop();
    if (waitForThreads) await this.loop;
  }
}

/**
 * This system's token on the disk images it mounts (their lock files, diskfs-service.ts): the
 * same across restarts of a diskfs, so a restarted one keeps its lock.
 */
function newLockOwner(platform: ThreadPlatform): string {
  const r = new Uint32Array(2);
  platform.randomFill(new Uint8Array(r.buffer));
  return `${r[0]!.toString(16)}${r[1]!.toString(16)}`;
}

export { ALL_RIGHTS };

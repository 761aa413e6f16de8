/**
 * Keel as a library: boot a system, run programs in it, shut it down.
 *
 *   const keel = await bootKeel({ dirs: { '/data': '/srv/data' } });
 *   const r = await keel.run(wasmBytes, { args: ['prog', 'x'], stdin: 'some input' });
 *   console.log(r.exitCode, r.stdout);
 *   await keel.shutdown();
 *
 * Everything the `keel` command does goes through this class. Portable: the platform entry
 * (platform/node/index.ts) supplies the KeelHost. Errors are KeelError with a code; a failed
 * boot or spawn never leaves a worker running, and `shutdown` leaves none at all.
 *
 * Names: every path given here (`dirs` keys, `cwd`, `files`, `{ path }` programs) is a path in
 * Keel's namespace — the VFS, whose root is the manifest's root file system. A program sees
 * the directories it is given as preopens, under their own names unless `dirs` renames them.
 */

import { type ExitStatus, type ResourceLimit } from '../abi/exit-status.js';
import type { ProcessRow } from '../ipc/process-table.js';
import { KeelError, type ServiceStatus, System, type SystemHost } from '../system/system.js';
import type { Manifest } from '../manifest/manifest-schema.js';
import { systemFromManifest } from '../manifest/manifest-system.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import type { DiskMount, HostDirMount } from '../manifest/system-config.js';
import type { PreopenSpec, ProcessLimits, ThreadStart } from '../abi/boot-spec.js';
import { initialMemoryBytes, limitMemory } from '../runtime/wasm-memory-limit.js';
import { checkLinkage } from '../runtime/link-check.js';
import { ModuleCache } from '../runtime/module-cache.js';
import { PROGRAM_NAMES } from '../programs/program-names.js';
import { type OutputOption, ProgramStdio, type StdinOption, type StdioFiles } from './stdio.js';
import { KeelProcess, type ProgramResult } from './keel-process.js';
import { isNamespaceDirectory, makeDirectories, readNamespaceFile, writeNamespaceFile } from './namespace-files.js';

/** How many threads a system keeps started for programs (BootOptions.threads). */
export interface ThreadOptions {
  /** Started threads kept waiting for programs once booted (default 2; 0: every program starts its own). */
  readonly warm?: number;
  /** Threads started while the system boots, for its first programs (default 1). */
  readonly atBoot?: number;
}

export interface KeelHost extends StdioFiles {
  makeSystemHost(threads?: ThreadOptions): SystemHost;
  readonly platform: ThreadPlatform;
  /** A host path made absolute (relative to the host's working directory). */
  absolutePath(path: string): string;
  /** Resolve a host directory to an absolute path (throws if it is not one). */
  directory(path: string): string;
  readFile(path: string): Uint8Array;
  /** The manifest file to boot when BootOptions.manifest is absent. */
  readonly defaultManifest: string;
  /**
   * The manifest at `path` as the build validated it, if `path` is one Keel ships and it has not
   * changed since (so a boot need not load the YAML parser and the schema library); else null.
   */
  compiledManifest?(path: string): Manifest | null;
  /**
   * The memory budget when neither BootOptions.memoryBudget nor the manifest sets one: what the
   * host can give the programs' linear memory (on Node: half of the memory the host has, or is
   * constrained to). Absent: no budget.
   */
  defaultMemoryBudget?(): number;
}

export interface BootOptions {
  /**
   * Host directories to serve, by the path they appear at in Keel (absolute, not `/`): each is
   * its own hostfs service. `{ path, readOnly: true }` refuses every change.
   */
  readonly dirs?: Readonly<Record<string, string | { readonly path: string; readonly readOnly?: boolean }>>;
  /**
   * Disk images to mount, by the path they appear at in Keel: each is its own diskfs service (a
   * persistent, journaled file system in one host file). A missing or empty image is made
   * (`size` bytes, default 64 MiB) and formatted; anything else that is not a diskfs image fails
   * the boot rather than being formatted over.
   */
  readonly disks?: Readonly<Record<string, string | { readonly image: string; readonly size?: number }>>;
  /** Files to create at boot (an in-memory tree in the root file system): Keel path → contents. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /**
   * The system manifest: a file path (YAML or JSON) or a manifest object (validated the same way).
   * Default: the host's (on Node: $KEEL_MANIFEST, else the manifest shipped with Keel, which
   * coalesces the VFS and file systems in one worker).
   */
  readonly manifest?: string | Manifest;
  /** TCP addresses (`HOST:PORT`) the net service listens on; programs get them as socket fds. */
  readonly listen?: readonly string[];
  /**
   * A package registry (npm's HTTP API, e.g. `https://registry.npmjs.org/`): a registry service
   * reads it, and `pkg` — only pkg — gets a session of it to install packages (docs/pkg.md).
   */
  readonly registry?: string;
  /** Put Keel's shell and utilities in /bin and make the console a terminal line discipline. */
  readonly shell?: boolean;
  /**
   * Threads kept started for programs: `atBoot` are started while the system boots (the first
   * programs take them), and once it has booted `warm` wait for the next ones. A system that runs
   * one program (`keel run`) wants { warm: 0, atBoot: 1 }.
   */
  readonly threads?: ThreadOptions;
  /** Called with each line of the kernel's message log as it is logged (service crashes and restarts). */
  readonly log?: (line: string) => void;
  /**
   * Bytes of linear memory all programs together may hold: each program's memory maximum is
   * capped at it, a program whose initial memory does not fit is refused (KeelError NO_MEMORY,
   * or ENOMEM from spawn inside Keel), and the program whose growth takes the total past it is
   * killed (SIGKILL, `limit: 'memory'`) at its next system call — before the host runs out.
   * Kernel and service threads are not counted and never killed for it. Default: the manifest's
   * `limits.memoryBudget`, else the host's (on Node, half of the host's memory or its
   * constrained memory, whichever is less). At least 1 MiB.
   */
  readonly memoryBudget?: number;
}

/**
 * What a program — and every process it starts, directly or not — may use. A child gets at most
 * its parent's memoryBytes and openFiles (it may be given less); timeMs bounds the whole tree.
 */
export interface Limits {
  /**
   * Bytes of linear memory the program may have: its module's memory maximum is capped, so
   * memory.grow fails past it (malloc returns NULL). Needs the program as bytes or a path. Each
   * process it starts is capped the same way. Never more than the system's memory budget.
   */
  readonly memoryBytes?: number;
  /**
   * Wall-clock milliseconds before the program and every process started from it (orphans
   * included) are killed (SIGKILL, `limit: 'time'`). The limit holds until the last of them ends.
   */
  readonly timeMs?: number;
  /** Open file descriptors, the three standard ones and the preopens included (EMFILE past it); the same bound for every process it starts. */
  readonly openFiles?: number;
}

export interface SpawnOptions {
  /** argv, including argv[0] (default: the program's name). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory (a Keel path): preopened as `.` and set as PWD. */
  readonly cwd?: string;
  /**
   * Directories to preopen: Keel paths (seen under their own names), or guest name → Keel path.
   * Default: every directory given at boot.
   */
  readonly dirs?: readonly string[] | Readonly<Record<string, string>>;
  readonly stdin?: StdinOption;
  readonly stdout?: OutputOption;
  readonly stderr?: OutputOption;
  readonly limits?: Limits;
}

/** A program: wasm bytes, a compiled module, a host path to a .wasm file, or a file in Keel. */
export type Program = Uint8Array | WebAssembly.Module | string | { readonly path: string };

/** Where a Keel path must not point for a mount: the root, relative paths, `.` and `..`. */
function mountPath(path: string): string {
  const clean = path.replace(/\/+$/, '');
  if (!clean.startsWith('/') || clean.split('/').slice(1).some((p) => p === '' || p === '.' || p === '..')) {
    throw new KeelError('BAD_DIR', `${path}: expected an absolute path below / in Keel's namespace`);
  }
  return clean;
}

/** `HOST:PORT` (HOST may be empty: 127.0.0.1), or null if it is not one. */
export function listenAddress(spec: string): { host: string; port: number } | null {
  const i = spec.lastIndexOf(':');
  const port = Number(spec.slice(i + 1));
  if (i < 0 || spec.slice(i + 1) === '' || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { host: spec.slice(0, i) || '127.0.0.1', port };
}

function positive(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isFinite(v) || v < min)) throw new KeelError('BAD_OPTION', `limits.${name}: expected a number ≥ ${min}, got ${v}`);
}

/**
 * Modules compiled for spawn, shared by every system this thread boots: the same program spawned
 * again is not compiled again (runtime/module-cache.ts; the key is the bytes after the memory cap).
 */
const compiledModules = new ModuleCache<WebAssembly.Module>(256 * 1024 * 1024);

export class Keel {
  private constructor(private readonly host: KeelHost, private readonly system: System, private readonly mounts: readonly string[]) {}

  static async boot(host: KeelHost, options: BootOptions = {}): Promise<Keel> {
    const hostDirs: HostDirMount[] = Object.entries(options.dirs ?? {}).map(([at, given]) => {
      const { path, readOnly } = typeof given === 'string' ? { path: given, readOnly: false } : given;
      let abs: string;
      try {
        abs = host.directory(path);
      } catch (e) {
        throw new KeelError('BAD_DIR', `directory ${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return { hostPath: abs, vfsPath: mountPath(at), ...(readOnly ? { readOnly: true } : {}) };
    });
    const listen = (options.listen ?? []).map((spec) => {
      const address = listenAddress(spec);
      if (!address) throw new KeelError('BAD_OPTION', `listen ${spec}: expected HOST:PORT`);
      return address;
    });
    const disks: DiskMount[] = Object.entries(options.disks ?? {}).map(([at, given]) => {
      const { image, size } = typeof given === 'string' ? { image: given, size: undefined } : given;
      if (size !== undefined && (!Number.isSafeInteger(size) || size < 1024 * 1024)) throw new KeelError('BAD_OPTION', `disk ${image}: size must be at least 1 MiB`);
      return { image: host.absolutePath(image), vfsPath: mountPath(at), ...(size !== undefined ? { size } : {}) };
    });
    const manifest = await Keel.manifest(host, options.manifest);
    if (options.memoryBudget !== undefined && (!Number.isSafeInteger(Math.floor(options.memoryBudget)) || options.memoryBudget < 1024 * 1024)) {
      throw new KeelError('BAD_OPTION', `memoryBudget: expected a number of bytes ≥ 1 MiB, got ${options.memoryBudget}`);
    }
    if (options.registry !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.registry)) throw new KeelError('BAD_OPTION', `registry ${options.registry}: expected an http:// or https:// URL`);
    const fromManifest = systemFromManifest(manifest, {
      hostDirs, disks, listen, ...(options.registry !== undefined ? { registry: options.registry } : {}), ...(options.shell ? { session: { programs: PROGRAM_NAMES } } : {}),
    });
    const memoryBudget = options.memoryBudget ?? fromManifest.memoryBudget ?? host.defaultMemoryBudget?.();
    const config = { ...fromManifest, ...(memoryBudget !== undefined ? { memoryBudget: Math.floor(memoryBudget) } : {}) };
    for (const [k, v] of Object.entries(options.threads ?? {})) {
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0 || v > 64)) throw new KeelError('BAD_OPTION', `threads.${k}: expected an integer in 0..64, got ${String(v)}`);
    }
    const systemHost = host.makeSystemHost(options.threads);
    if (options.log) systemHost.log = options.log;
    const system = await System.boot(systemHost, host.platform, config);
    const keel = new Keel(host, system, [...hostDirs, ...disks].map((d) => d.vfsPath));
    try {
      for (const [path, data] of Object.entries(options.files ?? {})) await keel.writeFile(path, data);
    } catch (e) {
      await system.shutdown();
      throw e;
    }
    return keel;
  }

  /**
   * The manifest to boot: one Keel ships comes as the build validated it; any other is read and
   * validated now, loading the YAML parser and the schema library only then.
   */
  private static async manifest(host: KeelHost, given: string | Manifest | undefined): Promise<Manifest> {
    const path = typeof given === 'string' ? given : given === undefined ? host.defaultManifest : null;
    const compiled = path === null ? null : host.compiledManifest?.(path) ?? null;
    if (compiled) return compiled;
    const { ManifestError, parseManifestBytes, validateManifest } = await import('../manifest/manifest.js');
    try {
      if (path === null) return validateManifest(given, 'options.manifest');
      let bytes: Uint8Array;
      try {
        bytes = host.readFile(path);
      } catch (e) {
        throw new KeelError('BAD_MANIFEST', `cannot read manifest ${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return parseManifestBytes(bytes, path);
    } catch (e) {
      if (e instanceof ManifestError) throw new KeelError('BAD_MANIFEST', e.message);
      throw e;
    }
  }

  /**
   * The module to run (with its memory maximum capped at the limit and the budget when we have
   * its bytes), its name, and the memory it starts with when known. Bytes are checked as the
   * loader checks them (runtime/link-check.ts): a module that would not link is BAD_MODULE here, as
   * wasmtime refuses it before running anything.
   */
  private load(program: Program, memoryBytes: number | undefined): { name: string; module?: WebAssembly.Module; path?: string; initialMemory?: number } {
    if (program instanceof WebAssembly.Module) {
      if (memoryBytes !== undefined) throw new KeelError('BAD_OPTION', 'limits.memoryBytes needs the program as bytes or a path: a compiled module\'s memory maximum cannot be changed');
      return { name: 'program', module: program };
    }
    if (typeof program === 'object' && program !== null && !(program instanceof Uint8Array)) {
      // A caller without TypeScript's checks may pass anything here: only a { path } is a path.
      if (typeof program.path !== 'string' || program.path === '') throw new KeelError('BAD_OPTION', 'program: expected bytes, a compiled module, a host file name or { path } naming a program in Keel\'s namespace');
      return { name: program.path, path: program.path };
    }
    if (typeof program !== 'string' && !(program instanceof Uint8Array)) throw new KeelError('BAD_OPTION', 'program: expected bytes, a compiled module, a host file name or { path } naming a program in Keel\'s namespace');
    let bytes: Uint8Array;
    const name = typeof program === 'string' ? program : 'program';
    if (typeof program === 'string') {
      try {
        bytes = this.host.readFile(program);
      } catch (e) {
        throw new KeelError('NOT_FOUND', `cannot read ${program}: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else bytes = program;
    const cap = Math.min(memoryBytes ?? Infinity, this.system.kernel.ledger.budgetBytes);
    if (Number.isFinite(cap)) {
      // A module the rewrite cannot read is left to the compiler, which says what is wrong with it.
      const limited = limitMemory(bytes, cap);
      if (typeof limited === 'string' && /^its memory starts/.test(limited)) throw new KeelError('LIMIT', `${name}: ${limited}`);
      if (typeof limited !== 'string') bytes = limited;
    }
    const cached = compiledModules.get(bytes);
    if (cached !== undefined) return { name, module: cached, initialMemory: initialMemoryBytes(bytes) };
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new KeelError('BAD_MODULE', `${name} is not a valid WebAssembly module: ${e instanceof Error ? e.message.replace(/^WebAssembly\.Module\(\): /, '') : String(e)}`);
    }
    const refused = checkLinkage(bytes);
    if (refused !== null) throw new KeelError('BAD_MODULE', `${name}: ${refused}`);
    compiledModules.put(bytes, module);
    return { name, module, initialMemory: initialMemoryBytes(bytes) };
  }

  /** The preopens of a spawn: `dirs` (default: the boot directories), then `cwd` as `.`. */
  private async preopens(options: SpawnOptions): Promise<PreopenSpec[]> {
    const given = options.dirs ?? this.mounts;
    const list: PreopenSpec[] = Array.isArray(given)
      ? (given as readonly string[]).map((p) => ({ guestPath: p, vfsPath: p }))
      : Object.entries(given).map(([guestPath, vfsPath]) => ({ guestPath, vfsPath }));
    if (options.cwd !== undefined) list.push({ guestPath: '.', vfsPath: options.cwd });
    for (const p of list) {
      if (!p.vfsPath.startsWith('/')) throw new KeelError('BAD_DIR', `${p.vfsPath}: expected an absolute path in Keel's namespace`);
      if (!(await isNamespaceDirectory(this.system.systemVfs, p.vfsPath))) throw new KeelError('BAD_DIR', `${p.vfsPath} is not a directory in Keel's namespace`);
    }
    return list;
  }

  /** Start a program; resolves once it is running (its streams are connected). */
  async spawn(program: Program, options: SpawnOptions = {}): Promise<KeelProcess> {
    return (await this.start(program, options, false)).process;
  }

  /**
   * @internal For the node:wasi drop-in (platform/node/wasi.ts): a process whose program is an
   * instance the host made and runs on its own thread. The ThreadStart is what that thread
   * attaches with; `done()` when it has finished.
   */
  async attach(options: SpawnOptions): Promise<{ start: ThreadStart; process: KeelProcess; done(status: ExitStatus): void }> {
    const { process, pid } = await this.start({ path: 'attached' }, options, true);
    const host = this.system.host;
    const start = host.takeAttached?.(pid);
    if (!start) throw new KeelError('SPAWN', 'this host cannot attach a thread it already has');
    return { start, process, done: (status) => host.attachedDone?.(pid, status) };
  }

  private async start(program: Program, options: SpawnOptions, attached: boolean): Promise<{ process: KeelProcess; pid: number }> {
    if (this.system.isShutDown) throw new KeelError('SHUT_DOWN', 'this Keel system has been shut down');
    const limits = options.limits ?? {};
    positive('memoryBytes', limits.memoryBytes, 65536);
    positive('timeMs', limits.timeMs, 1);
    positive('openFiles', limits.openFiles, 3);
    const { name, module, path, initialMemory } = this.load(program, limits.memoryBytes);
    const env = Object.entries(options.env ?? {}).map(([k, v]) => {
      if (k === '' || k.includes('=')) throw new KeelError('BAD_OPTION', `env: ${k} is not a variable name`);
      return `${k}=${v}`;
    });
    if (options.cwd !== undefined && !env.some((e) => e.startsWith('PWD='))) env.push(`PWD=${options.cwd}`);
    const preopens = await this.preopens(options);
    if (limits.openFiles !== undefined && Math.floor(limits.openFiles) < 3 + preopens.length) {
      throw new KeelError('LIMIT', `limits.openFiles ${Math.floor(limits.openFiles)} leaves no room for the 3 standard streams and ${preopens.length} preopened director${preopens.length === 1 ? 'y' : 'ies'}`);
    }
    const processLimits: ProcessLimits = {
      ...(limits.memoryBytes !== undefined ? { memoryBytes: Math.floor(limits.memoryBytes) } : {}),
      ...(limits.openFiles !== undefined ? { openFiles: Math.floor(limits.openFiles) } : {}),
    };
    const stdio = await ProgramStdio.open(this.system.systemVfs, this.host, options.stdin ?? 'ignore', options.stdout ?? 'pipe', options.stderr ?? 'pipe').catch((e: unknown) => {
      throw this.system.isShutDown ? new KeelError('SHUT_DOWN', 'this Keel system was shut down while the program was starting') : e;
    });
    let started: ReturnType<System['spawnWasm']>;
    try {
      started = this.system.spawnWasm({
        program: name, ...(module ? { module } : { path: path! }), args: options.args ?? [name], env, preopens,
        stdio: stdio.fds, limits: processLimits, ...(attached ? { attached } : {}), ...(initialMemory !== undefined ? { initialMemoryBytes: initialMemory } : {}),
      });
    } catch (e) {
      await stdio.abandon();
      throw e;
    }
    stdio.start();
    return { process: new KeelProcess(this.system, started.handle, started.pid, stdio, limits.timeMs), pid: started.pid };
  }

  /** Run a program to its end: its exit status and what it wrote to piped streams. */
  async run(program: Program, options: SpawnOptions = {}): Promise<ProgramResult> {
    return (await this.spawn(program, options)).result();
  }

  /** Create or replace a file in Keel's namespace (parent directories are made). */
  writeFile(path: string, data: string | Uint8Array): Promise<void> {
    return writeNamespaceFile(this.system.systemVfs, path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  /** The content of a file in Keel's namespace. */
  readFile(path: string): Promise<Uint8Array> {
    return readNamespaceFile(this.system.systemVfs, path);
  }

  /** Make a directory in Keel's namespace, and its missing parents. */
  mkdir(path: string): Promise<void> {
    return makeDirectories(this.system.systemVfs, path);
  }

  /** Every service worker with its supervisor state (running, restarting, down) and restart count. */
  services(): ServiceStatus[] {
    return this.system.services();
  }

  /**
   * Fault injection: end the worker that runs `service` at once, as SIGKILL would; the supervisor
   * restarts it by the manifest's policy. The pid ended, or null if no worker runs it now (a
   * service in the kernel thread cannot be killed).
   */
  killService(service: string): number | null {
    return this.system.killService(service);
  }

  /** Every live process with its IPC counters and restarts: the rows `ps` and `top` show. */
  processes(): ProcessRow[] {
    return this.system.kernel.processTable();
  }

  /** Write every file system's changes to its storage (sync(2)); resolves when they are durable. */
  sync(): Promise<void> {
    return this.system.sync();
  }

  /** The kernel's message log (the newest 512 lines): what `dmesg` prints. */
  kernelMessages(): string[] {
    return this.system.kernel.readMessages(0).lines;
  }

  /** Threads (workers) alive now, for monitoring and leak checks; 0 after shutdown. */
  liveThreads(): number {
    return this.system.host.liveThreads();
  }

  /** Stop every process and service; resolves when no thread is left running (again: the same). */
  shutdown(): Promise<void> {
    return this.system.shutdown();
  }

  /**
   * @internal For a host process that exits right after (the `keel` command): shutdown's sync,
   * ended processes and unlocked disks, without waiting for the workers' teardown, which the
   * exit does. Its workers are still ending when it resolves: never for a process that goes on.
   */
  shutdownBeforeExit(): Promise<void> {
    return this.system.shutdownBeforeExit();
  }
}

export { KeelError, KeelProcess };
export type { ExitStatus, Manifest, ProcessRow, ProgramResult, ResourceLimit, ServiceStatus, StdinOption, OutputOption };

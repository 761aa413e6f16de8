/**
 * Keel as a library: boot a system, run programs in it, shut it down.
 *
 *   const keel = await Keel.boot(host, { dirs: { '/data': '/srv/data' } });
 *   const { exitCode } = await keel.run(wasmBytes, { args: ['prog', 'x'], env: { K: 'V' }, dirs: ['/data'] });
 *   await keel.shutdown();
 *
 * Portable: the platform entry (platform/node/index.ts) supplies the host. Errors are KeelError
 * with a code; a failed boot or run never leaves a worker running.
 */

import { exitCodeOf, type ExitStatus } from '../kernel/process.js';
import { KeelError, System, type SystemHost } from '../system/system.js';
import type { Manifest } from '../system/manifest-schema.js';
import { ManifestError, parseManifestBytes, validateManifest } from '../system/manifest.js';
import { systemFromManifest } from '../system/manifest-system.js';
import type { ThreadPlatform } from '../system/thread-platform.js';

export interface KeelHost {
  makeSystemHost(): SystemHost;
  readonly platform: ThreadPlatform;
  /** Resolve a host directory to an absolute path (throws if it is not one). */
  directory(path: string): string;
  readFile(path: string): Uint8Array;
  /** The manifest file to boot when BootOptions.manifest is absent. */
  readonly defaultManifest: string;
}

export interface BootOptions {
  /** Host directories to serve, by the guest path programs will see them at. */
  readonly dirs?: Readonly<Record<string, string>>;
  /**
   * The system manifest: a file path (YAML or JSON) or a manifest object (validated the same way).
   * Default: the manifest shipped with Keel (VFS and file systems coalesced in one worker).
   */
  readonly manifest?: string | Manifest;
}

export interface RunOptions {
  /** argv, including argv[0] (default: ['program']). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Guest paths (keys of BootOptions.dirs) to preopen for this program (default: all). */
  readonly dirs?: readonly string[];
}

export interface RunResult {
  /** What a shell would show: the exit code, 128 + signal when killed, 134 after a trap. */
  readonly exitCode: number;
  readonly status: ExitStatus;
}

export class Keel {
  private constructor(private readonly host: KeelHost, private readonly system: System, private readonly mounts: ReadonlyMap<string, string>) {}

  static async boot(host: KeelHost, options: BootOptions = {}): Promise<Keel> {
    const mounts = new Map<string, string>();
    const hostDirs = Object.entries(options.dirs ?? {}).map(([guest, hostPath], i) => {
      let abs: string;
      try {
        abs = host.directory(hostPath);
      } catch (e) {
        throw new KeelError('BAD_DIR', `${hostPath}: ${e instanceof Error ? e.message : String(e)}`);
      }
      mounts.set(guest, `/mnt/${i}`);
      return { hostPath: abs, vfsPath: `/mnt/${i}` };
    });
    const manifest = Keel.manifest(host, options.manifest);
    const system = await System.boot(host.makeSystemHost(), host.platform, systemFromManifest(manifest, { hostDirs }));
    return new Keel(host, system, mounts);
  }

  private static manifest(host: KeelHost, given: string | Manifest | undefined): Manifest {
    try {
      if (given !== undefined && typeof given !== 'string') return validateManifest(given, 'options.manifest');
      const path = given ?? host.defaultManifest;
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

  /** Run a program to its end: wasm bytes, a compiled module, or a host path to a .wasm file. */
  async run(program: Uint8Array | WebAssembly.Module | string, options: RunOptions = {}): Promise<RunResult> {
    let module: WebAssembly.Module;
    let name = 'program';
    if (program instanceof WebAssembly.Module) module = program;
    else {
      let bytes: Uint8Array;
      if (typeof program === 'string') {
        name = program;
        try {
          bytes = this.host.readFile(program);
        } catch (e) {
          throw new KeelError('NOT_FOUND', `cannot read ${program}: ${e instanceof Error ? e.message : String(e)}`);
        }
      } else bytes = program;
      try {
        module = new WebAssembly.Module(bytes);
      } catch (e) {
        throw new KeelError('BAD_MODULE', `${name} is not a valid WebAssembly module: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const guests = options.dirs ?? [...this.mounts.keys()];
    const preopens = guests.map((g) => {
      const vfsPath = this.mounts.get(g);
      if (!vfsPath) throw new KeelError('BAD_DIR', `${g} was not given at boot`);
      return { guestPath: g, vfsPath };
    });
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    const { handle } = this.system.spawnWasm({ program: name, module, args: options.args ?? [name], env, preopens });
    const status = await this.system.wait(handle);
    return { exitCode: exitCodeOf(status), status };
  }

  /** Threads (workers) alive now, for monitoring and leak checks; 0 after shutdown. */
  liveThreads(): number {
    return this.system.host.liveThreads();
  }

  /** Stop every thread; resolves when nothing is left running. */
  shutdown(): Promise<void> {
    return this.system.shutdown();
  }
}

export { KeelError };
export type { ExitStatus, Manifest };

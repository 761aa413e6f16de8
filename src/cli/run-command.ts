/**
 * `keel run`: run one unmodified WASI program in a fresh Keel system, wasmtime-style.
 *
 *   keel run [--manifest FILE] [--dir HOST_DIR[::GUEST_DIR]]... [--env NAME=VALUE]...
 *            [--tcplisten HOST:PORT]... PROGRAM.wasm [ARGS...]
 *
 * The program's stdio is the host's (through the console service); each --dir is served by its
 * own hostfs, mounted at /mnt/N in the VFS and preopened for the program as GUEST_DIR (default:
 * HOST_DIR as written). Keel exits with the program's exit code; a trap or a program that cannot
 * start prints one line on stderr and exits non-zero.
 */

import { type ExitStatus, exitCodeOf } from '../kernel/process.js';
import type { SystemHost } from '../system/system.js';
import type { HostDirMount } from '../system/system-config.js';
import { bootFromManifest } from './manifest-file.js';
import type { ThreadPlatform } from '../system/thread-platform.js';

export interface CliHost {
  readFile(path: string): Uint8Array | { error: string };
  /** Resolve a host directory to an absolute path, or an error message. */
  directory(path: string): string | { error: string };
  stderr(line: string): void;
  stdout(line: string): void;
  makeSystemHost(): SystemHost;
  /** The manifest to boot with when --manifest is not given (KEEL_MANIFEST, else Keel's default). */
  readonly manifestPath: string;
  readonly platform: ThreadPlatform;
  /** The host's terminal type (TERM), passed on to the shell. */
  readonly term?: string;
}

export interface RunOptions {
  readonly dirs: readonly string[];
  /** HOST:PORT addresses to listen on; the program gets them as socket fds after its directories. */
  readonly listen?: readonly string[];
  /** The system manifest file (default: the host's). */
  readonly manifest?: string;
  readonly env: readonly string[];
  readonly program: string;
  readonly args: readonly string[];
}

/** Split `HOST::GUEST` (wasmtime's syntax); GUEST defaults to HOST as written. */
export function parseDir(spec: string): { host: string; guest: string } {
  const i = spec.indexOf('::');
  return i < 0 ? { host: spec, guest: spec } : { host: spec.slice(0, i), guest: spec.slice(i + 2) };
}

export function describeStatus(program: string, status: ExitStatus): string | null {
  switch (status.kind) {
    case 'exited': return null;
    case 'trapped': return `keel: ${program}: trapped: ${status.message}`;
    case 'killed': return `keel: ${program}: killed by signal ${status.signal}`;
    case 'crashed': return `keel: ${program}: ${status.message}`;
  }
}

export async function runCommand(host: CliHost, opts: RunOptions): Promise<number> {
  for (const e of opts.env) {
    if (!/^[^=]+=/.test(e)) {
      host.stderr(`keel: --env ${e}: expected NAME=VALUE`);
      return 2;
    }
  }
  const mounts: HostDirMount[] = [];
  const preopens: { guestPath: string; vfsPath: string }[] = [];
  for (const [i, spec] of opts.dirs.entries()) {
    const { host: hostDir, guest } = parseDir(spec);
    const abs = host.directory(hostDir);
    if (typeof abs !== 'string') {
      host.stderr(`keel: --dir ${spec}: ${abs.error}`);
      return 2;
    }
    mounts.push({ hostPath: abs, vfsPath: `/mnt/${i}` });
    preopens.push({ guestPath: guest, vfsPath: `/mnt/${i}` });
  }
  const listen: { host: string; port: number }[] = [];
  for (const spec of opts.listen ?? []) {
    const i = spec.lastIndexOf(':');
    const port = Number(spec.slice(i + 1));
    if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
      host.stderr(`keel: --tcplisten ${spec}: expected HOST:PORT`);
      return 2;
    }
    listen.push({ host: spec.slice(0, i) || '127.0.0.1', port });
  }
  const bytes = host.readFile(opts.program);
  if (!(bytes instanceof Uint8Array)) {
    host.stderr(`keel: cannot read ${opts.program}: ${bytes.error}`);
    return 1;
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    host.stderr(`keel: ${opts.program} is not a valid WebAssembly module: ${e instanceof Error ? e.message.replace(/^WebAssembly\.Module\(\): /, '') : String(e)}`);
    return 1;
  }
  const system = await bootFromManifest(host, opts.manifest, { hostDirs: mounts, listen });
  if (typeof system === 'number') return system;
  try {
    const { handle } = system.spawnWasm({ program: opts.program, module, args: [opts.program, ...opts.args], env: opts.env, preopens });
    const status = await system.wait(handle);
    const line = describeStatus(opts.program, status);
    if (line) host.stderr(line);
    return exitCodeOf(status);
  } finally {
    await system.shutdown();
  }
}

/**
 * What the `keel` command needs from its host: the library's KeelHost (every command that runs
 * programs goes through the public API, src/api/keel.ts), the host's output streams, and the
 * defaults it takes from the environment.
 */

import { type BootOptions, Keel, type KeelHost, type Program, type SpawnOptions } from '../api/keel.js';
import { KeelError } from '../api/keel.js';
import type { ExitStatus } from '../abi/exit-status.js';

export interface CliHost {
  readonly keel: KeelHost;
  stderr(line: string): void;
  stdout(line: string): void;
  /** The manifest to boot with when --manifest is not given (KEEL_MANIFEST, else Keel's default). */
  readonly manifestPath: string;
  /** The manifest `keel run` boots when --manifest is not given (KEEL_MANIFEST, else manifests/run.yaml: one program). */
  readonly runManifestPath?: string;
  /**
   * The disk image `keel boot` keeps /home on when --home is not given ($KEEL_HOME_IMAGE, else
   * ~/.keel/home.img, its directory made if needed), or null for a home in memory.
   */
  homeImage?(): string | null;
  /**
   * The disk image `keel boot` keeps /usr on — installed packages (pkg) — when --usr is not
   * given ($KEEL_USR_IMAGE, else ~/.keel/usr.img), or null for a /usr in memory.
   */
  usrImage?(): string | null;
  /** The package registry pkg reads when --registry is not given: npm's, as npm is configured here. */
  registry?(): string;
  /** The host's terminal type (TERM), passed on to the shell. */
  readonly term?: string;
  /**
   * Fault injection, when the host offers it (KEEL_FAULT_SIGNAL=1 on Node): call `inject` on
   * each request (SIGUSR2); returns how to stop listening.
   */
  onFaultSignal?(inject: () => void): () => void;
  /**
   * The host process exits as soon as the command returns (the `keel` command): the system's
   * shutdown need not wait for its workers' teardown (Keel.shutdownBeforeExit).
   */
  readonly exitsAfter?: boolean;
  /** Mark a start-up phase (booted, spawned, ended), where the host traces them (KEEL_TRACE_START on Node). */
  mark?(phase: string): void;
}

/** Split `HOST::GUEST` (wasmtime's syntax); GUEST defaults to HOST as written. */
export function parseDir(spec: string): { host: string; guest: string } {
  const i = spec.indexOf('::');
  return i < 0 ? { host: spec, guest: spec } : { host: spec.slice(0, i), guest: spec.slice(i + 2) };
}

/**
 * A size as `--memory` takes it: bytes, or a number with K, M, G or T (powers of 1024, an
 * optional `i`/`B`: 512M, 1.5GiB, 2g). Null if it is not one.
 */
export function parseSize(text: string): number | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const scale = 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  const bytes = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** The line a command prints when a program did not simply exit, or null. */
export function describeStatus(program: string, status: ExitStatus): string | null {
  switch (status.kind) {
    case 'exited': return null;
    case 'trapped': return `keel: ${program}: trapped: ${status.message}`;
    case 'killed': return `keel: ${program}: killed by signal ${status.signal}${status.limit === 'memory' ? ' (out of memory: the programs were over the memory budget)' : status.limit ? ` (${status.limit} limit)` : ''}`;
    case 'crashed': return `keel: ${program}: ${status.message}`;
  }
}

/** Usage errors (a bad manifest, directory or option) exit 2; the rest 1. */
const USAGE = new Set(['BAD_MANIFEST', 'BAD_DIR', 'BAD_OPTION', 'BAD_PATH']);

/** Print a KeelError as one line and give the exit code; anything else is rethrown. */
export function reportError(host: CliHost, e: unknown): number {
  if (!(e instanceof KeelError)) throw e;
  host.stderr(`keel: ${e.code === 'BOOT' ? 'cannot boot: ' : ''}${e.message}`);
  return USAGE.has(e.code) ? 2 : 1;
}

/**
 * What both commands do: boot, run one program on the host's stdio to its end, print how it
 * ended if it did not simply exit, shut down; the exit code to leave with.
 */
export async function bootAndRun(host: CliHost, boot: BootOptions, program: Program, name: string, options: SpawnOptions): Promise<number> {
  let keel: Keel;
  try {
    keel = await Keel.boot(host.keel, boot);
    host.mark?.('booted');
  } catch (e) {
    return reportError(host, e);
  }
  // A fault request kills the worker that runs the VFS; the supervisor restarts it and the
  // programs' local kernels re-establish their sessions (docs/restart.md).
  const stopFaults = host.onFaultSignal?.(() => {
    const vfs = keel.services().find((s) => s.services.includes('vfs'));
    if (vfs) keel.killService(vfs.name);
  });
  try {
    const p = await keel.spawn(program, { ...options, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' });
    host.mark?.('spawned');
    const { status, exitCode } = await p.result();
    host.mark?.('ended');
    const line = describeStatus(name, status);
    if (line) host.stderr(line);
    return exitCode;
  } catch (e) {
    return reportError(host, e);
  } finally {
    stopFaults?.();
    await (host.exitsAfter ? keel.shutdownBeforeExit() : keel.shutdown());
  }
}

/**
 * What the `keel` command needs from its host: the library's KeelHost (every command that runs
 * programs goes through the public API, src/api/keel.ts), the host's output streams, and the
 * defaults it takes from the environment.
 */

import type { KeelHost } from '../api/keel.js';
import { KeelError } from '../system/system.js';
import type { ExitStatus } from '../kernel/process.js';

export interface CliHost {
  readonly keel: KeelHost;
  stderr(line: string): void;
  stdout(line: string): void;
  /** The manifest to boot with when --manifest is not given (KEEL_MANIFEST, else Keel's default). */
  readonly manifestPath: string;
  /** The host's terminal type (TERM), passed on to the shell. */
  readonly term?: string;
}

/** Split `HOST::GUEST` (wasmtime's syntax); GUEST defaults to HOST as written. */
export function parseDir(spec: string): { host: string; guest: string } {
  const i = spec.indexOf('::');
  return i < 0 ? { host: spec, guest: spec } : { host: spec.slice(0, i), guest: spec.slice(i + 2) };
}

/** The line a command prints when a program did not simply exit, or null. */
export function describeStatus(program: string, status: ExitStatus): string | null {
  switch (status.kind) {
    case 'exited': return null;
    case 'trapped': return `keel: ${program}: trapped: ${status.message}`;
    case 'killed': return `keel: ${program}: killed by signal ${status.signal}${status.limit ? ` (${status.limit} limit)` : ''}`;
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

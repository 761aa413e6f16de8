/**
 * The package's entry point on Node.js: `import { bootKeel } from 'keel'`.
 * `bootKeel(options)` boots a system on this host (workers, host files, stdio, TCP); the rest of
 * the API (Keel, KeelProcess, the option and result types) is portable and lives in src/api.
 */

import { closeSync, createReadStream, createWriteStream, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, resolve } from 'node:path';
import { Keel, type BootOptions, KeelError, KeelProcess, type KeelHost, type Limits, type Program, type SpawnOptions } from '../../api/keel.js';
import type { ExitStatus, Manifest, OutputOption, ProgramResult, ResourceLimit, StdinOption } from '../../api/keel.js';
import { NodeHost } from './node-host.js';
import { PACKAGE_ROOT } from './package-root.js';
import { nodeThreadPlatform } from './node-thread-platform.js';

/** A host error as a short message (no errno prefix or syscall). */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return e instanceof Error ? e.message : String(e);
}

/** Run `fn`, turning a host error into an Error with a short message. */
function plain<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(reason(e));
  }
}

/**
 * The memory budget Keel gives programs by default: half of what this host has — its physical
 * memory, or the limit the OS puts on this process (a container's cgroup), whichever is less —
 * leaving the other half to the kernel, the services, Node itself and everything else.
 */
export function hostMemoryBudget(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const physical = totalmem();
  const usable = constrained > 0 && constrained < physical ? constrained : physical;
  return Math.floor(usable / 2);
}

/** Keel's shipped manifests directory. */
export const MANIFESTS_DIR = fileURLToPath(new URL('manifests/', PACKAGE_ROOT));
/** Where the build keeps them validated (scripts/compile-manifests.mjs). */
const COMPILED_DIR = fileURLToPath(new URL('dist/manifests/', PACKAGE_ROOT));

/**
 * The shipped manifest at `path` as the build validated it, if the YAML is still the text that
 * was validated; else null, and the caller validates it itself.
 */
function compiledManifest(path: string): Manifest | null {
  try {
    const real = realpathSync(path);
    if (dirname(real) !== realpathSync(MANIFESTS_DIR) || !real.endsWith('.yaml')) return null;
    const compiled = JSON.parse(readFileSync(join(COMPILED_DIR, `${basename(real, '.yaml')}.json`), 'utf8')) as { yaml: string; manifest: Manifest };
    return readFileSync(real, 'utf8') === compiled.yaml ? compiled.manifest : null;
  } catch {
    return null;
  }
}

export const nodeKeelHost: KeelHost = {
  makeSystemHost: (threads) => new NodeHost(0, { ...(threads?.warm !== undefined ? { size: threads.warm } : {}), ...(threads?.atBoot !== undefined ? { atBoot: threads.atBoot } : {}) }),
  platform: nodeThreadPlatform(null, true),
  absolutePath(path: string): string {
    return resolve(path);
  },
  directory(path: string): string {
    const abs = plain(() => realpathSync(path));
    if (!statSync(abs).isDirectory()) throw new Error('not a directory');
    return abs;
  },
  /** KEEL_MANIFEST if set (as for the keel command), else the manifest Keel ships as its default. */
  defaultManifest: process.env['KEEL_MANIFEST'] || `${MANIFESTS_DIR}default.yaml`,
  defaultMemoryBudget: hostMemoryBudget,
  compiledManifest,
  readFile(path: string): Uint8Array {
    const b = plain(() => readFileSync(path));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  openInput(path: string): AsyncIterable<Uint8Array> {
    return createReadStream('', { fd: plain(() => openSync(path, 'r')) });
  },
  openOutput(path: string) {
    const fd = plain(() => openSync(path, 'w'));
    let stream: ReturnType<typeof createWriteStream>;
    try {
      stream = createWriteStream('', { fd });
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return {
      write: (chunk: Uint8Array) => new Promise<void>((resolve, reject) => stream.write(chunk, (e) => (e ? reject(e) : resolve()))),
      close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
    };
  },
};

/** Boot a Keel system on this Node.js process. */
export function bootKeel(options: BootOptions = {}): Promise<Keel> {
  return Keel.boot(nodeKeelHost, options);
}

export { Keel, KeelError, KeelProcess };
export type { BootOptions, SpawnOptions, Limits, Program, ProgramResult, ExitStatus, ResourceLimit, Manifest, StdinOption, OutputOption };

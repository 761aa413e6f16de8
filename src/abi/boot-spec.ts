/**
 * What a new thread is told when it starts: which program or services it runs.
 *
 * The kernel treats this as opaque data; the platform passes it to the thread's entry point,
 * which dispatches on `kind`. It must survive structured cloning (and, for `spawn` over IPC,
 * JSON), so it holds plain data only — except `module`, a compiled WebAssembly.Module that the
 * host API may pass to skip compilation.
 */

import type { ProcessLimits } from './exit-status.js';

export type { ProcessLimits };

export interface PreopenSpec {
  /** The guest path the program sees (e.g. `/sandbox`). */
  readonly guestPath: string;
  /** The VFS path it refers to. */
  readonly vfsPath: string;
}

/** Where a file was opened: a directory's VFS path, the path under it, the lookup flags and the open flags (without create, exclusive or truncate). */
export interface FileOriginSpec {
  readonly root: string;
  readonly path: string;
  readonly lookup: number;
  readonly oflags: number;
  /**
   * For a program: the arena change word of the file system it is on, where it has one (the
   * parent's open said so): the child may then take a module compiled from the same file while
   * that word has not moved (ipc/module-shelf.ts).
   */
  readonly word?: number;
}

/** A module compiled from a file, valid while arena word `word` holds `change` (ipc/module-shelf.ts). */
export interface ShelvedModule {
  readonly key: string;
  readonly word: number;
  readonly change: number;
  readonly module: WebAssembly.Module;
}

/** An fd a new process starts with, passed on by its parent (keel spawn). */
export interface InheritedFd {
  readonly fd: number;
  readonly kind: 'console' | 'file' | 'dir' | 'pipe';
  /** For a console fd, the stream (0, 1, 2); otherwise a VFS share token to redeem (unless `fid` is set). */
  readonly token: number;
  /**
   * Already in the child's VFS session as this fid: proc took the shared file in for the child
   * before answering the parent, so the child has it whatever the parent does next.
   */
  readonly fid?: number;
  readonly filetype: number;
  readonly offset: number;
  readonly flags: number;
  readonly rightsBase: number;
  readonly rightsInheriting: number;
  readonly preopen: string | null;
  /** Where the file can be opened again if the child's VFS session is lost (runtime/fd-table.ts FileOrigin). */
  readonly origin?: FileOriginSpec;
  /** Set when this fd names the same open file as the earlier child fd `sameAs` (2>&1): shared offset. */
  readonly sameAs?: number;
}

export interface WasmBoot {
  readonly kind: 'wasm';
  /** Name shown in errors and `ps` (usually the program path as typed). */
  readonly program: string;
  readonly module?: WebAssembly.Module;
  /** VFS path to load the program from when `module` is absent. */
  readonly path?: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly preopens: readonly PreopenSpec[];
  /** Indices into the thread's initial handles. */
  readonly vfs: number;
  readonly console: number;
  /** Index of a proc session, if the program may start processes. */
  readonly proc?: number;
  /**
   * Sessions proc granted this process because its program file is exactly `#!keel PROGRAM`
   * (proc's `grants`): service name → index into the thread's initial handles. The thread hands
   * them to the program only if it is that program (a file changed in between gets nothing).
   */
  readonly grants?: { readonly program: string; readonly services: Readonly<Record<string, number>> };
  /** Index of a net session, and how many of the system's listening sockets to preopen. */
  readonly net?: number;
  readonly sockets?: number;
  /** The fds to start with, instead of the console on 0–2 and `preopens` from 3. */
  readonly inherit?: readonly InheritedFd[];
  /** A VFS share token for the program file, instead of `path` (spawn by open file). */
  readonly programToken?: number;
  /** The program file, already open in the process's VFS session (proc redeemed the parent's token). */
  readonly programFid?: number;
  /** The VFS incarnation in which proc took the process's shared files in (its `fid`s and `programFid`), if known. */
  readonly vfsIncarnation?: number;
  /** Where the parent opened the program file: opened there again if a restart of the VFS cut the load from `programFid`. */
  readonly programOrigin?: FileOriginSpec;
  /** Replacements for the console on fds 0–2 (pipe or file ends to redeem), used without `inherit`. */
  readonly stdio?: readonly InheritedFd[];
  /**
   * Run by a thread the host already has (the node:wasi drop-in's caller, running an instance it
   * made itself), not a new worker: the host hands the ThreadStart over instead of starting one.
   */
  readonly attached?: boolean;
  /** Send each close at once instead of carrying it on the next open (for measuring what the deferral buys). */
  readonly closeAtOnce?: boolean;
  /** Send every file read and write to the VFS instead of straight to the file system (for measuring what direct files buy). */
  readonly noDirectFiles?: boolean;
  /** Read and write host files through hostfs, not on descriptors of the process's own (for measuring what direct host files buy). */
  readonly noDirectHostFiles?: boolean;
  /** Open no file in a host directory here: every open is the VFS's (for measuring what local opens buy). */
  readonly noLocalOpens?: boolean;
}

export interface ServiceEntry {
  /** The instance's name (the manifest's). */
  readonly name: string;
  /** Its kind (services/declarations.ts): which factory builds it. */
  readonly kind: string;
  readonly port: number;
  /** Index in the thread's initial handles of the server end to serve. */
  readonly serverEnd: number;
  /**
   * The kind's instance configuration (services/KIND/declaration.ts), as plain data: typed where
   * it is made (system/wiring.ts) and where it is used (the kind's factory); it crosses the
   * thread boundary as JSON, as everything in a boot spec does.
   */
  readonly config: Readonly<Record<string, unknown>>;
  /** Indices of client handles this service may use, by name (e.g. { tmpfs: 2 }). */
  readonly uses: Readonly<Record<string, number>>;
  /** The badge each other service's handle to this one carries, by service name (who is calling). */
  readonly callers: Readonly<Record<string, number>>;
}

export interface ServicesBoot {
  readonly kind: 'services';
  readonly group: string;
  readonly services: readonly ServiceEntry[];
  /** How many workers ran this group before this one (0 at boot): see ServiceContext.incarnation. */
  readonly incarnation?: number;
}

/** A TypeScript/JavaScript program: the module's `main(runtime)` runs in the new thread. */
export interface ScriptBoot {
  readonly kind: 'script';
  /** URL of the compiled module (file: URL in Node). */
  readonly url: string;
  readonly args: readonly string[];
  /** Free-form data for the program (tests use it to pass parameters). */
  readonly data?: unknown;
}

export type BootSpec = WasmBoot | ServicesBoot | ScriptBoot;

/** What every thread receives from the host at start. */
export interface ThreadStart {
  readonly arena: SharedArrayBuffer;
  readonly pid: number;
  readonly slot: number;
  readonly kernelQueue: number;
  readonly handles: readonly number[];
  readonly boot: BootSpec;
  /** The process's limits, as the kernel decided them (at most its lineage's). */
  readonly limits?: ProcessLimits;
  /** Modules other threads compiled from files that have not changed since (a program's thread only). */
  readonly modules?: readonly ShelvedModule[];
}

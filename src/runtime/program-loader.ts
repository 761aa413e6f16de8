/**
 * Loading a program into a new process: read the file through the process's own VFS session —
 * by path, or from an open file its parent shared (spawn by open file, so a program can start
 * only what it can open; proc has already taken it into the process's session) — and decide what
 * it is, like a kernel's binfmt handlers:
 *   - `\0asm…`: a WebAssembly module, compiled here (or found in this thread's cache of what it
 *     compiled before), and its linkage checked (link-check.ts:
 *     every import one Keel provides with the signature Keel declares, `_start` () -> ());
 *   - `#!keel NAME`: one of Keel's own TypeScript programs (the shell, the utilities); the thread
 *     checks NAME against src/programs/registry.ts before running anything, so a file can only
 *     ask for a program Keel ships, never load code from elsewhere.
 * Failures are messages for the exit status.
 */

import { errnoName } from '../abi/errno.js';
import type { LocalKernel } from './local-kernel.js';
import type { FileOriginSpec } from '../abi/boot-spec.js';
import { FID_READ, openFlags } from '../abi/protocols/vfs.js';
import { PROGRAM_MAGIC, startsWithProgramMagic } from '../abi/program-files.js';
import { limitMemory } from './wasm-memory-limit.js';
import { decodeText } from '../abi/text-codec.js';
import { checkLinkage } from './link-check.js';
import { ModuleCache } from './module-cache.js';

export type LoadedProgram = { readonly kind: 'wasm'; readonly module: WebAssembly.Module } | { readonly kind: 'script'; readonly name: string };

const MAX_SCRIPT_HEADER = 256;
/**
 * Modules this thread compiled, kept for the next process it runs: a pooled worker that ran a
 * program before runs it again without compiling (module-cache.ts; keyed by the bytes after the
 * memory cap, so a different cap is a different entry).
 */
const compiledModules = new ModuleCache<LoadedProgram>(128 * 1024 * 1024);

function compile(name: string, bytes: Uint8Array, memoryBytes?: number): LoadedProgram | string {
  if (startsWithProgramMagic(bytes)) {
    const header = decodeText(new TextDecoder(), bytes.subarray(PROGRAM_MAGIC.length, MAX_SCRIPT_HEADER)).split('\n')[0]!.trim();
    return { kind: 'script', name: header };
  }
  if (memoryBytes !== undefined) {
    // A module the rewrite cannot read is left to the compiler, which says what is wrong with it.
    const limited = limitMemory(bytes, memoryBytes);
    if (typeof limited === 'string' && /^its memory starts/.test(limited)) return `${name}: ${limited}`;
    if (typeof limited !== 'string') bytes = limited;
  }
  const cached = compiledModules.get(bytes);
  if (cached !== undefined) return cached;
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    return `${name} is not a valid WebAssembly module: ${e instanceof Error ? e.message.replace(/^WebAssembly\.Module\(\): /, '') : String(e)}`;
  }
  const refused = checkLinkage(bytes);
  if (refused !== null) return refused;
  const loaded: LoadedProgram = { kind: 'wasm', module };
  compiledModules.put(bytes, loaded);
  return loaded;
}

/** All of open file `fid` (then closed), or why not. */
function readWhole(lk: LocalKernel, name: string, fid: number): Uint8Array | string {
  try {
    const st = lk.vfs.call('stat', { fid });
    if (st.transport !== 0 || st.status !== 0) return `cannot load ${name}: ${errnoName(st.status)}`;
    if (st.reply!.type !== 4) return `cannot load ${name}: not a regular file`;
    const bytes = new Uint8Array(st.reply!.size);
    const [err, n] = lk.fileRead(fid, 0, [bytes]);
    if (err !== 0 || n !== bytes.length) return `cannot load ${name}: ${err ? errnoName(err) : 'short read'}`;
    return bytes;
  } finally {
    lk.forgetFile(fid);
    lk.vfs.call('close', { fid });
  }
}

/** Read all of open file `fid` (then close it) and compile it. */
function loadFid(lk: LocalKernel, name: string, fid: number, memoryBytes?: number): LoadedProgram | string {
  const bytes = readWhole(lk, name, fid);
  return typeof bytes === 'string' ? bytes : compile(name, bytes, memoryBytes);
}

/** Open `origin` in the process's session: its fid, or why not (a message naming `name`). */
function openOrigin(lk: LocalKernel, name: string, origin: FileOriginSpec): number | string {
  const root = lk.vfs.call('openRoot', { path: origin.root });
  if (root.transport !== 0 || root.status !== 0) return `cannot load ${name}: the file service is unreachable`;
  try {
    const f = lk.open(root.reply!.fid, origin.lookup, origin.oflags, origin.path);
    if (typeof f === 'number') return `cannot load ${name}: ${errnoName(f)}`;
    lk.opened(f);
    return f.fid;
  } finally {
    lk.vfs.call('close', { fid: root.reply!.fid });
  }
}

/** Open `origin` and read all of it, twice if the first try fails (a restart of the VFS may cut the first). */
function readOrigin(lk: LocalKernel, name: string, origin: FileOriginSpec): Uint8Array | string {
  let bytes: Uint8Array | string = '';
  for (let attempt = 0; attempt < 2 && typeof bytes === 'string'; attempt++) {
    const fid = openOrigin(lk, name, origin);
    const got = typeof fid === 'string' ? fid : readWhole(lk, name, fid);
    if (attempt === 0 || typeof got !== 'string') bytes = got;
  }
  return bytes;
}

/** The program at VFS path `path` (a wasm module's memory capped at `memoryBytes`, if given). */
export function loadByPath(lk: LocalKernel, path: string, memoryBytes?: number): LoadedProgram | string {
  const bytes = readOrigin(lk, path, { root: '/', path: path.replace(/^\/+/, ''), lookup: 1, oflags: openFlags(0, FID_READ) });
  return typeof bytes === 'string' ? bytes : compile(path, bytes, memoryBytes);
}

/** The program a parent shared with VFS token `token` (a wasm module's memory capped at `memoryBytes`, if given). */
export function loadByToken(lk: LocalKernel, name: string, token: number, memoryBytes?: number): LoadedProgram | string {
  const f = lk.vfs.call('redeem', { token });
  if (f.transport !== 0 || f.status !== 0) return `cannot load ${name}: ${errnoName(f.status)}`;
  return loadFid(lk, name, f.reply!.fid, memoryBytes);
}

/**
 * The program open as `fid` in the process's session (proc redeemed the parent's token for it).
 * A restart of the VFS takes the fid with it (nothing re-opens a file the process never opened
 * itself); then, given where the parent opened it (`origin`, which the parent's local kernel
 * worked out), the file is opened there again in this session — with this session's rights, so
 * nothing is reached that the process could not open itself — and read once more.
 */
export function loadByFid(lk: LocalKernel, name: string, fid: number, memoryBytes?: number, origin?: FileOriginSpec): LoadedProgram | string {
  let bytes = readWhole(lk, name, fid);
  if (typeof bytes === 'string' && origin) {
    const again = readOrigin(lk, name, origin);
    if (typeof again !== 'string') bytes = again;
  }
  return typeof bytes === 'string' ? bytes : compile(name, bytes, memoryBytes);
}

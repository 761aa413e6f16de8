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
 * A module compiled from a file on a file system with a change word (tmpfs, diskfs) is kept on
 * the thread's shelf (ipc/module-shelf.ts) and sent to the host, which hands it to every program
 * thread it starts: loading the same unchanged file again, in any thread, reads and compiles
 * nothing. Failures are messages for the exit status.
 */

import { errnoName } from '../abi/errno.js';
import type { LocalKernel } from './local-kernel.js';
import { FID_READ, openFlags } from '../abi/protocols/vfs.js';
import { PROGRAM_MAGIC, startsWithProgramMagic } from '../abi/program-files.js';
import { limitMemory } from './wasm-memory-limit.js';
import { decodeText } from '../abi/text-codec.js';
import { checkLinkage } from './link-check.js';
import { ModuleCache } from './module-cache.js';
import type { FileOriginSpec, ShelvedModule } from '../abi/boot-spec.js';
import type { Arena } from '../ipc/arena.js';
import { tokenHeld } from '../ipc/address-token.js';
import { ModuleShelf, isChangeWord, shelfKey } from '../ipc/module-shelf.js';

export type LoadedProgram = { readonly kind: 'wasm'; readonly module: WebAssembly.Module } | { readonly kind: 'script'; readonly name: string };

const MAX_SCRIPT_HEADER = 256;
/**
 * Modules this thread compiled, kept for the next process it runs: a pooled worker that ran a
 * program before runs it again without compiling (module-cache.ts; keyed by the bytes after the
 * memory cap, so a different cap is a different entry).
 */
const compiledModules = new ModuleCache<LoadedProgram>(128 * 1024 * 1024);

/** Modules compiled from unchanged files, this thread's and those the host passed on (useShelf). */
let shelf: ModuleShelf | null = null;
/** Where a module this thread compiled and shelved goes (the host), if anywhere. */
let shareModule: ((m: ShelvedModule) => void) | null = null;

/**
 * The modules the host passed with the process (ThreadStart.modules), for the shelf of this thread
 * in the system of `arena`, and where to send those this thread compiles.
 */
export function useShelf(arena: Arena, offered: readonly ShelvedModule[], share: ((m: ShelvedModule) => void) | null): void {
  const s = shelfOf(arena);
  for (const m of offered) s.put(m);
  shareModule = share;
}

/** This thread's shelf for the system of `arena` (a new one for another system: tests boot many). */
function shelfOf(arena: Arena): ModuleShelf {
  if (shelf === null || !shelf.of(arena)) shelf = new ModuleShelf(arena);
  return shelf;
}

function compile(name: string, bytes: Uint8Array, memoryBytes: number | undefined, keepBytes = true): LoadedProgram | string {
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
  if (keepBytes) compiledModules.put(bytes, loaded);
  return loaded;
}

/** A program's open file: its fid, and its file system's change word (-1: none). */
interface OpenProgram { readonly fid: number; readonly word: number }

/** Why a file could not be read (a restart of the VFS may have cut it): worth opening again where the parent did. */
class Unread {
  constructor(readonly message: string) {}
}

/**
 * The program open as `file` (then closed), compiled: taken from the shelf if a module was
 * compiled from this very file and it has not changed since, else read whole and compiled (and
 * shelved if nothing on its file system changed while it was read). Or why not.
 */
function loadOpen(lk: LocalKernel, name: string, file: OpenProgram, memoryBytes: number | undefined): LoadedProgram | string | Unread {
  const { fid } = file;
  try {
    const st = lk.vfs.call('stat', { fid });
    if (st.transport !== 0 || st.status !== 0) return new Unread(`cannot load ${name}: ${errnoName(st.status)}`);
    const { type, size, dev, ino } = st.reply!;
    if (type !== 4) return new Unread(`cannot load ${name}: not a regular file`);
    const arena = lk.caller.arena;
    const word = isChangeWord(arena, file.word) ? file.word : -1;
    const key = word >= 0 ? shelfKey(dev, ino, word, memoryBytes) : null;
    const kept = key === null ? undefined : shelfOf(arena).find(key);
    if (kept !== undefined) return { kind: 'wasm', module: kept };
    const change = key === null ? 0 : Atomics.load(arena.i32, word);
    const bytes = new Uint8Array(size);
    const [err, n] = lk.fileRead(fid, 0, [bytes]);
    if (err !== 0 || n !== bytes.length) return new Unread(`cannot load ${name}: ${err ? errnoName(err) : 'short read'}`);
    // Nothing on the file system changed while it was read: these are the file's bytes at `change`.
    // (A change while it compiles makes the entry stale at once: the shelf refuses it.)
    const unchanged = key !== null && tokenHeld(arena, { word, generation: change });
    // A shelved module needs no copy of its bytes kept to be found again.
    const program = compile(name, bytes, memoryBytes, !unchanged);
    if (unchanged && typeof program !== 'string' && program.kind === 'wasm') {
      const entry: ShelvedModule = { key: key!, word, change, module: program.module };
      if (shelfOf(arena).put(entry)) shareModule?.(entry);
    }
    return program;
  } finally {
    lk.forgetFile(fid);
    lk.vfs.call('close', { fid });
  }
}

/** Open `origin` in the process's session, or why not (a message naming `name`). */
function openOrigin(lk: LocalKernel, name: string, origin: FileOriginSpec): OpenProgram | Unread {
  const root = lk.vfs.call('openRoot', { path: origin.root });
  if (root.transport !== 0 || root.status !== 0) return new Unread(`cannot load ${name}: the file service is unreachable`);
  try {
    const f = lk.open(root.reply!.fid, origin.lookup, origin.oflags, origin.path);
    if (typeof f === 'number') return new Unread(`cannot load ${name}: ${errnoName(f)}`);
    lk.opened(f);
    return { fid: f.fid, word: f.changeWord };
  } finally {
    lk.vfs.call('close', { fid: root.reply!.fid });
  }
}

/** Open `origin` and load it, twice if the first try fails (a restart of the VFS may cut the first). */
function loadOrigin(lk: LocalKernel, name: string, origin: FileOriginSpec, memoryBytes: number | undefined): LoadedProgram | string | Unread {
  let program: LoadedProgram | string | Unread = new Unread('');
  for (let attempt = 0; attempt < 2 && program instanceof Unread; attempt++) {
    const file = openOrigin(lk, name, origin);
    const got = file instanceof Unread ? file : loadOpen(lk, name, file, memoryBytes);
    if (attempt === 0 || !(got instanceof Unread)) program = got;
  }
  return program;
}

function final(p: LoadedProgram | string | Unread): LoadedProgram | string {
  return p instanceof Unread ? p.message : p;
}

/** The program at VFS path `path` (a wasm module's memory capped at `memoryBytes`, if given). */
export function loadByPath(lk: LocalKernel, path: string, memoryBytes?: number): LoadedProgram | string {
  return final(loadOrigin(lk, path, { root: '/', path: path.replace(/^\/+/, ''), lookup: 1, oflags: openFlags(0, FID_READ) }, memoryBytes));
}

/** The program a parent shared with VFS token `token` (a wasm module's memory capped at `memoryBytes`, if given). */
export function loadByToken(lk: LocalKernel, name: string, token: number, memoryBytes?: number): LoadedProgram | string {
  const f = lk.vfs.call('redeem', { token });
  if (f.transport !== 0 || f.status !== 0) return `cannot load ${name}: ${errnoName(f.status)}`;
  return final(loadOpen(lk, name, { fid: f.reply!.fid, word: -1 }, memoryBytes));
}

/**
 * The program open as `fid` in the process's session (proc redeemed the parent's token for it).
 * A restart of the VFS takes the fid with it (nothing re-opens a file the process never opened
 * itself); then, given where the parent opened it (`origin`, which the parent's local kernel
 * worked out), the file is opened there again in this session — with this session's rights, so
 * nothing is reached that the process could not open itself — and read once more.
 */
export function loadByFid(lk: LocalKernel, name: string, fid: number, memoryBytes?: number, origin?: FileOriginSpec): LoadedProgram | string {
  const program = loadOpen(lk, name, { fid, word: origin?.word ?? -1 }, memoryBytes);
  if (!(program instanceof Unread) || !origin) return final(program);
  const again = loadOrigin(lk, name, origin, memoryBytes);
  return again instanceof Unread ? program.message : again;
}

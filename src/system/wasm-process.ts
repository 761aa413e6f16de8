/**
 * A WebAssembly process: the local kernel and WASI shim around one unmodified wasm program.
 *
 * Start-up: attach stdio to the console session, open each preopen through the VFS as fd 3, 4, …
 * (in order), instantiate the module against `wasi_snapshot_preview1`, run `_start`. The end is
 * always reported to the kernel as an exit status: the program's exit code, a trap (with the
 * engine's message), or a crash (a module that cannot be linked or started).
 */

import { LocalKernel } from '../abi/local-kernel.js';
import { errnoName } from '../abi/wasi/errno.js';
import { FdTable } from '../abi/wasi/fd-table.js';
import { GuestMemory } from '../abi/wasi/guest-memory.js';
import { ALL_WASI_RIGHTS, DIR_RIGHTS, TTY_RIGHTS } from '../abi/wasi/rights.js';
import { ProcExit, type ShimContext } from '../abi/wasi/shim-context.js';
import { type ShimStats, wasiImports } from '../abi/wasi/wasi-shim.js';
import type { ExitStatus } from '../kernel/process.js';
import type { WasmBoot } from './boot-spec.js';
import type { ThreadRuntime } from './thread-runtime.js';
import { FID_READ } from '../services/vfs/vfs.js';

const FILETYPE_CHARACTER_DEVICE = 2;
const FILETYPE_DIRECTORY = 3;

export function runWasmProcess(rt: ThreadRuntime, boot: WasmBoot): never {
  rt.exit(runWasm(rt, boot));
}

function runWasm(rt: ThreadRuntime, boot: WasmBoot): ExitStatus {
  const vfsHandle = rt.handles[boot.vfs] ?? 0;
  const consoleHandle = rt.handles[boot.console] ?? 0;
  const lk = new LocalKernel(rt.caller, vfsHandle, consoleHandle);
  const fds = new FdTable();
  for (const fd of [0, 1, 2]) {
    fds.set(fd, {
      kind: 'console', fid: fd, filetype: FILETYPE_CHARACTER_DEVICE, offset: 0,
      rightsBase: TTY_RIGHTS, rightsInheriting: 0, flags: 0, preopen: null,
    });
  }
  for (const p of boot.preopens) {
    const r = lk.vfs.call('openRoot', { path: p.vfsPath });
    if (r.transport !== 0 || r.status !== 0) {
      const why = r.transport !== 0 ? 'the file service is unreachable' : errnoName(r.status);
      return { kind: 'crashed', message: `cannot preopen ${p.guestPath}: ${why}` };
    }
    fds.add({
      kind: 'dir', fid: r.reply!.fid, filetype: FILETYPE_DIRECTORY, offset: 0,
      rightsBase: DIR_RIGHTS, rightsInheriting: ALL_WASI_RIGHTS, flags: 0, preopen: p.guestPath,
    });
  }
  let module = boot.module;
  if (!module) {
    if (!boot.path) return { kind: 'crashed', message: 'no module to run' };
    const loaded = loadModule(lk, boot.path);
    if (typeof loaded === 'string') return { kind: 'crashed', message: loaded };
    module = loaded;
  }

  const mem = new GuestMemory();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const ctx: ShimContext = {
    mem, fds, lk, args: boot.args, env: boot.env,
    now: () => rt.platform.now(),
    realtime: () => rt.platform.realtime(),
    randomFill: (b) => rt.platform.randomFill(b),
    sleep: (ns) => { Atomics.wait(sleeper, 0, 0, ns / 1e6); },
  };
  const stats: ShimStats = { calls: 0, faults: 0, internalErrors: 0, lastInternalError: '' };

  const unknown = WebAssembly.Module.imports(module).filter((i) => i.module !== 'wasi_snapshot_preview1');
  if (unknown.length > 0) {
    const first = unknown[0]!;
    return { kind: 'crashed', message: `imports ${first.module}.${first.name}, which Keel does not provide` };
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasiImports(ctx, stats) });
  } catch (e) {
    return { kind: 'crashed', message: `cannot instantiate: ${e instanceof Error ? e.message : String(e)}` };
  }
  const memory = instance.exports['memory'];
  const start = instance.exports['_start'];
  if (!(memory instanceof WebAssembly.Memory)) return { kind: 'crashed', message: 'does not export its memory' };
  if (typeof start !== 'function') return { kind: 'crashed', message: 'has no _start function (not a WASI command)' };
  mem.attach(memory);
  try {
    (start as () => void)();
    return { kind: 'exited', code: 0 };
  } catch (e) {
    if (e instanceof ProcExit) return { kind: 'exited', code: e.code };
    if (e instanceof WebAssembly.RuntimeError) return { kind: 'trapped', message: e.message };
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { kind: 'trapped', message: 'call stack exhausted' };
    return { kind: 'crashed', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Read a program from the VFS and compile it; an error message if that fails. */
function loadModule(lk: LocalKernel, path: string): WebAssembly.Module | string {
  const root = lk.vfs.call('openRoot', { path: '/' });
  if (root.transport !== 0 || root.status !== 0) return `cannot load ${path}: the file service is unreachable`;
  const rootFid = root.reply!.fid;
  try {
    const f = lk.vfs.call('open', { dir: rootFid, lookup: 1, oflags: FID_READ << 16, path: path.replace(/^\/+/, '') });
    if (f.transport !== 0 || f.status !== 0) return `cannot load ${path}: ${errnoName(f.status)}`;
    const fid = f.reply!.fid;
    try {
      const st = lk.vfs.call('stat', { fid });
      if (st.transport !== 0 || st.status !== 0) return `cannot load ${path}: ${errnoName(st.status)}`;
      const bytes = new Uint8Array(st.reply!.size);
      const [err, n] = lk.fileRead(fid, 0, [bytes]);
      if (err !== 0 || n !== bytes.length) return `cannot load ${path}: ${err ? errnoName(err) : 'short read'}`;
      try {
        return new WebAssembly.Module(bytes);
      } catch (e) {
        return `${path} is not a valid WebAssembly module: ${e instanceof Error ? e.message.replace(/^WebAssembly\.Module\(\): /, '') : String(e)}`;
      }
    } finally {
      lk.vfs.call('close', { fid });
    }
  } finally {
    lk.vfs.call('close', { fid: rootFid });
  }
}

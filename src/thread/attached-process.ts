/**
 * A process whose program runs on a thread the host already has: the node:wasi drop-in's caller,
 * with an instance it made from our import object before Keel knew the module. The thread attaches
 * to the arena with the ThreadStart the kernel made for it, opens the process (local kernel, fd
 * table, WASI shim) exactly as a worker would, binds the shim behind the import functions the
 * instance already holds, and runs `_start`. It reports the end itself (no exit call: a kernel
 * call that is never answered would block the host's thread forever).
 */

import type { ExitStatus } from '../abi/exit-status.js';
import type { ThreadStart, WasmBoot } from '../abi/boot-spec.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { ThreadRuntime } from './thread-runtime.js';
import { openProcess, runStart } from './wasm-start.js';

export function runAttached(start: ThreadStart, platform: ThreadPlatform, instance: WebAssembly.Instance, bind: (wasi: WebAssembly.ModuleImports) => void): ExitStatus {
  const rt = new ThreadRuntime(start, platform);
  const opened = openProcess(rt, start.boot as WasmBoot);
  if (typeof opened === 'string') return { kind: 'crashed', message: opened };
  bind(opened.wasi);
  try {
    return runStart(instance, opened.ctx);
  } finally {
    opened.lk.end();
  }
}

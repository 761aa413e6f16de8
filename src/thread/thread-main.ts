/**
 * The first portable code every thread runs: dispatch on the boot spec. A failure while starting
 * is reported to the kernel as the thread's exit status, never as a stack trace on the host.
 * A wasm program's thread outlives its process when it can (see `runThread`).
 */

import type { ThreadStart } from '../abi/boot-spec.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { ThreadRuntime } from './thread-runtime.js';
import { runWasmProcess } from './wasm-process.js';
import { runServicesThread } from './services-thread.js';

/** A script program's entry: receives the runtime and its boot data; returns an exit code. */
export type ScriptMain = (rt: ThreadRuntime, args: readonly string[], data: unknown) => number | void | Promise<number | void>;

/**
 * Run the thread's process to its end. Returns (true) only when the process ended and the thread
 * let go of it (`retire`), so the platform may give the thread another process; otherwise the
 * process's end is an `exit` and the kernel stops the thread.
 */
export async function runThread(start: ThreadStart, platform: ThreadPlatform): Promise<true> {
  const rt: ThreadRuntime = new ThreadRuntime(start, platform);
  const boot = start.boot;
  try {
    switch (boot.kind) {
      case 'wasm': {
        const end = await runWasmProcess(rt, boot);
        if (!end.reusable) rt.exit(end.status);
        rt.retire(end.status);
        return true;
      }
      case 'services':
        await runServicesThread(rt, boot);
        rt.exit({ kind: 'exited', code: 0 });
        break;
      case 'script': {
        const mod = await platform.importModule(boot.url);
        const main = mod['main'];
        if (typeof main !== 'function') rt.exit({ kind: 'crashed', message: `${boot.url} has no main()` });
        const code = await (main as ScriptMain)(rt, boot.args, boot.data);
        rt.exit({ kind: 'exited', code: typeof code === 'number' ? code : 0 });
      }
    }
  } catch (e) {
    rt.exit({ kind: 'crashed', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * The first portable code every thread runs: dispatch on the boot spec. A failure while starting
 * is reported to the kernel as the thread's exit status, never as a stack trace on the host.
 */

import type { ThreadStart } from './boot-spec.js';
import type { ThreadPlatform } from './thread-platform.js';
import { ThreadRuntime } from './thread-runtime.js';
import { runWasmProcess } from './wasm-process.js';
import { runServicesThread } from './service-host.js';

/** A script program's entry: receives the runtime and its boot data; returns an exit code. */
export type ScriptMain = (rt: ThreadRuntime, args: readonly string[], data: unknown) => number | void | Promise<number | void>;

export async function runThread(start: ThreadStart, platform: ThreadPlatform): Promise<void> {
  const rt = new ThreadRuntime(start, platform);
  const boot = start.boot;
  try {
    switch (boot.kind) {
      case 'wasm':
        await runWasmProcess(rt, boot);
        break;
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

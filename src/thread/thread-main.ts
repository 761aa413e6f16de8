/**
 * The first portable code every thread runs: dispatch on the boot spec. A failure while starting
 * is reported to the kernel as the thread's exit status, never as a stack trace on the host.
 * A wasm program's thread outlives its process when it can (see `runThread`).
 *
 * A thread loads only what its kind runs: the process runtime (local kernel, WASI shim) for a
 * program, the services for a services thread. A worker started ahead of its process (the warm
 * pool, a standby service worker) loads the runtime while it waits (`preloadRuntimes`).
 */

import type { ThreadStart } from '../abi/boot-spec.js';
import type { ThreadPlatform } from '../host/thread-platform.js';
import { ThreadRuntime } from './thread-runtime.js';

/** Where a thread finds what each kind of process runs (loaded on first use). */
export interface ThreadRuntimes {
  readonly program?: () => Promise<typeof import('./wasm-process.js')>;
  readonly services?: () => Promise<typeof import('./services-thread.js')>;
}

/**
 * Load what this thread runs, ahead of its process: a warm program worker, a standby service
 * worker (which would otherwise import the services only once a restart hands it a group).
 */
export function preloadRuntimes(runtimes: ThreadRuntimes): void {
  void runtimes.program?.().catch(() => {});
  void runtimes.services?.().catch(() => {});
}

/** The loader of `kind`, or the reason this thread cannot run it. */
function loader<K extends keyof ThreadRuntimes>(runtimes: ThreadRuntimes, kind: K): NonNullable<ThreadRuntimes[K]> {
  const l = runtimes[kind];
  if (!l) throw new Error(`this thread cannot run ${kind}`);
  return l;
}

/** A script program's entry: receives the runtime and its boot data; returns an exit code. */
export type ScriptMain = (rt: ThreadRuntime, args: readonly string[], data: unknown) => number | void | Promise<number | void>;

/**
 * Run the thread's process to its end. Returns (true) only when the process ended and the thread
 * let go of it (`retire`), so the platform may give the thread another process; otherwise the
 * process's end is an `exit` and the kernel stops the thread.
 */
export async function runThread(start: ThreadStart, platform: ThreadPlatform, runtimes: ThreadRuntimes): Promise<true> {
  const rt: ThreadRuntime = new ThreadRuntime(start, platform);
  const boot = start.boot;
  try {
    switch (boot.kind) {
      case 'wasm': {
        const { runWasmProcess } = await loader(runtimes, 'program')();
        const end = await runWasmProcess(rt, boot);
        platform.warmedUp?.();
        if (!end.reusable) rt.exit(end.status);
        rt.retire(end.status);
        return true;
      }
      case 'services':
        const { runServicesThread } = await loader(runtimes, 'services')();
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

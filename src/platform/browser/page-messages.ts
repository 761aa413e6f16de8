/**
 * The messages between the page and the kernel worker (kernel-worker.ts). The terminal's bytes
 * do not pass here: they go straight between the page and the console's thread on the boot's
 * BroadcastChannel (tty-messages.ts). Plain data only: the page imports this file too.
 */

import type { ProcessRow } from '../../ipc/process-table.js';
import type { ServiceStatus } from '../../system/system.js';
import type { ExitStatus } from '../../abi/exit-status.js';

export type PageToKernel =
  /**
   * Boot: the terminal channel's name, the manifest's text, the OPFS disk images for /home and
   * /usr (`/NAME`; null: in memory), and the package registry pkg installs from (null: none).
   */
  | { readonly kind: 'boot'; readonly tty: string; readonly manifest: string; readonly home: string | null; readonly usr: string | null; readonly registry: string | null }
  /** Install a WebAssembly program the user picked or dropped, as /home/bin/NAME. */
  | { readonly kind: 'add-program'; readonly name: string; readonly bytes: Uint8Array }
  /** Commit every file system's changes now (the page is being hidden or closed). */
  | { readonly kind: 'sync' }
  /** Fault injection from the panel: end the worker that runs service `name`, as SIGKILL would. */
  | { readonly kind: 'kill-service'; readonly name: string }
  /**
   * Measure: run the WebAssembly program `bytes` `rounds` times (compiled once) with `args`,
   * `/sandbox` being the Keel directory `dir`; each round timed from spawn to exit, in the kernel
   * worker (the benchmarks' "spawn to exit", as on Node).
   */
  | { readonly kind: 'bench'; readonly id: number; readonly bytes: Uint8Array; readonly args: readonly string[]; readonly dir: string; readonly rounds: number }
  /** Run the WebAssembly program `bytes` once with `args`, `/sandbox` being `dir` (made if missing); its status and output. */
  | { readonly kind: 'run'; readonly id: number; readonly bytes: Uint8Array; readonly args: readonly string[]; readonly dir: string };

export interface SystemSnapshot {
  readonly processes: readonly ProcessRow[];
  readonly services: readonly ServiceStatus[];
  /** Workers alive: processes' threads and the idle pool. */
  readonly threads: number;
}

export type KernelToPage =
  | { readonly kind: 'booted'; readonly ms: number; readonly home: 'disk' | 'memory' }
  | { readonly kind: 'boot-failed'; readonly message: string }
  /** Once a second: the same data `top` shows. */
  | { readonly kind: 'status'; readonly snapshot: SystemSnapshot }
  | { readonly kind: 'program-added'; readonly path: string }
  | { readonly kind: 'program-refused'; readonly name: string; readonly message: string }
  /** A line of the kernel's message log (service crashes and restarts), or a notice for the user. */
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'shell-exited'; readonly code: number }
  | { readonly kind: 'bench-done'; readonly id: number; readonly ms: readonly number[] }
  | { readonly kind: 'bench-failed'; readonly id: number; readonly message: string }
  | { readonly kind: 'ran'; readonly id: number; readonly result: { readonly status: ExitStatus; readonly stdout: string; readonly stderr: string } | { readonly error: string } };

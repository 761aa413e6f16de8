/**
 * `keel run`: run one unmodified WASI program in a fresh Keel system, wasmtime-style.
 *
 *   keel run [--manifest FILE] [--memory SIZE] [--dir HOST_DIR[::GUEST_DIR]]... [--env NAME=VALUE]...
 *            [--tcplisten HOST:PORT]... PROGRAM.wasm [ARGS...]
 *
 * Built on the library API only: boot with each --dir served by its own hostfs at /mnt/N and
 * preopened for the program as GUEST_DIR (default: HOST_DIR as written), spawn with the host's
 * stdio (through the console service), wait, shut down. Keel exits with the program's exit code;
 * a trap or a program that cannot start prints one line on stderr and exits non-zero. `--memory`
 * sets the system's memory budget (BootOptions.memoryBudget).
 */

import { listenAddress } from '../api/keel.js';
import { type CliHost, bootAndRun, parseDir, parseSize } from './cli-host.js';

export interface RunOptions {
  readonly dirs: readonly string[];
  /** HOST:PORT addresses to listen on; the program gets them as socket fds after its directories. */
  readonly listen?: readonly string[];
  /** The system manifest file (default: the host's). */
  readonly manifest?: string;
  /** The memory budget, as `--memory` gave it (512M, 2G, bytes). */
  readonly memory?: string;
  readonly env: readonly string[];
  readonly program: string;
  readonly args: readonly string[];
}

export async function runCommand(host: CliHost, opts: RunOptions): Promise<number> {
  const env: Record<string, string> = {};
  for (const e of opts.env) {
    const i = e.indexOf('=');
    if (i <= 0) {
      host.stderr(`keel: --env ${e}: expected NAME=VALUE`);
      return 2;
    }
    env[e.slice(0, i)] = e.slice(i + 1);
  }
  for (const spec of opts.listen ?? []) {
    if (!listenAddress(spec)) {
      host.stderr(`keel: --tcplisten ${spec}: expected HOST:PORT`);
      return 2;
    }
  }
  const memoryBudget = opts.memory === undefined ? undefined : parseSize(opts.memory);
  if (memoryBudget === null) {
    host.stderr(`keel: --memory ${opts.memory}: expected a size such as 512M or 2G`);
    return 2;
  }
  const dirs: Record<string, string> = {};
  const preopens: Record<string, string> = {};
  for (const [i, spec] of opts.dirs.entries()) {
    const { host: hostDir, guest } = parseDir(spec);
    dirs[`/mnt/${i}`] = hostDir;
    preopens[guest] = `/mnt/${i}`;
  }
  // One program: its thread starts while the services' do, and none is kept warm after it.
  return bootAndRun(host, { dirs, listen: opts.listen ?? [], manifest: opts.manifest ?? host.runManifestPath ?? host.manifestPath, threads: { warm: 0, atBoot: 1 }, ...(memoryBudget !== undefined ? { memoryBudget } : {}) }, opts.program, opts.program,
    { args: [opts.program, ...opts.args], env, dirs: preopens });
}

/**
 * `keel boot`: boot the session system and run the shell on the host's terminal.
 *
 *   keel boot [--manifest FILE] [--memory SIZE] [--dir HOST_DIR[::GUEST_DIR]]... [--home IMAGE|none] [--usr IMAGE|none]
 *             [--registry URL|none] [-c COMMAND_LINE | SCRIPT [ARGS...]]
 *
 * Built on the library API only: boot the manifest (default: the host's, see CliHost.manifestPath)
 * with `shell` (Keel's utilities in /bin, the console a terminal line discipline), each --dir a
 * host directory served by its own hostfs (at /host, /host2, … unless GUEST_DIR says where), and
 * spawn /bin/sh with the host's stdio, in /home with PATH=/bin. `-c` runs one command line and a
 * SCRIPT (a path in Keel's namespace, e.g. /host/setup.sh) runs a file, as `sh -c` and `sh FILE`
 * do. Keel exits with the shell's status.
 *
 * /home is a diskfs on a disk image (--home IMAGE, else the host's default, CliHost.homeImage),
 * made on first use, so what the user keeps there survives a reboot; `--home none` keeps it in
 * memory (the root tmpfs). `--memory` sets the system's memory budget (BootOptions.memoryBudget).
 *
 * /usr is a second diskfs (--usr IMAGE, else the host's default, CliHost.usrImage; 1 GiB sparse
 * when made): what `pkg` installs, kept apart from the user's files so a throwaway home keeps its
 * packages. The package registry pkg reads (--registry URL, else the host's: npm's, as npm is
 * configured) is a registry service only pkg is given; `--registry none` boots without one.
 * PATH is /bin:/usr/bin.
 */

import { type CliHost, bootAndRun, parseDir, parseSize } from './cli-host.js';

export interface BootOptions {
  readonly dirs: readonly string[];
  /** The system manifest file (default: the host's). */
  readonly manifest?: string;
  readonly command?: string;
  readonly script?: readonly string[];
  /** The disk image for /home; 'none' for none; absent: the host's default. */
  readonly home?: string;
  /** The memory budget, as `--memory` gave it (512M, 2G, bytes). */
  readonly memory?: string;
  /** The disk image for /usr (installed packages); 'none' for none; absent: the host's default. */
  readonly usr?: string;
  /** The package registry's URL; 'none' for none; absent: the host's default. */
  readonly registry?: string;
}

/** The size of a /usr image keel boot makes: room for a toolchain or two (sparse: only what is written takes host disk). */
export const USR_IMAGE_BYTES = 1024 * 1024 * 1024;

/** Where each --dir goes, as BootOptions.dirs: GUEST_DIR if given, else /host, /host2, … */
export function hostMounts(dirs: readonly string[]): Record<string, string> | string {
  const mounts: Record<string, string> = {};
  for (const [i, spec] of dirs.entries()) {
    const explicit = spec.includes('::');
    const { host: hostDir, guest } = parseDir(spec);
    const at = explicit ? guest : i === 0 ? '/host' : `/host${i + 1}`;
    if (!at.startsWith('/') || at === '/' || at.split('/').some((p) => p === '..' || p === '.')) return `keel: --dir ${spec}: the guest directory must be an absolute path below /`;
    mounts[at.replace(/\/+$/, '')] = hostDir;
  }
  return mounts;
}

export async function bootCommand(host: CliHost, opts: BootOptions): Promise<number> {
  const dirs = hostMounts(opts.dirs);
  if (typeof dirs === 'string') {
    host.stderr(dirs);
    return 2;
  }
  const memoryBudget = opts.memory === undefined ? undefined : parseSize(opts.memory);
  if (memoryBudget === null) {
    host.stderr(`keel: --memory ${opts.memory}: expected a size such as 512M or 2G`);
    return 2;
  }
  const args = opts.command !== undefined ? ['sh', '-c', opts.command] : ['sh', ...(opts.script ?? [])];
  const env = { PATH: '/bin:/usr/bin', HOME: '/home', PWD: '/home', TERM: host.term ?? 'dumb', USER: 'keel' };
  const log = (line: string): void => host.stderr(`keel: ${line}`);
  const home = opts.home === 'none' ? null : opts.home ?? host.homeImage?.() ?? null;
  const usr = opts.usr === 'none' ? null : opts.usr ?? host.usrImage?.() ?? null;
  const registry = opts.registry === 'none' ? null : opts.registry ?? host.registry?.() ?? null;
  const disks = { ...(home !== null ? { '/home': home } : {}), ...(usr !== null ? { '/usr': { image: usr, size: USR_IMAGE_BYTES } } : {}) };
  // A command line or a script: one warm thread for what it starts (an interactive shell keeps the
  // default pool, for the next command the person types).
  const threads = opts.command !== undefined || (opts.script?.length ?? 0) > 0 ? { threads: { warm: 1, atBoot: 1 } } : {};
  return bootAndRun(host, { dirs, disks, ...(registry !== null ? { registry } : {}), shell: true, manifest: opts.manifest ?? host.manifestPath, log, ...threads, ...(memoryBudget !== undefined ? { memoryBudget } : {}) }, { path: '/bin/sh' }, 'sh', { args, env, dirs: ['/'] });
}

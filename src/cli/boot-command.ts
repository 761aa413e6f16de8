/**
 * `keel boot`: boot the session system and run the shell on the host's terminal.
 *
 *   keel boot [--manifest FILE] [--dir HOST_DIR[::GUEST_DIR]]... [-c COMMAND_LINE | SCRIPT [ARGS...]]
 *
 * The services are the manifest's (default: the host's, see CliHost.manifestPath). The root is a tmpfs with /bin (the TypeScript utilities), /tmp, /dev and /home; each --dir is a
 * host directory served by its own hostfs (at /host, /host2, … unless GUEST_DIR says where). The
 * shell (/bin/sh) starts in /home with PATH=/bin; `-c` runs one command line and a SCRIPT (a path
 * in Keel's namespace, e.g. /host/setup.sh) runs a file, as `sh -c` and `sh FILE` do. Keel exits
 * with the shell's status.
 */

import { exitCodeOf } from '../kernel/process.js';
import type { HostDirMount } from '../system/system-config.js';
import { bootFromManifest } from './manifest-file.js';
import { PROGRAM_NAMES } from '../programs/registry.js';
import { type CliHost, describeStatus, parseDir } from './run-command.js';

export interface BootOptions {
  readonly dirs: readonly string[];
  /** The system manifest file (default: the host's). */
  readonly manifest?: string;
  readonly command?: string;
  readonly script?: readonly string[];
}

/** Where each --dir goes: GUEST_DIR if given, else /host, /host2, … */
export function hostMounts(host: CliHost, dirs: readonly string[]): HostDirMount[] | string {
  const mounts: HostDirMount[] = [];
  for (const [i, spec] of dirs.entries()) {
    const explicit = spec.includes('::');
    const { host: hostDir, guest } = parseDir(spec);
    const abs = host.directory(hostDir);
    if (typeof abs !== 'string') return `keel: --dir ${spec}: ${abs.error}`;
    const at = explicit ? guest : i === 0 ? '/host' : `/host${i + 1}`;
    if (!at.startsWith('/') || at === '/' || at.split('/').some((p) => p === '..' || p === '.')) return `keel: --dir ${spec}: the guest directory must be an absolute path below /`;
    mounts.push({ hostPath: abs, vfsPath: at.replace(/\/+$/, '') });
  }
  return mounts;
}

export async function bootCommand(host: CliHost, opts: BootOptions): Promise<number> {
  const mounts = hostMounts(host, opts.dirs);
  if (typeof mounts === 'string') {
    host.stderr(mounts);
    return 2;
  }
  const system = await bootFromManifest(host, opts.manifest, { hostDirs: mounts, session: { programs: PROGRAM_NAMES } });
  if (typeof system === 'number') return system;
  try {
    const args = opts.command !== undefined ? ['sh', '-c', opts.command] : ['sh', ...(opts.script ?? [])];
    const env = ['PATH=/bin', 'HOME=/home', 'PWD=/home', `TERM=${host.term ?? 'dumb'}`, 'USER=keel'];
    const { handle } = system.spawnWasm({ program: '/bin/sh', path: '/bin/sh', args, env, preopens: [{ guestPath: '/', vfsPath: '/' }] });
    const status = await system.wait(handle);
    const line = describeStatus('sh', status);
    if (line) host.stderr(line);
    return exitCodeOf(status);
  } finally {
    await system.shutdown();
  }
}

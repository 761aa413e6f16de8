/**
 * Which services a Keel system runs and where each one is placed.
 *
 * A placement is `kernel` (in the kernel thread), `coalesced:<group>` (in one worker with the
 * other members of the group) or `isolated` (alone in a worker). The services themselves are the
 * same code in every placement. (The full declarative manifest, with capabilities, limits and
 * restart policy, grows from this: see issue 5.)
 */

import { programFile } from '../programs/registry.js';

export type Placement = 'kernel' | 'isolated' | `coalesced:${string}`;

export interface ServiceInstance {
  /** Unique instance name (also how other services refer to it in `uses`). */
  readonly name: string;
  /** Factory name in services/registry.ts. */
  readonly kind: string;
  readonly placement: Placement;
  readonly config: Readonly<Record<string, unknown>>;
  /** Instance names this service calls (it gets a badged session with each). */
  readonly uses: readonly string[];
  /**
   * Instance names this service calls only without waiting for the answer (it gets a session
   * with each, as with `uses`). Unlike `uses`, allowed from the kernel thread to any placement:
   * the console tells proc about ^C this way.
   */
  readonly notifies?: readonly string[];
  /**
   * Instance names whose unbadged client handle this service gets as `NAME:mint`, to mint
   * sessions for others (proc gives every new process its VFS, console and proc sessions).
   */
  readonly mints?: readonly string[];
  /** The service hears of every process exit (kernel process-exited events). */
  readonly exitEvents?: boolean;
}

export interface SystemConfig {
  readonly services: readonly ServiceInstance[];
}

export interface HostDirMount {
  /** Host directory. */
  readonly hostPath: string;
  /** VFS path it is mounted at. */
  readonly vfsPath: string;
  readonly readOnly?: boolean;
}

/**
 * The default system: console in the kernel thread; the VFS coalesced with the root tmpfs, every
 * hostfs and proc in one worker (they call each other on every path walk, read and write, and
 * proc checks programs in the VFS before it starts them).
 */
export function defaultSystem(hostDirs: readonly HostDirMount[] = [], fsPlacement: Placement = 'coalesced:fs', listen: readonly { host: string; port: number }[] = []): SystemConfig {
  const hostfs: ServiceInstance[] = hostDirs.map((d, i) => ({
    name: `hostfs${i}`, kind: 'hostfs', placement: fsPlacement,
    config: { root: d.hostPath, name: `hostfs${i}`, readOnly: d.readOnly === true }, uses: [],
  }));
  return {
    services: [
      { name: 'console', kind: 'console', placement: 'kernel', config: {}, uses: [], notifies: ['proc'] },
      ...(listen.length > 0 ? [{ name: 'net', kind: 'net', placement: 'kernel' as const, config: { listen }, uses: [] }] : []),
      { name: 'proc', kind: 'proc', placement: fsPlacement, config: { tty: 'console' }, uses: ['vfs'], mints: ['vfs', 'console', 'proc'], exitEvents: true },
      { name: 'tmpfs', kind: 'tmpfs', placement: fsPlacement, config: { name: 'tmpfs' }, uses: [] },
      ...hostfs,
      {
        name: 'vfs', kind: 'vfs', placement: fsPlacement,
        config: { mounts: [{ path: '/', fs: 'tmpfs' }, ...hostDirs.map((d, i) => ({ path: d.vfsPath, fs: `hostfs${i}` }))] },
        uses: ['tmpfs', ...hostfs.map((h) => h.name)],
      },
    ],
  };
}

/**
 * The system `keel boot` starts: the default system, with a root tmpfs that holds `/bin` (one
 * `#!keel` file per TypeScript program), `/tmp` and `/home`, devfs at `/dev` (null, zero, full),
 * and each host directory mounted where asked (e.g. `/host`).
 */
export function sessionSystem(hostDirs: readonly HostDirMount[], programs: readonly string[], fsPlacement: Placement = 'coalesced:fs'): SystemConfig {
  const base = defaultSystem(hostDirs, fsPlacement);
  const files: Record<string, string> = {};
  for (const name of programs) files[`/bin/${name}`] = programFile(name);
  const dirs = ['/bin', '/tmp', '/dev', '/home', ...hostDirs.map((d) => d.vfsPath)];
  const devfs: ServiceInstance = { name: 'devfs', kind: 'devfs', placement: fsPlacement, config: {}, uses: [] };
  return {
    services: [...base.services.map((s) => {
      if (s.name === 'tmpfs') return { ...s, config: { ...s.config, dirs, files } };
      if (s.name === 'console') return { ...s, config: { ...s.config, discipline: true } };
      if (s.name !== 'vfs') return s;
      const mounts = [...(s.config['mounts'] as { path: string; fs: string }[]), { path: '/dev', fs: 'devfs' }];
      return { ...s, uses: [...s.uses, 'devfs'], config: { ...s.config, mounts } };
    }), devfs],
  };
}

/** Whole-system placements for comparing isolation classes: as configured, all alone, all in the kernel thread. */
export type Layout = 'default' | 'isolated' | 'kernel';

export const LAYOUTS: readonly Layout[] = ['default', 'isolated', 'kernel'];

/** `config` with every service placed by `layout` (the services themselves are unchanged). */
export function withLayout(config: SystemConfig, layout: Layout): SystemConfig {
  if (layout === 'default') return config;
  return { services: config.services.map((s) => ({ ...s, placement: layout === 'kernel' ? 'kernel' : 'isolated' })) };
}

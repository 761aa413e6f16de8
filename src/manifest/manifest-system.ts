/**
 * From a validated manifest to the system the boot sequence starts (SystemConfig), with what the
 * command line adds to it:
 *   - each host directory (`--dir`) becomes a hostfs service `hostfsN`, placed in the VFS's class
 *     and restarted by the VFS's restart policy,
 *     called by the VFS and mounted where asked (its mount point made in the root tmpfs);
 *   - each disk image (`--home`, BootOptions.disks) becomes a diskfs service `diskN` the same way;
 *   - `--listen` adds a `net` service in the kernel thread (if the manifest has none) and lets
 *     programs hold a session of it;
 *   - a package registry (`keel boot`'s npm registry) adds a `registry` service in the kernel
 *     thread (or sets the manifest's one's URL); proc mints its sessions and grants one to `pkg`
 *     and to no other program (proc `grants`). The static policy must let programs hold it
 *     (programs.capabilities lists it); proc is what keeps it to pkg;
 *   - a `keel boot` session puts one `#!keel` file per program in `/bin` of the root tmpfs and
 *     turns on the console's line discipline.
 * The manifest itself is never changed; the effective manifest (`effectiveManifest`) is what
 * `keel check` and the static policy see.
 */

import { programFile } from '../abi/program-files.js';
import type { Manifest, ManifestService } from './manifest-schema.js';
import type { DiskMount, HostDirMount, ServiceInstance, SystemConfig } from './system-config.js';
import { parsePlacement } from './placement.js';
import { traitsOf } from '../services/declarations.js';
import { NO_TRAITS } from '../services/contract/kind.js';

export interface SystemAdditions {
  readonly hostDirs?: readonly HostDirMount[];
  readonly disks?: readonly DiskMount[];
  readonly listen?: readonly { host: string; port: number }[];
  /** The package registry's URL: a registry service, granted to `pkg`. */
  readonly registry?: string;
  /** A `keel boot` session: the programs to put in /bin. */
  readonly session?: { readonly programs: readonly string[] };
}

/** The manifest with the command line's additions (host directories, net) folded in. */
export function effectiveManifest(m: Manifest, add: SystemAdditions = {}): Manifest {
  const services: Record<string, ManifestService> = { ...m.services };
  const vfs = services['vfs'];
  if (vfs?.kind !== 'vfs') return m;
  const mounts = [...(vfs.config?.mounts ?? [])];
  const calls = [...(vfs.capabilities?.call ?? [])];
  let n = 0;
  for (const d of add.hostDirs ?? []) {
    while (Object.hasOwn(services, `hostfs${n}`)) n++;
    const name = `hostfs${n}`;
    services[name] = { kind: 'hostfs', class: vfs.class, ...(vfs.restart ? { restart: vfs.restart } : {}), config: { root: d.hostPath, ...(d.readOnly ? { readOnly: true } : {}) } };
    mounts.push({ path: d.vfsPath, fs: name });
    calls.push(name);
  }
  n = 0;
  for (const d of add.disks ?? []) {
    while (Object.hasOwn(services, `disk${n}`)) n++;
    const name = `disk${n}`;
    services[name] = { kind: 'diskfs', class: vfs.class, ...(vfs.restart ? { restart: vfs.restart } : {}), config: { image: d.image, ...(d.size !== undefined ? { size: d.size } : {}) } };
    mounts.push({ path: d.vfsPath, fs: name });
    calls.push(name);
  }
  services['vfs'] = { ...vfs, config: { ...vfs.config, mounts }, capabilities: { ...vfs.capabilities, call: calls } };
  const programs = [...m.programs.capabilities];
  if ((add.listen ?? []).length > 0) {
    const net = services['net'];
    services['net'] = net?.kind === 'net' ? { ...net, config: { listen: [...(add.listen ?? [])] } } : { kind: 'net', class: 'kernel', config: { listen: [...(add.listen ?? [])] } };
    if (!programs.includes('net')) programs.push('net');
  }
  if (add.registry !== undefined) {
    const registry = services['registry'];
    services['registry'] = registry?.kind === 'registry' ? { ...registry, config: { url: add.registry } } : { kind: 'registry', class: 'kernel', config: { url: add.registry } };
    if (!programs.includes('registry')) programs.push('registry');
    const proc = services['proc'];
    if (proc?.kind === 'proc') {
      const mints = proc.capabilities?.mint ?? [];
      const grants = proc.config?.grants ?? {};
      const pkg = grants['pkg'] ?? [];
      services['proc'] = {
        ...proc,
        capabilities: { ...proc.capabilities, mint: mints.includes('registry') ? [...mints] : [...mints, 'registry'] },
        config: { ...proc.config, grants: { ...grants, pkg: pkg.includes('registry') ? [...pkg] : [...pkg, 'registry'] } },
      };
    }
  }
  return { ...m, services, programs: { capabilities: programs } };
}

/** The SystemConfig the boot sequence starts for `m` plus `add`. */
export function systemFromManifest(m: Manifest, add: SystemAdditions = {}): SystemConfig {
  const eff = effectiveManifest(m, add);
  const vfs = eff.services['vfs']?.kind === 'vfs' ? eff.services['vfs'] : undefined;
  const mountPoints = (vfs?.config?.mounts ?? []).map((mt) => mt.path).filter((p) => p !== '/');
  const rootFs = vfs?.config?.mounts.find((mt) => mt.path === '/')?.fs;
  const services: ServiceInstance[] = Object.entries(eff.services).map(([name, s]) => {
    const common = {
      name, placement: parsePlacement(s.class),
      uses: [...(s.capabilities?.call ?? [])],
      notifies: [...(s.capabilities?.notify ?? [])],
      mints: [...(s.capabilities?.mint ?? [])],
      exitEvents: (s.events ?? []).includes('process-exit'),
      ...(s.restart ? { restart: { ...s.restart } } : {}),
    };
    switch (s.kind) {
      case 'tmpfs': {
        if (name !== rootFs) return { ...common, kind: s.kind, config: { ...s.config } };
        // The root tmpfs holds the mount points, and a session's /bin.
        const dirs = [...(s.config?.dirs ?? []), ...mountPoints];
        const files: Record<string, string> = {};
        for (const p of add.session?.programs ?? []) files[`/bin/${p}`] = programFile(p);
        if (add.session) dirs.unshift('/bin');
        return { ...common, kind: s.kind, config: { ...s.config, dirs: [...new Set(dirs)], files } };
      }
      case 'vfs': {
        // Each mount carries what the VFS must know of its file system's kind.
        const mounts = (s.config?.mounts ?? []).map((mt) => {
          const fs = eff.services[mt.fs];
          const traits = fs ? traitsOf(fs.kind) : NO_TRAITS;
          return { ...mt, cacheLookups: traits.changesOnlyThroughVfs, hostDescriptors: traits.hostDescriptors };
        });
        return { ...common, kind: s.kind, config: { ...s.config, mounts } };
      }
      case 'console': return { ...common, kind: s.kind, config: { ...s.config, ...(add.session ? { discipline: true } : {}) } };
      case 'diskfs': return { ...common, kind: s.kind, config: { ...s.config } };
      case 'hostfs': return { ...common, kind: s.kind, config: { root: '', ...s.config } };
      case 'proc': return { ...common, kind: s.kind, config: { ...s.config } };
      case 'devfs': return { ...common, kind: s.kind, config: { ...s.config } };
      case 'net': return { ...common, kind: s.kind, config: { ...s.config } };
      case 'registry': return { ...common, kind: s.kind, config: { ...s.config } };
    }
  });
  return {
    services, static: eff.static === true, programCapabilities: [...eff.programs.capabilities],
    ...(eff.limits?.channelMessages !== undefined ? { channelMessages: eff.limits.channelMessages } : {}),
    ...(eff.limits?.memoryBudget !== undefined ? { memoryBudget: eff.limits.memoryBudget } : {}),
  };
}

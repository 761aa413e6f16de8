/**
 * Every kind of service's factory, by kind name (services/KIND/kind.ts): what a thread that hosts
 * services (a worker, or the kernel thread) builds them with. A factory builds a service from its
 * typed configuration and the client handles it was given; it never knows which isolation class
 * it runs in.
 */

import type { ServiceKind } from './contract/kind.js';
import { type InstanceConfigs, type KindName, isKindName } from './declarations.js';
import type { ServiceEntry } from '../abi/boot-spec.js';
import { consoleKind } from './console/kind.js';
import { devfsKind } from './devfs/kind.js';
import { diskfsKind } from './diskfs/kind.js';
import { hostfsKind } from './hostfs/kind.js';
import { netKind } from './net/kind.js';
import { procKind } from './proc/kind.js';
import { registryKind } from './registry/kind.js';
import { tmpfsKind } from './tmpfs/kind.js';
import { vfsKind } from './vfs/kind.js';

export type { BuiltService, ServiceContext } from './contract/kind.js';

export const SERVICE_KINDS: { readonly [K in KindName]: ServiceKind<InstanceConfigs[K]> } = {
  console: consoleKind,
  proc: procKind,
  vfs: vfsKind,
  tmpfs: tmpfsKind,
  devfs: devfsKind,
  hostfs: hostfsKind,
  diskfs: diskfsKind,
  net: netKind,
  registry: registryKind,
};

/** The host files the service a thread is given opens by path (disk images): its kind says. */
export function hostFilesOfEntry(entry: ServiceEntry): readonly string[] {
  if (!isKindName(entry.kind)) return [];
  // The configuration came from the kernel thread, made for this kind (system/wiring.ts).
  const kind = SERVICE_KINDS[entry.kind] as ServiceKind<unknown>;
  return kind.hostFiles?.(entry.config) ?? [];
}

/** The host files an instance of `kind` with `config` opens by path (disk images). */
export function hostFilesOf<K extends KindName>(kind: K, config: InstanceConfigs[K]): readonly string[] {
  const k: ServiceKind<InstanceConfigs[K]> = SERVICE_KINDS[kind];
  return k.hostFiles?.(config) ?? [];
}

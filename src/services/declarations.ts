/**
 * Every kind of service Keel can place, as the system sees it: its traits and the type of
 * configuration an instance is built with (services/KIND/declaration.ts). The manifest options
 * of each kind (zod schemas) are in options.ts, the factories in kinds.ts; this file loads no
 * service code and no schema library, so booting a system need not load either.
 */

import type { KindTraits } from './contract/kind.js';
import { type ConsoleInstanceConfig, consoleTraits } from './console/declaration.js';
import { type DevfsInstanceConfig, devfsTraits } from './devfs/declaration.js';
import { type DiskfsInstanceConfig, diskfsTraits } from './diskfs/declaration.js';
import { type HostfsInstanceConfig, hostfsTraits } from './hostfs/declaration.js';
import { type NetInstanceConfig, netTraits } from './net/declaration.js';
import { type RegistryInstanceConfig, registryTraits } from './registry/declaration.js';
import { type ProcInstanceConfig, procTraits } from './proc/declaration.js';
import { type TmpfsInstanceConfig, tmpfsTraits } from './tmpfs/declaration.js';
import { type VfsInstanceConfig, vfsTraits } from './vfs/declaration.js';

/** The configuration each kind's instances are built with (its manifest options and what the system adds). */
export interface InstanceConfigs {
  readonly console: ConsoleInstanceConfig;
  readonly proc: ProcInstanceConfig;
  readonly vfs: VfsInstanceConfig;
  readonly tmpfs: TmpfsInstanceConfig;
  readonly devfs: DevfsInstanceConfig;
  readonly hostfs: HostfsInstanceConfig;
  readonly diskfs: DiskfsInstanceConfig;
  readonly net: NetInstanceConfig;
  readonly registry: RegistryInstanceConfig;
}

export type KindName = keyof InstanceConfigs;

/** Each kind's traits (services/KIND/declaration.ts). */
export const KIND_TRAITS: { readonly [K in KindName]: KindTraits } = {
  console: consoleTraits,
  proc: procTraits,
  vfs: vfsTraits,
  tmpfs: tmpfsTraits,
  devfs: devfsTraits,
  hostfs: hostfsTraits,
  diskfs: diskfsTraits,
  net: netTraits,
  registry: registryTraits,
};

export const KIND_NAMES = Object.keys(KIND_TRAITS) as KindName[];

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(KIND_TRAITS, kind);
}

export function traitsOf(kind: KindName): KindTraits {
  return KIND_TRAITS[kind];
}

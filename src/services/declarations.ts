/**
 * Every kind of service Keel can place, as manifests and the system see it: its declaration
 * (manifest options and traits, services/KIND/declaration.ts) and the type of configuration an
 * instance is built with. The factories are in kinds.ts; this file loads no service code.
 */

import type { KindDeclaration, KindTraits } from './contract/kind.js';
import { type ConsoleInstanceConfig, consoleDeclaration } from './console/declaration.js';
import { type DevfsInstanceConfig, devfsDeclaration } from './devfs/declaration.js';
import { type DiskfsInstanceConfig, diskfsDeclaration } from './diskfs/declaration.js';
import { type HostfsInstanceConfig, hostfsDeclaration } from './hostfs/declaration.js';
import { type NetInstanceConfig, netDeclaration } from './net/declaration.js';
import { type ProcInstanceConfig, procDeclaration } from './proc/declaration.js';
import { type TmpfsInstanceConfig, tmpfsDeclaration } from './tmpfs/declaration.js';
import { type VfsInstanceConfig, vfsDeclaration } from './vfs/declaration.js';

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
}

export type KindName = keyof InstanceConfigs;

export const KIND_DECLARATIONS = {
  console: consoleDeclaration,
  proc: procDeclaration,
  vfs: vfsDeclaration,
  tmpfs: tmpfsDeclaration,
  devfs: devfsDeclaration,
  hostfs: hostfsDeclaration,
  diskfs: diskfsDeclaration,
  net: netDeclaration,
} as const satisfies { readonly [K in KindName]: KindDeclaration<unknown> };

export const KIND_NAMES = Object.keys(KIND_DECLARATIONS) as KindName[];

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(KIND_DECLARATIONS, kind);
}

export function traitsOf(kind: KindName): KindTraits {
  return KIND_DECLARATIONS[kind].traits;
}

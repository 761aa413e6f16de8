/**
 * Reading a system manifest: YAML (or JSON, which is YAML) text → a validated Manifest.
 *
 * Two passes. The schema (manifest-schema.ts) checks every field's shape; then the rules a schema
 * cannot state: capabilities name services that exist, a service in the kernel thread calls only
 * services in the kernel thread (the kernel thread never waits), the VFS mounts only file systems
 * it can call, programs get the VFS and the console, and proc mints only what programs may hold.
 * Every problem is reported (not just the first), each as `field: what was expected`.
 */

import { parseDocument } from 'yaml';
import { type Manifest, type ManifestService, manifestSchema } from './manifest-schema.js';
import { PROGRAMS } from './principals.js';
import { decodeText } from '../abi/text-codec.js';
import { KIND_NAMES, traitsOf } from '../services/declarations.js';
import { parsePlacement } from './placement.js';
import { isProgramName } from '../programs/program-names.js';

export class ManifestError extends Error {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`${source}: invalid manifest\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Services the system itself looks up by name: a service of one of these kinds must carry its kind's name. */
const WELL_KNOWN = KIND_NAMES.filter((k) => traitsOf(k).wellKnown);

/** A manifest file's bytes → a validated Manifest (they must be UTF-8 text). */
export function parseManifestBytes(bytes: Uint8Array, source: string): Manifest {
  let text: string;
  try {
    text = decodeText(new TextDecoder('utf-8', { fatal: true }), bytes);
  } catch {
    throw new ManifestError(source, ['not UTF-8 text']);
  }
  return parseManifest(text, source);
}

export function parseManifest(text: string, source: string): Manifest {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ManifestError(source, doc.errors.map((e) => `syntax: ${e.message.split('\n')[0]}`));
  return validateManifest(doc.toJS() as unknown, source);
}

/** Validate an already-parsed manifest object (the library accepts one directly). */
export function validateManifest(data: unknown, source: string): Manifest {
  const r = manifestSchema.safeParse(data);
  if (!r.success) {
    throw new ManifestError(source, r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`));
  }
  const problems = semanticProblems(r.data);
  if (problems.length > 0) throw new ManifestError(source, problems);
  return r.data;
}

function semanticProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const services = m.services;
  const exists = (n: string): boolean => Object.hasOwn(services, n);
  if (exists(PROGRAMS)) problems.push(`services.${PROGRAMS}: "${PROGRAMS}" names untrusted programs and cannot be a service name`);

  for (const kind of WELL_KNOWN) {
    for (const [name, s] of Object.entries(services)) {
      if (s.kind === kind && name !== kind) problems.push(`services.${name}: a ${kind} service must be named "${kind}" (the system finds it by that name)`);
    }
  }
  if (services['vfs']?.kind !== 'vfs') problems.push('services.vfs: expected a service of kind vfs named "vfs" (every program needs the file namespace)');
  if (services['console']?.kind !== 'console') problems.push('services.console: expected a service of kind console named "console" (every program has standard streams)');

  for (const [name, s] of Object.entries(services)) {
    const caps = s.capabilities ?? {};
    for (const kind of ['call', 'notify', 'mint'] as const) {
      (caps[kind] ?? []).forEach((target, i) => {
        if (!exists(target)) problems.push(`services.${name}.capabilities.${kind}.${i}: "${target}" is not a service in this manifest`);
      });
    }
    if (parsePlacement(s.class).in === 'kernel') {
      if (s.restart && (s.restart.policy ?? 'on-failure') !== 'never') {
        problems.push(`services.${name}.restart: a service in the kernel thread cannot be restarted (it fails with the kernel); place it in a worker, or say policy: never`);
      }
      for (const target of caps.call ?? []) {
        if (exists(target) && parsePlacement(services[target]!.class).in !== 'kernel') {
          problems.push(`services.${name}.class: a service in the kernel thread may call only services in the kernel thread, but it calls "${target}" (${services[target]!.class}); use capabilities.notify, or move one of them`);
        }
      }
    }
    problems.push(...kindProblems(name, s, m));
  }

  m.programs.capabilities.forEach((target, i) => {
    if (!exists(target)) problems.push(`programs.capabilities.${i}: "${target}" is not a service in this manifest`);
  });
  for (const needed of ['vfs', 'console']) {
    if (exists(needed) && !m.programs.capabilities.includes(needed)) problems.push(`programs.capabilities: expected "${needed}" (every program needs it)`);
  }
  (m.assert ?? []).forEach((a, i) => {
    for (const field of ['from', 'cannotReach'] as const) {
      if (a[field] !== PROGRAMS && !exists(a[field])) problems.push(`assert.${i}.${field}: "${a[field]}" is neither a service in this manifest nor "${PROGRAMS}"`);
    }
  });
  return problems;
}

/** The rules particular to one kind of service. */
function kindProblems(name: string, s: ManifestService, m: Manifest): string[] {
  const problems: string[] = [];
  const at = `services.${name}`;
  const calls = s.capabilities?.call ?? [];
  const mints = s.capabilities?.mint ?? [];
  switch (s.kind) {
    case 'vfs': {
      const mounts = s.config?.mounts ?? [];
      if (s.config === undefined) problems.push(`${at}.config.mounts: expected the mount table (at least "/")`);
      else if (!mounts.some((mt) => mt.path === '/')) problems.push(`${at}.config.mounts: expected a mount at "/"`);
      const seen = new Set<string>();
      mounts.forEach((mt, i) => {
        if (seen.has(mt.path)) problems.push(`${at}.config.mounts.${i}.path: "${mt.path}" is mounted twice`);
        seen.add(mt.path);
        const fs = m.services[mt.fs];
        if (!fs) problems.push(`${at}.config.mounts.${i}.fs: "${mt.fs}" is not a service in this manifest`);
        else if (!traitsOf(fs.kind).fileSystem) problems.push(`${at}.config.mounts.${i}.fs: "${mt.fs}" is a ${fs.kind}, not a file system`);
        else if (!calls.includes(mt.fs)) problems.push(`${at}.config.mounts.${i}.fs: the vfs must hold capabilities.call "${mt.fs}" to mount it`);
      });
      break;
    }
    case 'proc': {
      if (!calls.includes('vfs')) problems.push(`${at}.capabilities.call: expected "vfs" (proc checks and loads programs through it)`);
      for (const needed of ['vfs', 'console']) {
        if (!mints.includes(needed)) problems.push(`${at}.capabilities.mint: expected "${needed}" (proc gives every program it starts a session of it)`);
      }
      mints.forEach((target, i) => {
        if (!m.programs.capabilities.includes(target)) problems.push(`${at}.capabilities.mint.${i}: proc gives programs "${target}" sessions, but programs.capabilities does not list it`);
      });
      if (!(s.events ?? []).includes('process-exit')) problems.push(`${at}.events: expected ["process-exit"] (proc reaps exited processes)`);
      for (const [program, granted] of Object.entries(s.config?.grants ?? {})) {
        if (!isProgramName(program)) problems.push(`${at}.config.grants.${program}: "${program}" is not one of Keel's programs`);
        granted.forEach((target, i) => {
          if (!mints.includes(target)) problems.push(`${at}.config.grants.${program}.${i}: proc must hold capabilities.mint "${target}" to grant it`);
        });
      }
      const tty = s.config?.tty;
      if (tty !== undefined && !m.services[tty]) problems.push(`${at}.config.tty: "${tty}" is not a service in this manifest`);
      break;
    }
    default:
      break;
  }
  return problems;
}

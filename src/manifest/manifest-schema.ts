/**
 * The schema of the system manifest: every service, its isolation class, the capabilities it
 * starts with, what untrusted programs get, whether the kernel enforces the manifest statically,
 * and policy assertions for `keel check`.
 *
 * The schema checks shapes (which fields, which types, no unknown keys); manifest.ts checks what
 * a schema cannot (names that must exist, the kernel-thread rule, mounts of file systems the VFS
 * can call). Every error names the field and what was expected.
 */

import { z } from 'zod';
import { KIND_OPTIONS } from '../services/options.js';

/** Service and group names: what `ps`, `top` and error messages show. */
const name = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected a name of 1-32 lower-case letters, digits, "-" or "_", starting with a letter');

/** `kernel`, `isolated`, or `coalesced:<group>`. */
export const isolationClass = z.string().regex(/^(kernel|isolated|coalesced:[a-z][a-z0-9_-]{0,31})$/, 'expected "kernel", "isolated" or "coalesced:<group>"');

const names = z.array(name);

/** Capabilities a service starts with: client handles to other services. */
const capabilities = z.strictObject({
  /** Services it calls (a badged session with each). */
  call: names.optional(),
  /** Services it calls without waiting for the answer (allowed from the kernel thread). */
  notify: names.optional(),
  /** Services whose unbadged handle it holds, to mint sessions for the processes it starts. */
  mint: names.optional(),
});

/** Per-kind options: each kind accepts exactly its own (services/KIND/declaration.ts). */
const kinds = {
  console: KIND_OPTIONS.console,
  proc: KIND_OPTIONS.proc,
  vfs: KIND_OPTIONS.vfs,
  tmpfs: KIND_OPTIONS.tmpfs,
  devfs: KIND_OPTIONS.devfs,
  hostfs: KIND_OPTIONS.hostfs,
  diskfs: KIND_OPTIONS.diskfs,
  net: KIND_OPTIONS.net,
  registry: KIND_OPTIONS.registry,
} as const;

/**
 * What the supervisor does when a service's worker ends (MINIX 3's reincarnation server): restart
 * it (`always`; `on-failure`: unless it exited with status 0; `never`), at most `max` times within
 * `windowMs`. A worker that was serving is restarted at once; one that ended before it served
 * (a crash at start) is restarted after `backoffMs`, doubled for each such end in a row.
 * `hangMs`: a worker that leaves calls unclaimed this long is hung and is killed (0 turns the
 * watchdog off). Services placed in the kernel thread cannot be restarted.
 */
export const restartPolicy = z.strictObject({
  policy: z.enum(['always', 'on-failure', 'never']).optional(),
  max: z.number().int().min(0).max(1_000_000).optional(),
  windowMs: z.number().int().min(1).max(86_400_000).optional(),
  backoffMs: z.number().int().min(0).max(60_000).optional(),
  hangMs: z.number().int().min(0).max(3_600_000).optional(),
});

const serviceCommon = {
  class: isolationClass,
  restart: restartPolicy.optional(),
  capabilities: capabilities.optional(),
  /** Kernel events the service hears of. */
  events: z.array(z.literal('process-exit')).optional(),
};

const service = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('console'), ...serviceCommon, config: kinds.console.optional() }),
  z.strictObject({ kind: z.literal('proc'), ...serviceCommon, config: kinds.proc.optional() }),
  z.strictObject({ kind: z.literal('vfs'), ...serviceCommon, config: kinds.vfs.optional() }),
  z.strictObject({ kind: z.literal('tmpfs'), ...serviceCommon, config: kinds.tmpfs.optional() }),
  z.strictObject({ kind: z.literal('devfs'), ...serviceCommon, config: kinds.devfs.optional() }),
  z.strictObject({ kind: z.literal('hostfs'), ...serviceCommon, config: kinds.hostfs.optional() }),
  z.strictObject({ kind: z.literal('diskfs'), ...serviceCommon, config: kinds.diskfs }),
  z.strictObject({ kind: z.literal('net'), ...serviceCommon, config: kinds.net.optional() }),
  z.strictObject({ kind: z.literal('registry'), ...serviceCommon, config: kinds.registry }),
]);

/** A policy assertion: `from` must not reach `to` through any chain of capabilities. */
const assertion = z.strictObject({
  from: name,
  cannotReach: name,
  /** Why the policy exists (shown when it fails). */
  because: z.string().optional(),
});

export const manifestSchema = z.strictObject({
  /** Format version. */
  keel: z.literal(1),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /**
   * Muen's separation model: the kernel refuses any channel the manifest does not list — no new
   * channels after boot, and a client handle moves only to a process allowed to hold it.
   */
  static: z.boolean().optional(),
  /** System-wide limits the kernel enforces. */
  limits: z.strictObject({
    /** Messages a channel endpoint queues unread before writes to it fail (NO_RESOURCES; default 1024). */
    channelMessages: z.number().int().min(1).max(65_536).optional(),
    /**
     * Bytes of linear memory the programs may hold together (the memory budget; at least 1 MiB).
     * Default: the host's (on Node, half its memory); BootOptions.memoryBudget and `--memory` override it.
     */
    memoryBudget: z.number().int().min(1024 * 1024).optional(),
  }).optional(),
  services: z.record(name, service),
  /** Untrusted programs: the services every program may hold a session of. */
  programs: z.strictObject({ capabilities: names }),
  assert: z.array(assertion).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestService = Manifest['services'][string];
export type ManifestAssertion = NonNullable<Manifest['assert']>[number];


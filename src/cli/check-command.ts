/**
 * `keel check MANIFEST`: validate a manifest and analyse its capability graph before anything
 * boots — every principal's capabilities, whom each can reach, and the manifest's policy
 * assertions, each with the chain of capabilities that breaks it.
 *
 * Exit status: 0 when the manifest is valid and every assertion holds, 1 when an assertion
 * fails, 2 when the manifest is invalid or unreadable.
 */

import { PROGRAMS } from '../manifest/principals.js';
import { capabilityGraph, checkAssertions, formatChain, reachable } from '../manifest/capability-graph.js';
import { effectiveManifest } from '../manifest/manifest-system.js';
import { hostMounts } from './boot-command.js';
import { loadManifest } from './manifest-file.js';
import type { CliHost } from './cli-host.js';
import type { HostDirMount } from '../manifest/system-config.js';

export interface CheckOptions {
  readonly manifest: string;
  /** Host directories as `keel boot` would mount them (each adds a hostfs service). */
  readonly dirs: readonly string[];
  /** Print only the assertions and failures. */
  readonly quiet: boolean;
}

export function checkCommand(host: CliHost, opts: CheckOptions, out: (line: string) => void): number {
  const loaded = loadManifest(host, opts.manifest);
  if ('error' in loaded) {
    host.stderr(loaded.error);
    return 2;
  }
  const at = hostMounts(opts.dirs);
  if (typeof at === 'string') {
    host.stderr(at);
    return 2;
  }
  const mounts: HostDirMount[] = [];
  for (const [vfsPath, dir] of Object.entries(at)) {
    try {
      mounts.push({ vfsPath, hostPath: host.keel.directory(dir) });
    } catch (e) {
      host.stderr(`keel: --dir ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
  }
  const m = effectiveManifest(loaded, { hostDirs: mounts });
  const g = capabilityGraph(m);
  const services = Object.keys(m.services);
  if (!opts.quiet) {
    out(`manifest ${m.name ?? opts.manifest}: ${services.length} services, ${m.static === true ? 'static (the kernel enforces this graph)' : 'not static (handles may be passed on: take-grant closure)'}`);
    out('');
    out('capabilities:');
    const width = Math.max(...g.principals.map((p) => p.length));
    for (const p of g.principals) {
      const edges = g.edges.get(p) ?? [];
      const cls = p === PROGRAMS ? 'isolated, one worker each' : m.services[p]!.class;
      out(`  ${p.padEnd(width)}  [${cls}]  ${edges.length === 0 ? '(none)' : edges.map((e) => `${e.to} (${e.how})`).join(', ')}`);
    }
    out('');
    out('reach:');
    for (const p of g.principals) {
      const r = reachable(g, p);
      out(`  ${p.padEnd(width)}  ${r.length === 0 ? '(nothing)' : r.join(', ')}`);
    }
    out('');
  }
  const results = checkAssertions(m, g);
  if (results.length === 0) out('assertions: none');
  else out(`assertions: ${results.filter((r) => !r.chain).length} of ${results.length} hold`);
  for (const r of results) {
    const what = `${r.from} cannot reach ${r.cannotReach}`;
    if (!r.chain) out(`  ok    ${what}`);
    else {
      out(`  FAIL  ${what}${r.because ? ` (${r.because})` : ''}`);
      out(`        ${formatChain(r.chain)}`);
    }
  }
  return results.some((r) => r.chain) ? 1 : 0;
}

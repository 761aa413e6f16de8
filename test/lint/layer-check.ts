/**
 * The layering check: cruises `src/` under a root with dependency-cruiser and the repository's
 * rules (.dependency-cruiser.mjs), then adds the one check those rules cannot express: no cycle
 * between directories, each taken with only its own files, so a folder and a folder inside it
 * (runtime/ and runtime/wasi/) cannot import each other both ways either. The tool's own
 * folder-cycle rule takes each folder with all it contains, so it never sees that cycle.
 *
 * `checkLayers(root)` judges `root/src`: the repository for `npm run layers`, a temporary tree of
 * probe files for the tests that prove each rule fires. Type-only imports count.
 */

import { cruise, type ICruiseResult, type IModule } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { posix } from 'node:path';

/** The repository root (this file runs as dist/test/lint/layer-check.js). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * One broken rule: the importing file (or folder) and what it imports; for a cycle, the closed
 * path (first = last) and, for a directory cycle, one file import for each step of it.
 */
export interface LayerViolation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
  readonly cycle: readonly string[];
  readonly imports: readonly string[];
}

/** Every violation of the layering in `root/src`, sorted; none means the layering holds. */
export async function checkLayers(root: string): Promise<LayerViolation[]> {
  const options = await extractDepcruiseOptions(join(repoRoot, '.dependency-cruiser.mjs'));
  const { output } = await cruise(['src'], { ...options, baseDir: root });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report, not a result');
  return [...ruleViolations(output), ...directoryCycles(output.modules)]
    .sort((a, b) => describe(a).localeCompare(describe(b)));
}

/** One line per violation: `rule: from → to`, the cycle's path and its imports when it is one. */
export function describe(v: LayerViolation): string {
  const cycle = v.cycle.length > 0 ? ` (cycle: ${v.cycle.join(' → ')})` : '';
  const imports = v.imports.length > 0 ? ` [${v.imports.join('; ')}]` : '';
  return `${v.rule}: ${v.from} → ${v.to}${cycle}${imports}`;
}

function ruleViolations(result: ICruiseResult): LayerViolation[] {
  return result.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
    // The tool's cycle runs from `to` back to `from`; close it at `from`.
    cycle: v.cycle === undefined ? [] : [v.from, ...v.cycle.map((step) => step.name)],
    imports: [],
  }));
}

/**
 * The strongly connected parts of the graph of directories (each directory with its own files
 * only) that hold more than one directory: each is reported once, from its first directory in
 * name order, with the directories of the cycle in order.
 */
function directoryCycles(modules: readonly IModule[]): LayerViolation[] {
  const edges = new Map<string, Set<string>>();
  const example = new Map<string, string>(); // 'from\nto' → the first file import seen for it
  for (const m of [...modules].sort((a, b) => a.source.localeCompare(b.source))) {
    if (!m.source.startsWith('src/')) continue;
    const from = posix.dirname(m.source);
    const out = edges.get(from) ?? new Set<string>();
    edges.set(from, out);
    for (const d of m.dependencies) {
      const to = posix.dirname(d.resolved);
      if (!d.resolved.startsWith('src/') || to === from) continue;
      out.add(to);
      if (!example.has(`${from}\n${to}`)) example.set(`${from}\n${to}`, `${m.source} → ${d.resolved}`);
    }
  }
  return stronglyConnected(edges).map((part) => {
    const cycle = cycleThrough(part, edges);
    const imports = cycle.slice(1).map((to, i) => example.get(`${cycle[i] ?? ''}\n${to}`) ?? '');
    return { rule: 'no-directory-cycle', from: cycle[0] ?? '', to: cycle[1] ?? '', cycle, imports };
  });
}

/** Tarjan's algorithm; only parts of two or more nodes (a directory never imports itself here). */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const part: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      part.push(w);
      if (w === v) break;
    }
    if (part.length > 1) parts.push(part.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return parts;
}

/** A shortest cycle from the part's first directory back to itself, staying inside the part. */
function cycleThrough(part: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const start = part[0] ?? '';
  const inside = new Set(part);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i] ?? '';
    for (const w of [...(edges.get(v) ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = cameFrom.get(v); p !== undefined; p = cameFrom.get(p)) path.unshift(p);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...part];
}

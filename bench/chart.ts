/**
 * The benchmark chart: Keel ÷ node:wasi per benchmark, one bar per placement, on a log scale with
 * each bar drawn from the baseline at 1 to the ratio (left of 1 Keel is faster). Rendered to SVG with Vega-Lite, no browser.
 *
 *   node dist/bench/chart.js RESULTS.json OUT.svg     (re-draw a saved run)
 * The bench itself calls `ratioChart` after every run.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ChartRow {
  readonly benchmark: string;
  readonly variant: string;
  readonly ratio: number | null;
}

const PLACEMENT = /\s*\[all (isolated|kernel)\]$/;

export async function ratioChart(rows: readonly ChartRow[], title: string): Promise<string> {
  const values = rows.filter((r) => r.ratio !== null && r.ratio > 0).map((r) => ({
    test: `${r.benchmark}: ${r.variant.replace(PLACEMENT, '')}`,
    placement: PLACEMENT.exec(r.variant)?.[1] ?? 'default',
    ratio: r.ratio!,
  }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'Keel ÷ node:wasi, same run (lower is better; left of 1 Keel is faster)' },
    width: 560,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'test', type: 'nominal', title: null, sort: null, axis: { labelLimit: 800 } },
          yOffset: { field: 'placement', sort: ['default', 'isolated', 'kernel'] },
          x: { field: 'ratio', type: 'quantitative', title: 'ratio (log scale)', scale: { type: 'log', domainMin: 0.05 } },
          // Bars grow from the baseline (1), not from 0, which a log scale cannot place.
          x2: { datum: 1 },
          color: { field: 'placement', type: 'nominal', sort: ['default', 'isolated', 'kernel'], title: 'placement' },
        },
      },
      { data: { values: [{ x: 1 }] }, mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write('usage: node dist/bench/chart.js RESULTS.json OUT.svg\n');
    process.exit(2);
  }
  const run = JSON.parse(readFileSync(input, 'utf8')) as { date: string; machine: { cpus: number; model: string; node: string }; rows: ChartRow[] };
  writeFileSync(output, await ratioChart(run.rows, `Keel benchmarks, ${run.date.slice(0, 10)} — ${run.machine.cpus} × ${run.machine.model}, node ${run.machine.node}`));
}

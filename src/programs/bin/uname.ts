/**
 * uname [-asnrvmo]: what system this is — Keel's answer: kernel name `Keel`, node name `keel`,
 * release Keel's version, machine `wasm32` (what its programs are built for), operating system
 * `Keel`. -a prints them all in uname's order.
 */

import type { Sys } from '../../sys/sys.js';
import { usage } from '../lib/inputs.js';

const FIELDS: readonly (readonly [string, string])[] = [
  ['s', 'Keel'], ['n', 'keel'], ['r', '0.1.0'], ['v', '#1'], ['m', 'wasm32'], ['p', 'unknown'], ['i', 'unknown'], ['o', 'Keel'],
];

export function main(sys: Sys): number {
  const want = new Set<string>();
  for (const a of sys.args.slice(1)) {
    if (a === '--all') want.add('a');
    else if (/^-[asnrvmpio]+$/.test(a)) for (const c of a.slice(1)) want.add(c);
    else return usage(sys, 'uname', a.startsWith('-') ? `invalid option -- '${a[1] ?? ''}'` : `extra operand '${a}'`);
  }
  if (want.size === 0) want.add('s');
  const all = want.has('a');
  const out = FIELDS.filter(([c, v]) => (all ? v !== 'unknown' : want.has(c))).map(([, v]) => v);
  sys.write(1, `${out.join(' ')}\n`);
  return 0;
}

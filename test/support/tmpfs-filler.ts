/**
 * A worker for test/services/tmpfs.test.ts: fill a tmpfs made with the default limits with one
 * hostile mix (workerData.mix) until a call fails, then post { made, errno, metadata }. Names
 * and targets are decoded from bytes, as the protocol decodes them (flat strings, not ropes).
 */

import { parentPort, workerData } from 'node:worker_threads';
import { FileType, ROOT_NODE } from '../../src/abi/protocols/fs.js';
import { MAX_DEPTH, SYMLINK_MAX, Tmpfs } from '../../src/services/tmpfs/tmpfs.js';
import { DATA_PAGE_BYTES } from '../../src/services/tmpfs/tmpfs-data.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const flat = (s: string): string => dec.decode(enc.encode(s));

const fs = new Tmpfs(() => 1n, { firstNode: 2 ** 33 });
const { mix } = workerData as { mix: string };
const one = new Uint8Array(1);
let chainDir = ROOT_NODE, chainDepth = MAX_DEPTH;
let sparse = -1;

const steps: Record<string, (i: number) => number> = {
  'tiny-files': (i) => {
    const r = fs.create(ROOT_NODE, flat(`f${i}`), FileType.REGULAR_FILE, true, '');
    if (typeof r === 'number') return r;
    const w = fs.write(r.node, 0, one, false);
    return typeof w === 'number' ? w : 0;
  },
  'long-names': (i) => {
    const r = fs.create(ROOT_NODE, flat(String(i).padStart(255, 'n')), FileType.REGULAR_FILE, true, '');
    return typeof r === 'number' ? r : 0;
  },
  'long-targets': (i) => {
    const r = fs.create(ROOT_NODE, flat(`l${i}`), FileType.SYMBOLIC_LINK, true, flat(String(i).padStart(SYMLINK_MAX, 't')));
    return typeof r === 'number' ? r : 0;
  },
  'deep-dirs': (i) => {
    if (chainDepth === MAX_DEPTH) {
      chainDir = ROOT_NODE;
      chainDepth = 0;
    }
    const r = fs.create(chainDir, flat(`d${i}`), FileType.DIRECTORY, true, '');
    if (typeof r === 'number') return r;
    chainDir = r.node;
    chainDepth++;
    return 0;
  },
  'sparse-pages': (i) => {
    if (sparse < 0) {
      const r = fs.create(ROOT_NODE, 'sparse', FileType.REGULAR_FILE, true, '');
      if (typeof r === 'number') return r;
      sparse = r.node;
    }
    const w = fs.write(sparse, i * 3 * DATA_PAGE_BYTES, one, false);
    return typeof w === 'number' ? w : 0;
  },
};
const kinds = Object.keys(steps);
steps['mixed'] = (i) => steps[kinds[i % kinds.length]!]!(i);

const step = steps[mix];
if (!step) throw new Error(`no such mix: ${mix}`);
let made = 0, errno = 0;
while ((errno = step(made)) === 0) made++;
parentPort!.postMessage({ made, errno, metadata: fs.space.metadata });

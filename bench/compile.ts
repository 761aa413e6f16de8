/**
 * Compiling C in Keel against node:wasi, with the same clang (@yowasp/clang, one 75 MB WASI
 * program) and the same sources:
 *
 *   compile  cc -O2 hello.c -o hello                      (one source: -###, compile, link)
 *   compile  cc -O2 -Iinclude main.c util.c words.c …     (three sources: -###, 3 compiles, link)
 *
 * Keel: a system booted with its shell and a /usr disk image onto which `pkg add @yowasp/clang`
 * installed clang from a registry on 127.0.0.1 (the real package's bytes; not timed), then
 * `cc …` run from start to exit — the driver asks clang for its jobs and runs each as its own
 * process, loading clang from /usr (diskfs) each time. node:wasi: the same `clang -###` and jobs
 * run one after another on one compiled module (what a node:wasi driver such as yowasp's does),
 * in a process of its own, the module compiled before the clock starts, the sources on a host
 * directory (test/support/clang-reference.ts). The outputs must be byte-identical.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootKeel } from '../src/platform/node/index.js';
import { CLANG, CLANG_VERSION, clangTarball, startRegistry } from '../test/support/npm-registry.js';
import { referenceCompile } from '../test/support/clang-reference.js';
import { median } from './median.js';

export interface CompileRow {
  readonly benchmark: string;
  readonly variant: string;
  readonly keel: number;
  readonly baseline: number;
  readonly unit: string;
}


function writeSources(dir: string): void {
  mkdirSync(join(dir, 'include'), { recursive: true });
  writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { printf("hello, world\\n"); return 0; }\n');
  writeFileSync(join(dir, 'include', 'util.h'), '#ifndef UTIL_H\n#define UTIL_H\nint square(int x);\nconst char *greeting(void);\n#endif\n');
  writeFileSync(join(dir, 'main.c'), '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%s %d\\n", greeting(), square(7)); return 0; }\n');
  writeFileSync(join(dir, 'util.c'), '#include "util.h"\nint square(int x) { return x * x; }\n');
  writeFileSync(join(dir, 'words.c'), '#include "util.h"\nconst char *greeting(void) { return "seven squared is"; }\n');
}

export async function compileBench(quick: boolean, progress: (msg: string) => void): Promise<CompileRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-cc-'));
  const src = join(dir, 'src'), ref = join(dir, 'ref');
  mkdirSync(src);
  mkdirSync(ref);
  writeSources(src);
  const registry = await startRegistry([{ name: CLANG, version: CLANG_VERSION, tarball: clangTarball() }]);
  const keel = await bootKeel({ shell: true, dirs: { '/src': src }, disks: { '/usr': { image: join(dir, 'usr.img'), size: 1024 * 1024 * 1024 } }, registry: registry.url });
  const rows: CompileRow[] = [];
  try {
    progress('compile: pkg add @yowasp/clang (not timed)');
    // Through the shell: proc grants the registry to the pkg it starts (a program the host starts gets none).
    const add = await keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', `pkg add ${CLANG}`], dirs: ['/'] });
    if (add.exitCode !== 0) throw new Error(`compile bench: pkg add failed: ${add.stderr}`);
    const cases: [string, string[], string][] = [
      ['cc -O2 hello.c (one source)', ['-O2', 'hello.c'], 'hello'],
      ['cc -O2 -Iinclude main.c util.c words.c (three sources)', ['-O2', '-Iinclude', 'main.c', 'util.c', 'words.c'], 'prog'],
    ];
    for (const [variant, args, out] of cases) {
      progress(`compile: ${variant}`);
      const k: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const t0 = performance.now();
        const r = await keel.run({ path: '/bin/cc' }, { args: ['cc', ...args, '-o', out], dirs: ['/'], env: { PATH: '/bin:/usr/bin', PWD: '/src' } });
        k.push(performance.now() - t0);
        if (r.exitCode !== 0) throw new Error(`compile bench: cc failed in Keel: ${r.stderr}`);
        const reference = await referenceCompile([...args.map((a) => (a.endsWith('.c') ? `/src/${a}` : a.replace('-Iinclude', '-I/src/include'))), '-o', `/ref/${out}`], { '/src': src, '/ref': ref });
        b.push(reference.ms);
        if (reference.crashes > 0) progress(`compile: node:wasi died of a V8 segfault ${reference.crashes}× running clang; ran it again`);
        if (reference.code !== 0) throw new Error('compile bench: clang failed under node:wasi');
        if (!readFileSync(join(src, out)).equals(readFileSync(join(ref, out)))) throw new Error(`compile bench: Keel's ${out} and node:wasi's differ`);
      }
      rows.push({ benchmark: 'compile', variant, keel: median(k), baseline: median(b), unit: 'ms (start to exit; clang from /usr on diskfs)' });
    }
  } finally {
    await keel.shutdown();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

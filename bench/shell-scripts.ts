/**
 * Shell scripts in Keel against dash with the host's coreutils on the same machine: what process
 * start and pipes cost in a real script.
 *
 *   shell-script  1000 short processes: `for i in $(seq 1000); do echo $i | wc -c; done`
 *                 (echo is a builtin in both shells: one program started per iteration)
 *   shell-script  a 10-stage pipeline over 10 MB of text (cat tr grep sed cut awk sort uniq sort head)
 *
 * Keel runs `sh -c SCRIPT` in a system booted with its shell and utilities, the input on a host
 * directory (hostfs); the baseline runs `dash -c SCRIPT` in that directory. Both are timed from
 * start to exit, and their outputs must agree. `quick` makes the sizes 10 times smaller.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootKeel } from '../src/platform/node/index.js';
import { median } from './median.js';

export interface ShellScriptRow {
  readonly benchmark: string;
  readonly variant: string;
  readonly keel: number;
  readonly baseline: number;
  readonly unit: string;
}


/** Deterministic text: `lines` lines of five words from a small vocabulary. */
function corpus(lines: number): string {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'key', 'value', 'keel', 'shell', 'pipe', 'stage', 'xyz', 'omega'];
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`${words[next() % words.length]!}${next() % 100} ${words[next() % words.length]!} ${words[next() % words.length]!}${next() % 10} ${words[next() % words.length]!} ${next() % 1000}`);
  return `${out.join('\n')}\n`;
}

export async function shellScripts(quick: boolean, progress: (msg: string) => void): Promise<ShellScriptRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-sh-'));
  const megabytes = quick ? 1 : 10;
  const processes = quick ? 100 : 1000;
  const rounds = quick ? 1 : 2;
  let text = corpus(1000);
  while (text.length < megabytes * 1024 * 1024) text += text;
  writeFileSync(join(dir, 'big.txt'), text.slice(0, megabytes * 1024 * 1024).replace(/[^\n]*$/, ''));
  const scripts: [string, string][] = [
    [`${processes} short processes (echo $i | wc -c)`, `for i in $(seq ${processes}); do echo $i | wc -c; done | tail -1`],
    [`10-stage pipeline over ${megabytes} MB`, "cat big.txt | tr 'a-z' 'A-Z' | grep -v XYZ | sed 's/KEY/key/' | cut -d' ' -f1-4 | awk '{print $2, $4}' | sort | uniq -c | sort -rn | head -5"],
  ];
  const rows: ShellScriptRow[] = [];
  const keel = await bootKeel({ shell: true, dirs: { '/data': dir } });
  try {
    for (const [variant, script] of scripts) {
      progress(`shell-script: ${variant}`);
      const k: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        const r = await keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', script], dirs: ['/'], env: { PATH: '/bin', PWD: '/data', LC_ALL: 'C' } });
        k.push(performance.now() - t0);
        const t1 = performance.now();
        const d = spawnSync('dash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, maxBuffer: 1 << 26 });
        b.push(performance.now() - t1);
        if (r.exitCode !== 0 || d.status !== 0 || r.stdout !== d.stdout) {
          throw new Error(`shell-script bench: Keel and dash disagree on ${variant}:\nkeel (${r.exitCode}): ${r.stdout}${r.stderr}\ndash (${d.status}): ${d.stdout}${d.stderr}`);
        }
      }
      rows.push({ benchmark: 'shell-script', variant, keel: median(k), baseline: median(b), unit: 'ms (start to exit; baseline dash + coreutils)' });
    }
  } finally {
    await keel.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

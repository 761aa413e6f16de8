/**
 * A host process that swaps two names in a directory as fast as it can — a directory and a
 * symlink to the outside, by three renames each way — until told to stop (or 60 s pass): the race
 * the hostfs confinement tests run their clients against.
 */

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DirSwapper {
  /** Stop it; resolves with how many swaps it made. */
  stop(): Promise<number>;
}

/** Start swapping `a` and `b` in `dir`; `scratch` is a directory for its stop file. */
export function startDirSwapper(dir: string, a: string, b: string, scratch: string): DirSwapper {
  const stopFile = join(scratch, 'stop-swapping');
  const child = spawn(process.execPath, ['-e', `
    const fs = require('fs'), p = require('path');
    const d = ${JSON.stringify(dir)}, a = ${JSON.stringify(a)}, b = ${JSON.stringify(b)};
    const stop = ${JSON.stringify(stopFile)}, end = Date.now() + 60000;
    let n = 0;
    while (!fs.existsSync(stop) && Date.now() < end) {
      try { fs.renameSync(p.join(d, a), p.join(d, 'tmp')); fs.renameSync(p.join(d, b), p.join(d, a));
            fs.renameSync(p.join(d, 'tmp'), p.join(d, b)); n++; } catch {}
      try { fs.renameSync(p.join(d, b), p.join(d, 'tmp')); fs.renameSync(p.join(d, a), p.join(d, b));
            fs.renameSync(p.join(d, 'tmp'), p.join(d, a)); n++; } catch {}
    }
    process.stdout.write(String(n));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    async stop() {
      writeFileSync(stopFile, '');
      await exited;
      return Number(out);
    },
  };
}

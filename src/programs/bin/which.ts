/**
 * which [-a] NAME...: the file each NAME runs as a command, found as the shell finds it (PATH,
 * then NAME.wasm; lib/find-command.ts); -a: every match. Status 1 if any NAME was not found (it
 * prints nothing for it, as Debian's which).
 */

import type { Sys } from '../../sys/sys.js';
import { guarded } from '../lib/inputs.js';

export function main(sys: Sys): number {
  let all = false;
  const names: string[] = [];
  for (const a of sys.args.slice(1)) {
    if (a === '-a') all = true;
    else if (a !== '--') names.push(a);
  }
  const path = sys.env.get('PATH') ?? '/bin';
  const isFile = (p: string): boolean => {
    try {
      return sys.stat(p).type === 'file';
    } catch {
      return false;
    }
  };
  return guarded(sys, 'which', () => {
    let status = names.length === 0 ? 1 : 0;
    for (const name of names) {
      const found: string[] = [];
      if (name.includes('/')) {
        if (isFile(name)) found.push(name);
      } else {
        for (const dir of path.split(':')) {
          for (const c of [`${dir || '.'}/${name}`, `${dir || '.'}/${name}.wasm`]) {
            if (isFile(c) && !found.includes(c)) found.push(c);
            if (found.length > 0 && !all) break;
          }
          if (found.length > 0 && !all) break;
        }
      }
      if (found.length === 0) status = 1;
      for (const f of found) sys.write(1, `${f}\n`);
    }
    return status;
  });
}

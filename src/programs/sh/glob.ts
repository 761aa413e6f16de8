/**
 * Pathname expansion for the shell: a pattern such as `/tmp/*.txt` or `src/*\/*.c` becomes the
 * sorted list of existing paths it matches, walking one directory level per pattern component
 * with `sys.readdir`. Components without glob characters are taken as they are (they need not be
 * listable). Names starting with `.` match only a pattern component that starts with `.`.
 */

import type { Sys } from '../../sys/sys.js';
import { globMatch } from './expand.js';

const GLOB_CHAR = /(^|[^\\])[*?[]/;

/** Remove backslash escapes (a component without glob characters names a file literally). */
function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function globPaths(sys: Sys, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p) => p !== '');
  let found: string[] = [absolute ? '/' : ''];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of found) {
      const join = (name: string): string => (base === '' ? name : base.endsWith('/') ? `${base}${name}` : `${base}/${name}`);
      if (!GLOB_CHAR.test(part)) {
        const path = join(unescape(part));
        if (!last || sys.exists(path) || isLink(sys, path)) next.push(path);
        continue;
      }
      let names: string[];
      try {
        names = sys.readdir(base === '' ? '.' : base).map((e) => e.name);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !part.startsWith('.')) continue;
        if (globMatch(part, name)) next.push(join(name));
      }
    }
    found = next;
    if (found.length === 0) break;
  }
  return found.filter((p) => p !== '' && p !== '/' || parts.length === 0).sort();
}

function isLink(sys: Sys, path: string): boolean {
  try {
    return sys.lstat(path).type === 'symlink';
  } catch {
    return false;
  }
}

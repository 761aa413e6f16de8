/**
 * Pathname expansion for the shell (XCU 2.13.3): a pattern such as `/tmp/*.txt` or `src/*\/*.c`
 * becomes the sorted list of existing paths it matches, walking one directory level per pattern
 * component with `sys.readdir`. Components without pattern characters are taken as they are
 * (they need not be listable). A name starting with `.` matches only a component that starts
 * with a literal `.`. The pattern's quoted characters arrive escaped with `\` (pattern.ts).
 */

import type { Sys } from '../../sys/sys.js';
import { hasPatternChars, matchPattern } from './pattern.js';

/** Remove backslash escapes (a component without pattern characters names a file literally). */
function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Splits at `/` that are not escaped. */
function components(pattern: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      cur += c + pattern[++i]!;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function globPaths(sys: Sys, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = components(pattern).filter((p) => p !== '');
  const trailingSlash = pattern.endsWith('/');
  let found: string[] = [absolute ? '/' : ''];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of found) {
      const join = (name: string): string => (base === '' ? name : base.endsWith('/') ? `${base}${name}` : `${base}/${name}`);
      if (!hasPatternChars(part)) {
        const path = join(unescape(part));
        if (!last || exists(sys, path)) next.push(path);
        continue;
      }
      let entries: { name: string; type: string }[];
      try {
        entries = sys.readdir(base === '' ? '.' : base);
      } catch {
        continue;
      }
      const literalDot = part.startsWith('.') || part.startsWith('\\.');
      for (const e of entries.sort((a, b) => byteOrder(a.name, b.name))) {
        if (e.name.startsWith('.') && !literalDot) continue;
        if (!matchPattern(part, e.name)) continue;
        const path = join(e.name);
        if (!last || trailingSlash) {
          if (!isDir(sys, path)) continue;
        }
        next.push(path);
      }
    }
    found = next;
    if (found.length === 0) break;
  }
  const result = found.filter((p) => p !== '' && (p !== '/' || parts.length === 0));
  return (trailingSlash ? result.map((p) => `${p}/`) : result).sort(byteOrder);
}

function exists(sys: Sys, path: string): boolean {
  try {
    sys.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function isDir(sys: Sys, path: string): boolean {
  try {
    return sys.stat(path).type === 'dir';
  } catch {
    return false;
  }
}

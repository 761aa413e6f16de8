/**
 * Path arithmetic for the `sys` API, by name only (no file-system access): `.` and empty
 * components vanish, `..` removes the previous component and never climbs above `/`.
 * The result is absolute, has no trailing slash (except `/` itself) and no `.`/`..` components.
 */

/** Normalise an absolute path. */
export function normalizePath(abs: string): string {
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** The last component of `path` (`/` for the root). */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path.startsWith('/') ? '/' : '';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Everything before the last component (`.` when there is none). */
export function dirName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return trimmed.slice(0, i);
}

/** Join path pieces with single slashes. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/{2,}/g, '/');
}

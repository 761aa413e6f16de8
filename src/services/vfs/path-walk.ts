/**
 * Path resolution for the VFS: walk a relative path from an open directory, one component at a
 * time, across mount points, resolving symlinks inside the namespace.
 *
 * Confinement rules (WASI's, and Keel's promise for hostfs):
 *   - a walk starts at the directory of a fid and may never climb above it: `..` at that floor
 *     is ENOTCAPABLE, whether it comes from the path or from a symlink's target;
 *   - an absolute path, or a symlink whose target is absolute, is ENOTCAPABLE;
 *   - at most MAX_SYMLINKS symlinks per walk (ELOOP beyond);
 *   - a trailing `/` requires the final node to be a directory (and follows a final symlink).
 * The walk tracks the absolute VFS path of where it is, built only from components it resolved,
 * so mount points are matched exactly.
 */

import { Errno } from '../../abi/errno.js';
import { FileType } from '../../abi/protocols/fs.js';
import { NAME_MAX, PATH_MAX } from '../../abi/protocols/vfs.js';

export const MAX_SYMLINKS = 40;

const encoder = new TextEncoder();

/** Bytes of `text` in UTF-8, counted only when it could exceed `limit` (it is at most 3 per code unit). */
function utf8LongerThan(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  return text.length * 3 > limit && encoder.encode(text).length > limit;
}

/** A place in the namespace: a node of a mounted file system, and the absolute path to it. */
export interface Place {
  readonly mount: number;
  readonly node: number;
  readonly type: number;
  /** Absolute VFS path components ([] is `/`). */
  readonly path: readonly string[];
}

export interface WalkFs {
  lookup(mount: number, dir: number, name: string): { node: number; type: number } | number;
  /**
   * Several lookups, each in the node the one before found (as WalkFs.lookup each): what was
   * found, in order, stopping after a node that is not a directory, and the errno of the
   * component after the last found (0: none failed). Optional: without it the walk looks up one
   * component at a time.
   */
  walkMany?(mount: number, dir: number, names: readonly string[]): { found: { node: number; type: number }[]; error: number };
  readlink(mount: number, node: number): string | number;
  /** The root of the mount at absolute path `path`, if one is mounted exactly there. */
  mountAt(path: readonly string[]): Place | null;
}

export interface ParentAndName {
  readonly parent: Place;
  /** The final component ('' when the path was empty). */
  readonly name: string;
  readonly trailingSlash: boolean;
}

function split(path: string): { parts: string[]; absolute: boolean; trailingSlash: boolean } | number {
  if (utf8LongerThan(path, PATH_MAX - 1)) return Errno.NAMETOOLONG;
  if (path.includes('\0')) return Errno.ILSEQ;
  const absolute = path.startsWith('/');
  const trailingSlash = path.length > 1 && path.endsWith('/');
  const parts = path.split('/').filter((p) => p.length > 0);
  for (const p of parts) if (utf8LongerThan(p, NAME_MAX)) return Errno.NAMETOOLONG;
  return { parts, absolute, trailingSlash };
}

/**
 * Walk every component of `path` except the last, from `start` (the floor). Returns the parent
 * directory and the final name. Symlinks in intermediate positions are followed.
 */
export function walkParent(fs: WalkFs, start: Place, path: string): ParentAndName | number {
  const s = split(path);
  if (typeof s === 'number') return s;
  if (s.absolute) return Errno.NOTCAPABLE;
  if (s.parts.length === 0) return path.length === 0 ? Errno.NOENT : { parent: start, name: '.', trailingSlash: s.trailingSlash };
  const stack: Place[] = [start];
  const pending = s.parts.slice(0, -1);
  const r = walkInto(fs, stack, pending, { links: 0 });
  if (typeof r === 'number') return r;
  return { parent: stack[stack.length - 1]!, name: s.parts[s.parts.length - 1]!, trailingSlash: s.trailingSlash };
}

/** Walk the whole of `path` from `start`; a final symlink is followed when `follow` (or a trailing slash). */
export function walk(fs: WalkFs, start: Place, path: string, follow: boolean): Place | number {
  const s = split(path);
  if (typeof s === 'number') return s;
  if (s.absolute) return Errno.NOTCAPABLE;
  if (path.length === 0) return Errno.NOENT;
  const stack: Place[] = [start];
  const r = walkInto(fs, stack, s.parts, { links: 0 }, follow || s.trailingSlash);
  if (typeof r === 'number') return r;
  const end = stack[stack.length - 1]!;
  if (s.trailingSlash && end.type !== FileType.DIRECTORY) return Errno.NOTDIR;
  return end;
}

/** Components looked up in one walkMany at most. */
const MAX_BATCH = 64;

/**
 * The components at the head of `queue` that one walkMany from `at` may resolve: ordinary names
 * (no `.` or `..`), up to and including the first whose path is a mount point (what follows it
 * is in the mounted file system).
 */
function batchFrom(fs: WalkFs, at: readonly string[], queue: readonly string[]): string[] {
  const batch: string[] = [];
  let path = at;
  for (const name of queue) {
    if (name === '.' || name === '..' || batch.length === MAX_BATCH) break;
    batch.push(name);
    path = [...path, name];
    if (fs.mountAt(path)) break;
  }
  return batch;
}

/** Resolve `parts` onto `stack` (whose first entry is the floor). */
function walkInto(fs: WalkFs, stack: Place[], parts: string[], budget: { links: number }, followFinal = true): number | null {
  const queue = parts.slice();
  while (queue.length > 0) {
    const here = stack[stack.length - 1]!;
    const first = queue[0]!;
    if (first === '.' || first === '..') {
      queue.shift();
      if (here.type !== FileType.DIRECTORY) return Errno.NOTDIR;
      if (first === '..') {
        if (stack.length === 1) return Errno.NOTCAPABLE;
        stack.pop();
      }
      continue;
    }
    if (here.type !== FileType.DIRECTORY) return Errno.NOTDIR;
    const batch = fs.walkMany ? batchFrom(fs, here.path, queue) : [first];
    let found: { node: number; type: number }[];
    let error: number;
    if (batch.length > 1) ({ found, error } = fs.walkMany!(here.mount, here.node, batch));
    else {
      const one = fs.lookup(here.mount, here.node, first);
      ({ found, error } = typeof one === 'number' ? { found: [], error: one } : { found: [one], error: 0 });
    }
    let diverted = false;
    for (const f of found) {
      const name = queue.shift()!;
      const isFinal = queue.length === 0;
      const at = stack[stack.length - 1]!;
      if (f.type === FileType.SYMBOLIC_LINK && (!isFinal || followFinal)) {
        const r = followLink(fs, at, f.node, isFinal, queue, budget);
        if (r !== null) return r;
        diverted = true;
        break;
      }
      const path = [...at.path, name];
      const mounted = f.type === FileType.DIRECTORY ? fs.mountAt(path) : null;
      stack.push(mounted ?? { mount: at.mount, node: f.node, type: f.type, path });
      if (f.type !== FileType.DIRECTORY) break;
    }
    if (!diverted && error !== 0) return error;
  }
  return null;
}

/** Put a symlink's target (in `at`) at the head of `queue`; an errno if it may not be followed. */
function followLink(fs: WalkFs, at: Place, node: number, isFinal: boolean, queue: string[], budget: { links: number }): number | null {
  if (++budget.links > MAX_SYMLINKS) return Errno.LOOP;
  const target = fs.readlink(at.mount, node);
  if (typeof target === 'number') return target;
  if (target.startsWith('/')) return Errno.NOTCAPABLE;
  if (target.length === 0) return Errno.NOENT;
  const t = split(target);
  if (typeof t === 'number') return t;
  const more = t.parts.length > 0 ? t.parts : ['.'];
  if (t.trailingSlash && isFinal) more.push('.');
  queue.unshift(...more);
  return null;
}

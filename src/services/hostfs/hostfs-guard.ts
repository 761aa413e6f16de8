/**
 * What a hostfs must never let a client reach although it lies inside the served tree: Keel's own
 * disk images and their lock files (a program given `--dir ~` must not be able to overwrite
 * `~/.keel/home.img`), and the directories leading to them.
 *
 * The boot sequence (system/image-guard.ts) describes them by host identity, since the tree can be
 * reached through any mount and any path:
 *   - `names`: (directory device, directory inode, name) — the image and its lock file by name,
 *     so they cannot be looked up, made, replaced by a rename or linked to; they are left out of
 *     directory listings;
 *   - `files`: (device, inode) of each image that exists at boot, so another hard link to it is
 *     refused too;
 *   - `dirs`: (device, inode) of each directory holding an image and of its ancestors, which may
 *     not be renamed or removed (EBUSY, as a mount point), so the image cannot be moved away.
 */

export interface Identity {
  readonly dev: number;
  readonly ino: number;
}

export interface ProtectedSet {
  readonly names: readonly (Identity & { readonly name: string })[];
  readonly files: readonly Identity[];
  readonly dirs: readonly Identity[];
}

export const NOTHING_PROTECTED: ProtectedSet = { names: [], files: [], dirs: [] };

const same = (a: Identity, b: Identity): boolean => a.dev === b.dev && a.ino === b.ino;

export class ImageGuard {
  constructor(private readonly set: ProtectedSet = NOTHING_PROTECTED) {}

  /** True if `name` inside the directory `dir` is one of Keel's images or lock files. */
  hidesName(dir: Identity, name: string): boolean {
    return this.set.names.some((p) => p.name === name && same(p, dir));
  }

  /** True if the object `st` is one of Keel's images (reached by any name). */
  hidesObject(st: Identity): boolean {
    return this.set.files.some((p) => same(p, st));
  }

  /** True if the directory `st` holds an image, or leads to one: it may not be moved or removed. */
  pins(st: Identity): boolean {
    return this.set.dirs.some((p) => same(p, st));
  }

  get empty(): boolean {
    return this.set.names.length === 0 && this.set.files.length === 0;
  }
}

/** Parse the `protect` entry of a hostfs service's configuration (from the boot sequence). */
export function protectedSetFrom(value: unknown): ProtectedSet {
  if (typeof value !== 'object' || value === null) return NOTHING_PROTECTED;
  const v = value as Record<string, unknown>;
  const ids = (list: unknown): Identity[] => (Array.isArray(list) ? list : []).filter(
    (x): x is Identity => typeof x === 'object' && x !== null && typeof (x as Identity).dev === 'number' && typeof (x as Identity).ino === 'number');
  const names = ids(v['names']).filter((x): x is Identity & { name: string } => typeof (x as { name?: unknown }).name === 'string');
  return { names, files: ids(v['files']), dirs: ids(v['dirs']) };
}

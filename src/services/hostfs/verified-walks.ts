/**
 * hostfs's verified walks: the nodes a walk of several components found (fs `walk`, one call
 * for a path's components), by where it started and the names walked. Walking a path
 * again costs hostfs a lookup per component, each an lstat through its directory's handle
 * (/proc/self/fd/N/NAME: ~7 µs here, so ~60 µs for a path nine deep). A kept walk is reused when
 * two host calls show it still holds (Hostfs.walk): the path, lstat'ed whole, still reaches the
 * same object (dev, inode), and the last node still stands for that object under its directory's
 * handle and name.
 *
 * Why this cannot widen confinement: a walk only names nodes the table already holds, and every
 * operation on a node still reaches the host through its parent's directory handle and its own
 * name, never through a path; the whole-path lstat (which may pass through a symlink a host
 * process planted) only decides whether to reuse the answer, and reaching the very object an
 * earlier walk reached inside the root grants nothing new. A walk whose check fails is walked
 * again component by component, as before.
 */

/** The nodes a walk found, one per name, in order; the last node's own (dev, inode) is the object it reached. */
export type VerifiedWalk = readonly { node: number; type: number }[];

/** Walks kept at most; past this the table starts again (a tree being rebuilt churns through them). */
const MAX_WALKS = 4096;

export class VerifiedWalks {
  private readonly walks = new Map<string, VerifiedWalk>();

  static key(dir: number, names: readonly string[]): string {
    return `${dir}/${names.join('/')}`;
  }

  get(key: string): VerifiedWalk | undefined {
    return this.walks.get(key);
  }

  set(key: string, walk: VerifiedWalk): void {
    if (this.walks.size >= MAX_WALKS) this.walks.clear();
    this.walks.set(key, walk);
  }

  forget(key: string): void {
    this.walks.delete(key);
  }
}

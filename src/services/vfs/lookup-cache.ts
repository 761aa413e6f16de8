/**
 * The VFS's copy of directory entries of a file system in another thread: (directory node, name)
 * → (node, type), so a path walk does not pay one IPC call per component.
 *
 * This is state kept twice — the file system has the same entries. It pays across a thread
 * boundary, and coalesced too: there a lookup is not a bare function call but a message encoded,
 * dispatched and decoded (ipc/server-thread.ts dispatchLocal), which cost a 9-component walk
 * about 40% of an open-stat-close round (bench). It is used only for file systems that change
 * only through this VFS (tmpfs, devfs, diskfs), never for hostfs, whose directories other host
 * processes change.
 *
 * Invariant: every namespace change the VFS makes on the file system (create, unlink, rename,
 * link) drops the affected (directory, name) keys before it is made. Negative answers are not
 * kept. The cache is bounded; when full it starts over. It starts over too when the file system's
 * channel is served by a new incarnation (a supervisor restart: Caller.incarnation).
 */

const MAX_ENTRIES = 8192;

export class LookupCache {
  private readonly entries = new Map<string, { node: number; type: number }>();

  private static key(dir: number, name: string): string {
    return `${dir}/${name}`;
  }

  get(dir: number, name: string): { node: number; type: number } | undefined {
    return this.entries.get(LookupCache.key(dir, name));
  }

  set(dir: number, name: string, entry: { node: number; type: number }): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(LookupCache.key(dir, name), entry);
  }

  drop(dir: number, name: string): void {
    this.entries.delete(LookupCache.key(dir, name));
  }

  /** Forget everything (the file system was restarted: its node numbers mean nothing now). */
  clear(): void {
    this.entries.clear();
  }

}

/**
 * A local kernel's own descriptor of a host object hostfs holds open (direct host files and
 * directories, docs/decisions/024-direct-host-files.md): reopened from hostfs's descriptor and
 * kept only if it is the very object the grant named — same device, inode and type — else closed
 * at once. Shared by direct-files.ts and direct-host-dirs.ts.
 */

import type { HostFiles } from '../host/host-files.js';

/** What a grant says the reopened descriptor must be. */
export interface HostIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly type: number;
}

/** A descriptor of the object open as hostfs's `fd`, with the access asked, if it is `want`; else null. */
export function reopenIdentical(files: HostFiles, fd: number, read: boolean, write: boolean, want: HostIdentity): number | null {
  const own = files.reopen(fd, read, write);
  if (own === null) return null;
  try {
    const st = files.fstat(own);
    if (st.dev === want.dev && st.ino === want.ino && st.type === want.type) return own;
  } catch {
    // Not usable: closed below.
  }
  closeQuietly(files, own);
  return null;
}

/** Close a descriptor of ours; a failing close has nothing more to free. */
export function closeQuietly(files: HostFiles, fd: number): void {
  try {
    files.close(fd);
  } catch {
    // Nothing more to free.
  }
}

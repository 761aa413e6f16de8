/**
 * What the boot sequence tells each hostfs about the host it shares with the rest of Keel:
 *   - which objects in its tree are Keel's own disk images (and their lock files), by host
 *     identity, so no client reaches them through a `--dir` (services/hostfs/hostfs-guard.ts);
 *   - how many host descriptors it may hold: the host process's limit, less a reserve for
 *     Keel's own threads, images and sockets, split between the hostfs instances, so programs
 *     holding many host files cannot leave Keel unable to start a worker or open an image.
 * Both are decided on the kernel thread from trusted paths only (the manifest, `--home`, the
 * library's `disks`), before any service starts.
 */

import type { HostFs } from '../host/host-fs.js';
import type { Identity, ProtectedSet } from '../services/hostfs/hostfs-guard.js';
import { lockPath } from '../services/diskfs/diskfs-service.js';

/** Descriptors assumed when the host does not say. */
const UNKNOWN_LIMIT = 4096;

function split(path: string): { dir: string; name: string } {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return { dir: i <= 0 ? path.slice(0, i + 1) || '.' : path.slice(0, i), name: path.slice(i + 1) };
}

/** Every directory from `path` up to the root, `path` first. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = path; ; p = split(p).dir) {
    out.push(p);
    if (split(p).dir === p || p === '/' || p === '.' || out.length > 4096) return out;
  }
}

/** The identities to hide from every hostfs: each image, its lock file and the directories above them. */
export function protectedImages(host: HostFs, images: readonly string[]): ProtectedSet {
  const names: (Identity & { name: string })[] = [];
  const files: Identity[] = [];
  const dirs: Identity[] = [];
  const id = (p: string): Identity | null => {
    try {
      const st = host.lstat(p);
      return { dev: st.dev, ino: st.ino };
    } catch {
      return null;
    }
  };
  for (const image of images) {
    let real: string;
    try {
      real = host.realpath(split(image).dir);
    } catch {
      continue; // no such directory: the diskfs will fail to start and say so
    }
    const dir = id(real);
    if (!dir) continue;
    const { name } = split(image);
    names.push({ ...dir, name }, { ...dir, name: split(lockPath(image)).name });
    const file = id(`${real}/${name}`);
    if (file) files.push(file);
    for (const a of ancestors(real)) {
      const d = id(a);
      if (d) dirs.push(d);
    }
  }
  return { names, files, dirs };
}

/** Host descriptors each of `instances` hostfs services may hold. */
export function descriptorShare(host: HostFs, instances: number): number {
  const limit = host.descriptorLimit() || UNKNOWN_LIMIT;
  const reserve = Math.max(1024, Math.floor(limit / 4));
  return Math.max(64, Math.floor((limit - reserve) / Math.max(1, instances)));
}

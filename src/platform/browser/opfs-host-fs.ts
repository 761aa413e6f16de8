/**
 * Disk images in the browser's Origin Private File System, behind the HostFs interface diskfs is
 * written against. OPFS gives synchronous reads and writes only through a file's sync access
 * handle, which is exclusive to one worker and made asynchronously; so the thread that will run
 * diskfs makes the handles for its images before it starts (`prepareImage`), and `open` then hands
 * them out by path, behind a write-back cache (cached-image.ts: each handle call is slow). A
 * prepared handle is the lock: no other worker or tab can open the image while
 * this thread holds it, so `lock`/`unlock` have nothing left to do.
 *
 * Only what a disk image needs is here (lstat/open/read/write/ftruncate/fsync/fstat/close); the
 * rest of HostFs (every *At call) is ENOTSUP — the browser has no host directories to serve with hostfs.
 * Image paths are `/NAME`: one file in the OPFS root.
 */

import { HostFsError, type HostFs, type HostStat } from '../../host/host-fs.js';
import { CachedImage } from './cached-image.js';
import { opfsRoot, type SyncAccessHandle } from './web-globals.js';

const FILETYPE_REGULAR = 4;

/** Images opened by prepareImage (behind their write-back cache), by path, until closed. */
const prepared = new Map<string, CachedImage>();
/** Why an image could not be prepared, by path: what opening it then fails with. */
const failures = new Map<string, HostFsError>();
/** Open images: fd → path. */
const open = new Map<number, string>();
let nextFd = 3;

/** The OPFS file name of image `path` (`/home.img` → `home.img`). */
function fileName(path: string): string {
  const name = path.replace(/^\/+/, '');
  if (name === '' || name.includes('/')) throw new HostFsError('EINVAL', `${path}: a browser disk image is /NAME`);
  return name;
}

/** How long to keep trying while another worker still holds the image (a restarted diskfs). */
const BUSY_RETRY_MS = 5000;

/**
 * Make the sync access handle of image `path` (creating the file if missing). Retries while the
 * handle of a worker that has just been stopped is being released; then fails with EBUSY.
 */
export async function prepareImage(path: string): Promise<void> {
  if (prepared.has(path)) return;
  try {
    failures.delete(path);
    prepared.set(path, new CachedImage(await makeHandle(path)));
  } catch (e) {
    const error = e instanceof HostFsError ? e : new HostFsError('EIO', `${path}: ${e instanceof Error ? e.message : String(e)}`);
    failures.set(path, error);
    throw error;
  }
}

async function makeHandle(path: string): Promise<SyncAccessHandle> {
  const root = await opfsRoot();
  if (!root) throw new HostFsError('ENOTSUP', 'this browser has no Origin Private File System');
  const file = await root.getFileHandle(fileName(path), { create: true });
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      return await file.createSyncAccessHandle();
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name !== 'NoModificationAllowedError' || Date.now() > deadline) {
        throw new HostFsError('EBUSY', `${path}: ${name === 'NoModificationAllowedError' ? 'in use by another tab or worker' : e instanceof Error ? e.message : String(e)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The prepared handle of `path`, or the reason there is none. */
function preparedHandle(path: string): CachedImage {
  const h = prepared.get(path);
  if (h) return h;
  throw failures.get(path) ?? new HostFsError('ENOENT', `${path}: a disk image is opened by the worker that runs its diskfs, and this thread did not open it`);
}

function handleOf(fd: number): CachedImage {
  const path = open.get(fd);
  const h = path === undefined ? undefined : prepared.get(path);
  if (!h) throw new HostFsError('EBADF', `bad descriptor ${fd}`);
  return h;
}

function statOf(h: CachedImage): HostStat {
  return { dev: 0, ino: 1, type: FILETYPE_REGULAR, nlink: 1, size: h.bytes, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
}

const unsupported = (what: string) => (): never => {
  throw new HostFsError('ENOTSUP', `${what}: the browser has no host files`);
};

export const opfsHostFs: HostFs = {
  lstat: (path) => statOf(preparedHandle(path)),
  fstat: (fd) => statOf(handleOf(fd)),
  open(path) {
    preparedHandle(path);
    const fd = nextFd++;
    open.set(fd, path);
    return fd;
  },
  close(fd) {
    const path = open.get(fd);
    if (path === undefined) throw new HostFsError('EBADF', `bad descriptor ${fd}`);
    open.delete(fd);
    if ([...open.values()].includes(path)) return;
    prepared.get(path)?.close();
    prepared.delete(path);
  },
  read: (fd, into, position) => handleOf(fd).read(into, position),
  write: (fd, from, position) => handleOf(fd).write(from, position),
  ftruncate: (fd, size) => handleOf(fd).truncate(size),
  fsync: (fd) => handleOf(fd).flush(),
  realpath: (path) => path,
  openRoot: unsupported('openRoot'),
  descriptorLimit: () => 0,
  resolvesAtDirectory: false,
  openDirAt: unsupported('openDirAt'),
  closeDir: unsupported('closeDir'),
  fstatDir: unsupported('fstatDir'),
  fsyncDir: unsupported('fsyncDir'),
  readdirAt: unsupported('readdirAt'),
  lstatAt: unsupported('lstatAt'),
  lstatAtOrNull: unsupported('lstatAtOrNull'),
  openAt: unsupported('openAt'),
  mkdirAt: unsupported('mkdirAt'),
  rmdirAt: unsupported('rmdirAt'),
  unlinkAt: unsupported('unlinkAt'),
  renameAt: unsupported('renameAt'),
  symlinkAt: unsupported('symlinkAt'),
  readlinkAt: unsupported('readlinkAt'),
  linkAt: unsupported('linkAt'),
  linkFollowsSymlinks: false,
  utimesAt: unsupported('utimesAt'),
  statfs(path) {
    return { total: prepared.get(path)?.bytes ?? 0, free: 0 };
  },
  lock(path) {
    preparedHandle(path.replace(/\.lock$/, ''));
  },
  unlock() {
    // The sync access handle is the lock; it goes with close().
  },
};

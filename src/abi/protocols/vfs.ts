/**
 * The VFS protocol: what a process's local kernel asks of the file namespace.
 *
 * Files and directories a client has open are named by fids, scoped to the client's session (the
 * badge of its VFS handle). Paths are always relative to an open directory fid and may not climb
 * above it (`..` past the fid's directory is ENOTCAPABLE, like WASI). Offsets live in the local
 * kernel; reads and writes carry them. `read`/`write` are forwarded to the file system that owns
 * the fid, so the data moves between the caller and that file system directly.
 * Register 0 of a reply is a WASI errno.
 */

import { defineProtocol } from '../protocol.js';

/**
 * Linux's PATH_MAX, which counts the terminating NUL: the longest path is PATH_MAX - 1 bytes of
 * UTF-8, as under wasmtime (the WASI shim refuses longer ones first: runtime/wasi/guest-path.ts).
 */
export const PATH_MAX = 4096;
/** The longest component, in UTF-8 bytes. */
export const NAME_MAX = 255;

const stat = { dev: 'f64', ino: 'f64', type: 'u32', nlink: 'f64', size: 'f64', atim: 'u64', mtim: 'u64', ctim: 'u64' } as const;

/** lookupflags bit: follow a final symlink. */
export const LOOKUP_FOLLOW = 1;
/** oflags bits (WASI). */
export const OFLAG_CREAT = 1, OFLAG_DIRECTORY = 2, OFLAG_EXCL = 4, OFLAG_TRUNC = 8;
/** open's `direct` bits: what the local kernel may post straight to the file's file system. */
export const DIRECT_READ = 1, DIRECT_WRITE = 2;
/** In a grant: the fid is a pipe end whose ring (arena pipe ring `node`, generation `from`) its local kernel may work on in place (docs/decisions/019-pipe-rings.md). */
export const DIRECT_PIPE = 4;
/**
 * In a grant: the fid is a directory on a host directory (hostfs) with no mount point inside that
 * file system; `host` is its handle, for the local kernel to reopen and make one-name calls in
 * (mkdir, rmdir, unlink, stat) itself (docs/decisions/024-direct-host-files.md).
 */
export const DIRECT_HOST_DIR = 8;
/** Bits of write's `append` and read's `flags`. */
export const IO_APPEND = 1, IO_NONBLOCK = 2;
/** open's and statPath's `want`: a failure the namespace alone decided comes back as a reply with its token (errno ≠ 0). */
export const WANT_KEPT_FAILURES = 1;
/** What a fid is opened for: packed into open's `oflags` register above the WASI oflags. */
export const FID_READ = 1, FID_WRITE = 2;

/** open's `oflags` register: the WASI oflags (low 16 bits) and the access the fid is opened for (FID_*). */
export function openFlags(oflags: number, access: number): number {
  return (oflags & 0xffff) | (access << 16);
}

/** The two halves of open's `oflags` register. */
export function splitOpenFlags(packed: number): { oflags: number; access: number } {
  return { oflags: packed & 0xffff, access: packed >>> 16 };
}

export const vfsProtocol = defineProtocol('vfs', {
  openRoot: { label: 1, request: { path: 'str' }, reply: { fid: 'u32', type: 'u32' }, doc: 'Open a VFS absolute path as a directory (preopens).' },
  open: { label: 2, request: { dir: 'u32', lookup: 'u32', oflags: 'u32', close: 'u32', want: 'u32', path: 'str' }, reply: { fid: 'u32', errno: 'u32', cached: 'u32', generation: 'f64', changeWord: 'f64', change: 'f64', ...stat, direct: 'u32', holder: 'u32', via: 'f64', node: 'f64', from: 'f64', host: 'f64', hostDev: 'f64', hostIno: 'f64', hostTimes: 'f64', words: 'u32s' }, doc: 'close: 1 + a fid of the caller\'s to close first (0: none), so a close needs no call of its own. want: WANT_KEPT_FAILURES to get a failure the namespace alone decided as a reply (errno, with its token) instead of an error. cached: 1 + the page-cache entry of a file opened for reading that its file system has cached (0: none), with the token generation (for the local kernel). changeWord ≥ 0: the attributes (or the failure) stay true while that arena word keeps the value `change` (-1: no such promise) — or, when `words` (int32 indices) is not empty, while the sum of those words is `change`. direct ≠ 0 (DIRECT_READ | DIRECT_WRITE): the fid\'s reads, writes and getattr may be posted by the local kernel straight to its file system as the VFS forwards them (stat\'s dev is the reply\'s `dev`) — through handle `via` of process `holder` (the VFS), with register 1 = `node`, while that file system\'s incarnation is `from` (docs/decisions/018-direct-files.md); host ≥ 0: also the file\'s descriptor in this host process with its device and inode (`hostDev`, `hostIno`), for the local kernel to reopen and use itself (docs/decisions/024-direct-host-files.md).' },
  close: { label: 3, request: { fid: 'u32' }, reply: {} },
  read: { label: 4, request: { fid: 'u32', offset: 'f64', length: 'u32', flags: 'u32' }, reply: { data: 'bytes' }, doc: 'flags: IO_NONBLOCK. On a pipe: waits for data; empty data = end of input.' },
  write: { label: 5, request: { fid: 'u32', offset: 'f64', append: 'u32', data: 'bytes' }, reply: { written: 'u32', end: 'f64' }, doc: 'append: IO_APPEND | IO_NONBLOCK. On a pipe: writes what fits, waiting for room if nothing does; EPIPE with no reader.' },
  stat: { label: 6, request: { fid: 'u32' }, reply: stat },
  statPath: { label: 7, request: { dir: 'u32', lookup: 'u32', want: 'u32', path: 'str' }, reply: { errno: 'u32', changeWord: 'f64', change: 'f64', ...stat, words: 'u32s' }, doc: 'want: as open\'s. changeWord ≥ 0: every name walked was on one file system, and the answer (or the failure, errno) stays true while that arena word keeps the value `change` (-1: no such promise), or while the sum of `words` is `change` when it is not empty (as open\'s).' },
  mkdir: { label: 8, request: { dir: 'u32', path: 'str' }, reply: {} },
  unlink: { label: 9, request: { dir: 'u32', directory: 'u32', path: 'str' }, reply: {} },
  rename: { label: 10, request: { fromDir: 'u32', toDir: 'u32', from: 'str', to: 'str' }, reply: {} },
  readdir: { label: 11, request: { fid: 'u32', cookie: 'f64', max: 'u32' }, reply: { count: 'u32', next: 'f64', entries: 'bytes' } },
  truncate: { label: 12, request: { fid: 'u32', size: 'f64' }, reply: {} },
  setTimes: { label: 13, request: { fid: 'u32', atim: 'u64', mtim: 'u64', flags: 'u32' }, reply: {} },
  setTimesPath: { label: 14, request: { dir: 'u32', lookup: 'u32', atim: 'u64', mtim: 'u64', flags: 'u32', path: 'str' }, reply: {} },
  readlink: { label: 15, request: { dir: 'u32', path: 'str' }, reply: { target: 'str' } },
  symlink: { label: 16, request: { dir: 'u32', target: 'str', path: 'str' }, reply: {} },
  link: { label: 17, request: { fromDir: 'u32', toDir: 'u32', lookup: 'u32', from: 'str', to: 'str' }, reply: {} },
  sync: { label: 18, request: { fid: 'u32' }, reply: {} },
  mount: { label: 19, request: { port: 'u32', path: 'str', fs: 'str' }, reply: {}, doc: 'Attach the file system reached through uses[fs] at path (trusted setup only).' },
  pipe: { label: 20, request: {}, reply: { readFid: 'u32', writeFid: 'u32' }, doc: 'A new pipe: both ends are fids in the caller\'s session.' },
  share: { label: 21, request: { fid: 'u32' }, reply: { token: 'f64' }, doc: 'Offer an open fid to another session; the one-use token holds a reference until redeemed.' },
  redeem: { label: 22, request: { token: 'f64' }, reply: { fid: 'u32', type: 'u32' }, doc: 'Take a shared fid into the caller\'s session.' },
  mounts: { label: 24, request: {}, reply: { table: 'str' }, doc: 'The mount table as JSON [{path, name, type, total, used, readOnly}] (mount, df).' },
  map: { label: 25, request: { fid: 'u32' }, reply: { entry: 'u32', generation: 'f64' }, doc: 'An address token for a file open for reading: its data in the page cache (see fs map). For the local kernel only.' },
  grant: { label: 27, request: { fid: 'u32' }, reply: { direct: 'u32', holder: 'u32', via: 'f64', node: 'f64', from: 'f64', dev: 'f64', host: 'f64', hostDev: 'f64', hostIno: 'f64', hostTimes: 'f64' }, doc: 'The direct file an open of the fid would have granted (see open; direct = 0: none), for a fid the caller got otherwise (passed by a parent, re-opened by recovery). For a pipe end: direct = DIRECT_PIPE | DIRECT_READ or DIRECT_WRITE, the arena pipe ring in `node` and its generation in `from`. For the local kernel only.' },
  syncAll: { label: 26, request: {}, reply: {}, doc: 'sync(2): every mounted file system commits its changes; the first error, after trying them all.' },
  ready: { label: 23, request: { fid: 'u32' }, reply: { bytes: 'f64', space: 'f64', hangup: 'u32' }, doc: 'A pipe end\'s state for poll: bytes buffered, room left, and whether the other side is gone. EINVAL for other fids.' },
});

export type VfsProtocol = typeof vfsProtocol;

/**
 * Files in Keel's own namespace, from the host: what `Keel.writeFile`, `readFile` and `mkdir` do
 * (and how BootOptions.files fills an in-memory tree). Every call goes through the host's VFS
 * session like a program's would, so it lands in whichever file system is mounted there (the
 * root tmpfs, a hostfs) and sees the same names programs see.
 * Errors are KeelError('FS') naming the path and the errno.
 */

import { Errno, errnoName } from '../abi/errno.js';
import type { SystemVfs } from '../system/system-vfs.js';
import { KeelError } from '../system/system.js';
import { FID_READ, FID_WRITE, openFlags } from '../abi/protocols/vfs.js';
import { OFLAG_CREAT, OFLAG_TRUNC } from '../abi/protocols/vfs.js';
import type { CallResult } from '../ipc/protocol-client.js';
import { concatBytes } from '../abi/bytes.js';

const CHUNK = 32 * 1024;
const FILETYPE_DIRECTORY = 3;

/** The path below `/` with its components checked (absolute, no `.` or `..`). */
function relative(path: string): string {
  if (!path.startsWith('/')) throw new KeelError('BAD_PATH', `${path}: expected an absolute path in Keel's namespace`);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw new KeelError('BAD_PATH', `${path}: . and .. are not allowed`);
  return parts.join('/');
}

function fail(path: string, r: CallResult<unknown>): KeelError {
  return new KeelError('FS', `${path}: ${r.transport !== 0 ? 'the file service is unreachable' : errnoName(r.status)}`);
}

async function root(vfs: SystemVfs, path: string): Promise<number> {
  const fid = await vfs.rootFid();
  if (typeof fid !== 'number') throw fail(path, fid);
  return fid;
}

/** Is absolute `path` a directory in Keel's namespace? (Its `..` are resolved by the VFS, within the root.) */
export async function isNamespaceDirectory(vfs: SystemVfs, path: string): Promise<boolean> {
  const rel = path.replace(/^\/+/, '');
  if (rel === '') return true;
  // A file system mounted on the way that is being restarted answers EBADF, ESTALE or EIO (the
  // VFS's own handles to it are gone) for a moment: that is no answer yet, so ask again (pauses
  // growing to 50 ms, about 2 s in all) before saying the path is not a directory.
  for (let attempt = 0, pauseMs = 1; ; attempt++, pauseMs = Math.min(pauseMs * 2, 50)) {
    const root = await vfs.rootFid();
    const r = typeof root === 'number' ? await vfs.call('statPath', { dir: root, lookup: 1, want: 0, path: rel }) : root;
    if (r.reply) return (r.reply as { type?: number }).type === FILETYPE_DIRECTORY;
    const unsettled = r.transport !== 0 || r.status === Errno.BADF || r.status === Errno.STALE || r.status === Errno.IO;
    if (!unsettled || attempt >= NAMESPACE_ATTEMPTS) return false;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** Tries of isNamespaceDirectory while a file system on the way is coming back. */
const NAMESPACE_ATTEMPTS = 45;

/** Make directory `path` and any missing parents (like mkdir -p). */
export async function makeDirectories(vfs: SystemVfs, path: string): Promise<void> {
  const rel = relative(path);
  const dir = await root(vfs, path);
  let sofar = '';
  for (const part of rel.split('/').filter((p) => p !== '')) {
    sofar = sofar ? `${sofar}/${part}` : part;
    const r = await vfs.call('mkdir', { dir, path: sofar });
    if (r.transport !== 0 || (r.status !== 0 && r.status !== Errno.EXIST)) throw fail(`/${sofar}`, r);
    if (r.status === Errno.EXIST) {
      const st = await vfs.call('statPath', { dir, lookup: 1, want: 0, path: sofar });
      if (!st.reply) throw fail(`/${sofar}`, st);
      if (st.reply.type !== FILETYPE_DIRECTORY) throw fail(`/${sofar}`, { transport: 0, status: Errno.EXIST, reply: null });
    }
  }
}

/** Create or replace the file at `path` with `data`, making its parent directories. */
export async function writeNamespaceFile(vfs: SystemVfs, path: string, data: Uint8Array): Promise<void> {
  const rel = relative(path);
  const parent = rel.split('/').slice(0, -1).join('/');
  if (parent) await makeDirectories(vfs, `/${parent}`);
  const dir = await root(vfs, path);
  const f = await vfs.call('open', { dir, lookup: 1, oflags: openFlags(OFLAG_CREAT | OFLAG_TRUNC, FID_WRITE), close: 0, want: 0, path: rel });
  if (!f.reply) throw fail(path, f);
  try {
    for (let off = 0; off < data.length;) {
      const w = await vfs.call('write', { fid: f.reply.fid, offset: off, append: 0, data: data.subarray(off, off + CHUNK) });
      if (!w.reply) throw fail(path, w);
      off += w.reply.written;
    }
  } finally {
    await vfs.call('close', { fid: f.reply.fid });
  }
}

/** The whole content of the file at `path`. */
export async function readNamespaceFile(vfs: SystemVfs, path: string): Promise<Uint8Array> {
  const rel = relative(path);
  const dir = await root(vfs, path);
  const f = await vfs.call('open', { dir, lookup: 1, oflags: openFlags(0, FID_READ), close: 0, want: 0, path: rel });
  if (!f.reply) throw fail(path, f);
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const r = await vfs.call('read', { fid: f.reply.fid, offset: total, length: CHUNK, flags: 0 });
      if (!r.reply) throw fail(path, r);
      if (r.reply.data.length === 0) break;
      chunks.push(r.reply.data);
      total += r.reply.data.length;
    }
    return concatBytes(chunks);
  } finally {
    await vfs.call('close', { fid: f.reply.fid });
  }
}

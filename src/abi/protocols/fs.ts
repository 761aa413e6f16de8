/**
 * The file-system server protocol: what the VFS asks of tmpfs, hostfs and (later) diskfs.
 *
 * A file system names its files by node numbers it chooses (node 1 is its root). It knows no
 * path names beyond single components, no mounts and no open-file offsets: the VFS walks paths
 * component by component with `lookup` (or several components at once with `walk`, between
 * mount points), and the local kernel keeps file offsets and passes
 * explicit ones. Register 0 of a reply is a WASI errno (0 = success).
 *
 * `open`/`close` count users of a node, so a file unlinked while open lives until its last close.
 */

import { defineProtocol } from '../protocol.js';
import { encodeInto } from '../text-codec.js';

/** Node types on the wire: the WASI filetype numbers. */
export const FileType = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

export const ROOT_NODE = 1;

/** Fields of a stat reply (WASI filestat minus dev, which the VFS fills per mount). */
/** `ino` is what stat reports (the host's inode number for hostfs); times are exact nanoseconds. */
const stat = { node: 'f64', ino: 'f64', type: 'u32', nlink: 'f64', size: 'f64', atim: 'u64', mtim: 'u64', ctim: 'u64' } as const;

export const fsProtocol = defineProtocol('fs', {
  lookup: { label: 1, request: { dir: 'f64', name: 'str' }, reply: { node: 'f64', type: 'u32' } },
  getattr: { label: 2, request: { node: 'f64' }, reply: { ...stat, changeWord: 'f64', change: 'f64' }, doc: 'changeWord ≥ 0: the attributes stay true while that arena word keeps the value `change` (as open\'s).' },
  read: { label: 3, request: { node: 'f64', offset: 'f64', length: 'u32' }, reply: { data: 'bytes' } },
  write: { label: 4, request: { node: 'f64', offset: 'f64', append: 'u32', data: 'bytes' }, reply: { written: 'u32', end: 'f64' }, doc: 'append=1 writes at the end; end is the offset after the write.' },
  create: { label: 5, request: { dir: 'f64', type: 'u32', exclusive: 'u32', name: 'str', target: 'str' }, reply: { node: 'f64', type: 'u32', created: 'u32' }, doc: 'type: REGULAR_FILE, DIRECTORY or SYMBOLIC_LINK (with target). Without exclusive, an existing entry is returned.' },
  unlink: { label: 6, request: { dir: 'f64', directory: 'u32', name: 'str' }, reply: {} },
  rename: { label: 7, request: { fromDir: 'f64', toDir: 'f64', fromName: 'str', toName: 'str' }, reply: {} },
  readdir: { label: 8, request: { dir: 'f64', cookie: 'f64', max: 'u32' }, reply: { count: 'u32', next: 'f64', entries: 'bytes' }, doc: 'entries: repeated [node f64][next cookie f64][type u8][namelen u32][name].' },
  truncate: { label: 9, request: { node: 'f64', size: 'f64' }, reply: {} },
  setTimes: { label: 10, request: { node: 'f64', atim: 'u64', mtim: 'u64', flags: 'u32' }, reply: {}, doc: 'flags: WASI fstflags; *_NOW resolved by the server.' },
  readlink: { label: 11, request: { node: 'f64' }, reply: { target: 'str' } },
  link: { label: 12, request: { node: 'f64', dir: 'f64', name: 'str' }, reply: {} },
  open: { label: 13, request: { node: 'f64', write: 'u32' }, reply: { cached: 'u32', generation: 'f64', changeWord: 'f64', change: 'f64', global: 'f64', slots: 'f64', ...stat, host: 'f64', hostDev: 'f64', hostIno: 'f64', hostTimes: 'f64' }, doc: 'Count a user of the node; write: 1 if that user may write it. cached: 1 + its page-cache entry if its data is cached (0: none), with the token generation. changeWord: the arena word the attributes hold under — the node\'s change slot, or the file system\'s change word when it has no slots (-1: none; then the attributes are not filled) — and the value it had when they were read. global: the file system\'s change word; slots: its first change slot (-1: none; services/fs/change-word.ts). host ≥ 0: a regular file\'s descriptor in this host process (hostfs), which the file system keeps open while the node has users, with the device and inode of the file it names, for a local kernel to reopen (docs/decisions/024-direct-host-files.md); -1: none. hostTimes: the arena word that is not 0 once the file system keeps exact times the host rounds (then ask it for attributes, not the host; -1: none).' },
  close: { label: 14, request: { node: 'f64', write: 'u32' }, reply: {}, doc: 'Uncount a user of the node; write: 1 if its open was one (open\'s `write`).' },
  sync: { label: 15, request: { node: 'f64' }, reply: {}, doc: 'Make the node\'s data durable; node 0: every change in the file system (sync(2)).' },
  map: { label: 17, request: { node: 'f64' }, reply: { entry: 'u32', generation: 'f64' }, doc: 'An address token for the node\'s data in the page cache (a regular file of at most ENTRY_MAX_PAGES pages, 4 MiB): reads need no IPC while it holds. ENOTSUP without a page cache, EFBIG for larger files.' },
  walk: { label: 18, request: { dir: 'f64', names: 'str' }, reply: { error: 'u32', count: 'u32', found: 'bytes' }, doc: 'Several lookups in one call (9P\'s Twalk): names is components joined by /; each is looked up in the node the one before found. It stops after a node that is not a directory, or at a failing lookup (error: its errno; count: the components found before it). found: count × [node f64][type u32] (packWalk).' },
  statfs: { label: 16, request: {}, reply: { name: 'str', type: 'str', total: 'f64', used: 'f64', readOnly: 'u32' }, doc: 'Name, type and space (bytes; total 0 = unknown) of the file system (df, mount).' },
});

export type FsProtocol = typeof fsProtocol;

/** One directory entry as a file system reports it. */
export interface DirEntry {
  readonly node: number;
  readonly type: number;
  readonly name: string;
}

/**
 * The walk's rule, for both sides of `walk`: look `names` up one in the other from `dir`, stopping
 * after a node that is not a directory, at a failing lookup (error: its errno), or where `lookup`
 * has no answer (undefined: a cache that does not know; error 0).
 */
export function walkNames(
  dir: number, names: readonly string[], lookup: (dir: number, name: string) => { node: number; type: number } | number | undefined,
): { found: { node: number; type: number }[]; error: number } {
  const found: { node: number; type: number }[] = [];
  let at = dir;
  for (const name of names) {
    const f = lookup(at, name);
    if (f === undefined) break;
    if (typeof f === 'number') return { found, error: f };
    found.push(f);
    if (f.type !== FileType.DIRECTORY) break;
    at = f.node;
  }
  return { found, error: 0 };
}

/** Bytes per component in a walk reply. */
const WALK_ENTRY_BYTES = 12;

/** Pack the nodes a walk found, in order. */
export function packWalk(found: readonly { node: number; type: number }[]): Uint8Array {
  const bytes = new Uint8Array(found.length * WALK_ENTRY_BYTES);
  const dv = new DataView(bytes.buffer);
  found.forEach((f, i) => {
    dv.setFloat64(i * WALK_ENTRY_BYTES, f.node, true);
    dv.setUint32(i * WALK_ENTRY_BYTES + 8, f.type, true);
  });
  return bytes;
}

/** The nodes of a walk reply (at most `count`, and only whole entries). */
export function unpackWalk(bytes: Uint8Array, count: number): { node: number; type: number }[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { node: number; type: number }[] = [];
  for (let i = 0; i < count && (i + 1) * WALK_ENTRY_BYTES <= bytes.length; i++) {
    out.push({ node: dv.getFloat64(i * WALK_ENTRY_BYTES, true), type: dv.getUint32(i * WALK_ENTRY_BYTES + 8, true) });
  }
  return out;
}

/** Pack directory entries (with their resume cookies) for a readdir reply: as many whole entries as fit in `max` bytes. */
export function packDirEntries(entries: readonly (DirEntry & { next: number })[], max: number): { bytes: Uint8Array; count: number } {
  const bytes = new Uint8Array(Math.max(0, max));
  const dv = new DataView(bytes.buffer);
  let total = 0;
  let count = 0;
  for (const e of entries) {
    if (total + 21 > max) break;
    const { read, written } = encodeInto(e.name, bytes.subarray(total + 21));
    if (read < e.name.length) break; // the name did not fit
    dv.setFloat64(total, e.node, true);
    dv.setFloat64(total + 8, e.next, true);
    dv.setUint8(total + 16, e.type);
    dv.setUint32(total + 17, written, true);
    total += 21 + written;
    count++;
  }
  return { bytes: bytes.subarray(0, total), count };
}

/** ignoreBOM: a name that begins with U+FEFF keeps it. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function unpackDirEntries(bytes: Uint8Array, count: number): (DirEntry & { next: number })[] {
  const out: (DirEntry & { next: number })[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  for (let i = 0; i < count && off + 21 <= bytes.length; i++) {
    const len = dv.getUint32(off + 17, true);
    if (off + 21 + len > bytes.length) break;
    out.push({
      node: dv.getFloat64(off, true),
      next: dv.getFloat64(off + 8, true),
      type: dv.getUint8(off + 16),
      name: decoder.decode(bytes.slice(off + 21, off + 21 + len)),
    });
    off += 21 + len;
  }
  return out;
}

/**
 * True if a symlink with `target`, made in a directory `depth` levels below its file system's
 * root, would climb above that root when followed (judged on the target's text, `..` against
 * the components before it). Keel's walk never follows such a link out of a mount's floor, and
 * no file system makes one (EPERM), so a host tree never holds a link Keel made that points out
 * of it. Absolute targets are refused the same way.
 */
export function symlinkLeavesRoot(depth: number, target: string): boolean {
  if (target.startsWith('/')) return true;
  let d = depth;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (--d < 0) return true;
    } else d++;
  }
  return false;
}

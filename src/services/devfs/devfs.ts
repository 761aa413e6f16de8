/**
 * devfs: the device nodes every Unix program expects under /dev — `null` (reads end at once,
 * writes are accepted and dropped), `zero` (reads return zeros, writes dropped) and `full`
 * (reads return zeros, writes fail with ENOSPC). A fixed directory: nothing can be created,
 * removed or renamed in it (EPERM). Nodes: 1 the directory, 2–4 the devices.
 */

import { type FileSystemOps, type NodeStat, fileSystemService } from '../fs/fs-service.js';
import type { Service } from '../../ipc/call-context.js';
import { Errno } from '../../abi/errno.js';
import { FileType, ROOT_NODE, packDirEntries } from '../../abi/protocols/fs.js';

const DEVICES = ['null', 'zero', 'full'] as const;
const MAX_READ = 64 * 1024;

export class Devfs implements FileSystemOps {
  private readonly born: bigint;

  constructor(clock: () => bigint) {
    this.born = clock();
  }

  private device(node: number): (typeof DEVICES)[number] | null {
    return DEVICES[node - ROOT_NODE - 1] ?? null;
  }

  lookup(dir: number, name: string): { node: number; type: number } | number {
    if (dir !== ROOT_NODE) return Errno.NOTDIR;
    const i = (DEVICES as readonly string[]).indexOf(name);
    return i < 0 ? Errno.NOENT : { node: ROOT_NODE + 1 + i, type: FileType.CHARACTER_DEVICE };
  }

  getattr(node: number): NodeStat | number {
    if (node !== ROOT_NODE && !this.device(node)) return Errno.NOENT;
    const type = node === ROOT_NODE ? FileType.DIRECTORY : FileType.CHARACTER_DEVICE;
    return { node, ino: node, type, nlink: node === ROOT_NODE ? 2 : 1, size: 0, atim: this.born, mtim: this.born, ctim: this.born };
  }

  read(node: number, _offset: number, length: number): Uint8Array | number {
    const d = this.device(node);
    if (!d) return node === ROOT_NODE ? Errno.ISDIR : Errno.NOENT;
    return d === 'null' ? new Uint8Array(0) : new Uint8Array(Math.min(length, MAX_READ));
  }

  write(node: number, offset: number, data: Uint8Array): { written: number; end: number } | number {
    const d = this.device(node);
    if (!d) return node === ROOT_NODE ? Errno.ISDIR : Errno.NOENT;
    if (d === 'full') return Errno.NOSPC;
    return { written: data.length, end: offset + data.length };
  }

  create(dir: number, name: string): { node: number; type: number; created: number } | number {
    const found = this.lookup(dir, name);
    return typeof found === 'number' ? Errno.PERM : { ...found, created: 0 };
  }

  unlink(): number { return Errno.PERM; }
  rename(): number { return Errno.PERM; }
  link(): number { return Errno.PERM; }
  truncate(node: number): number { return this.device(node) ? Errno.SUCCESS : Errno.INVAL; }
  setTimes(): number { return Errno.SUCCESS; }
  readlink(): string | number { return Errno.INVAL; }
  open(node: number): number { return node === ROOT_NODE || this.device(node) ? Errno.SUCCESS : Errno.NOENT; }
  close(): number { return Errno.SUCCESS; }
  sync(): number { return Errno.SUCCESS; }

  readdir(dir: number, cookie: number, max: number) {
    if (dir !== ROOT_NODE) return Errno.NOTDIR;
    const list = DEVICES.map((name, i) => ({ node: ROOT_NODE + 1 + i, type: FileType.CHARACTER_DEVICE, name, next: i + 1 })).slice(cookie);
    const { bytes, count } = packDirEntries(list, max);
    return { count, next: count > 0 ? list[count - 1]!.next : cookie, entries: bytes };
  }

  usage(): { total: number; used: number; readOnly: boolean } {
    return { total: 0, used: 0, readOnly: false };
  }
}

export function devfsService(clock: () => bigint): Service {
  return fileSystemService(new Devfs(clock), 'devfs', 'devfs');
}

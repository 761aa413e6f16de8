/**
 * Directories on disk (the record format is in layout.ts) and the in-memory index of each one
 * read so far: name → { ino, type, pos }, where pos (block index × BLOCK_SIZE + offset) is where
 * the record is and what readdir cookies count in.
 *
 * Records never move once written: a new one takes a free record or splits a record's slack; a
 * removed one is merged into the record before it in its block (or marked free). So a readdir
 * cookie stays valid while entries come and go, and the directory never shrinks (as ext2).
 */

import { BLOCK_SIZE } from './block-device.js';
import type { BlockCache } from './block-cache.js';
import type { FileMap } from './file-map.js';
import { type DirRecord, type Inode, direntSize, emptyDirBlock, parseDirBlock, writeDirRecord } from './layout.js';
import { decodeText } from '../../abi/text-codec.js';

export interface DirEntryRef {
  readonly ino: number;
  readonly type: number;
  readonly pos: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class DirectoryStore {
  private readonly index = new Map<number, Map<string, DirEntryRef>>();

  constructor(private readonly cache: BlockCache, private readonly files: FileMap) {}

  /** The records of block `i` of directory `dir`, or a message if it is damaged. */
  private blockRecords(dir: Inode, i: number): { device: number; records: DirRecord[] } {
    const device = this.files.map(dir, i, false);
    if (device <= 0) throw new Error(`directory block ${i} is a hole`);
    const records = parseDirBlock(this.cache.read(device));
    if (typeof records === 'string') throw new Error(`directory block ${device}: ${records}`);
    return { device, records };
  }

  entries(ino: number, dir: Inode): Map<string, DirEntryRef> {
    let m = this.index.get(ino);
    if (m) return m;
    m = new Map();
    for (let i = 0; i * BLOCK_SIZE < dir.size; i++) {
      for (const r of this.blockRecords(dir, i).records) {
        if (r.ino !== 0) m.set(decodeText(decoder, r.name), { ino: r.ino, type: r.type, pos: i * BLOCK_SIZE + r.offset });
      }
    }
    this.index.set(ino, m);
    return m;
  }

  /** Bound the memory of directory indexes: call between operations only. */
  trim(): void {
    if (this.index.size > 1024) this.index.clear();
  }

  /** Forget a directory's index (it was removed). */
  forget(ino: number): void {
    this.index.delete(ino);
  }

  /**
   * Add `name` → `child` to directory `ino`: in the first record with room, else in a new block
   * (which changes `dir`: the caller saves it). False if the device is full.
   */
  add(ino: number, dir: Inode, name: string, child: number, type: number): boolean {
    const m = this.entries(ino, dir);
    const bytes = encoder.encode(name);
    const need = direntSize(bytes.length);
    const blocks = dir.size / BLOCK_SIZE;
    for (let i = 0; i < blocks; i++) {
      const { device, records } = this.blockRecords(dir, i);
      for (const r of records) {
        const used = r.ino === 0 ? 0 : direntSize(r.name.length);
        if (r.recLen - used < need) continue;
        const block = this.cache.modify(device);
        let at = r.offset;
        let len = r.recLen;
        if (used > 0) {
          writeDirRecord(block, r.offset, r.ino, used, r.type, r.name.slice());
          at += used;
          len -= used;
        }
        writeDirRecord(block, at, child, len, type, bytes);
        m.set(name, { ino: child, type, pos: i * BLOCK_SIZE + at });
        return true;
      }
    }
    const device = this.files.map(dir, blocks, true);
    if (device < 0) return false;
    const block = this.cache.modify(device);
    block.set(emptyDirBlock());
    writeDirRecord(block, 0, child, BLOCK_SIZE, type, bytes);
    dir.size += BLOCK_SIZE;
    m.set(name, { ino: child, type, pos: blocks * BLOCK_SIZE });
    return true;
  }

  /** Point the existing entry `name` at another inode (rename over it): no space needed. */
  replace(ino: number, dir: Inode, name: string, child: number, type: number): void {
    const m = this.entries(ino, dir);
    const e = m.get(name);
    if (!e) throw new Error(`replace: no entry ${name}`);
    const device = this.files.map(dir, Math.floor(e.pos / BLOCK_SIZE), false);
    const block = this.cache.modify(device);
    const dv = new DataView(block.buffer, block.byteOffset);
    const off = e.pos % BLOCK_SIZE;
    dv.setUint32(off, child, true);
    dv.setUint8(off + 7, type);
    m.set(name, { ino: child, type, pos: e.pos });
  }

  remove(ino: number, dir: Inode, name: string): void {
    const m = this.entries(ino, dir);
    const e = m.get(name);
    if (!e) throw new Error(`remove: no entry ${name}`);
    const { device, records } = this.blockRecords(dir, Math.floor(e.pos / BLOCK_SIZE));
    const off = e.pos % BLOCK_SIZE;
    const k = records.findIndex((r) => r.offset === off);
    if (k < 0) throw new Error(`remove: no record at ${e.pos}`);
    const block = this.cache.modify(device);
    const dv = new DataView(block.buffer, block.byteOffset);
    if (k > 0) dv.setUint16(records[k - 1]!.offset + 4, records[k - 1]!.recLen + records[k]!.recLen, true);
    else dv.setUint32(off, 0, true);
    m.delete(name);
  }

  /**
   * Entries from cookie `from` in position order, each with the cookie after it, until `enough`
   * (shown each entry as it is taken) says stop.
   */
  list(dir: Inode, from: number, enough: (name: string) => boolean): { ino: number; type: number; name: string; next: number }[] {
    const out: { ino: number; type: number; name: string; next: number }[] = [];
    for (let i = Math.floor(Math.max(0, from) / BLOCK_SIZE); i * BLOCK_SIZE < dir.size; i++) {
      for (const r of this.blockRecords(dir, i).records) {
        const pos = i * BLOCK_SIZE + r.offset;
        if (r.ino === 0 || pos < from) continue;
        const name = decodeText(decoder, r.name);
        out.push({ ino: r.ino, type: r.type, name, next: pos + r.recLen });
        if (enough(name)) return out;
      }
    }
    return out;
  }
}

/**
 * diskfs's on-disk format, version 1. All numbers little-endian; blocks of BLOCK_SIZE bytes.
 *
 *   block 0                superblock (static after mkfs; CRC-checked)
 *   journal                header block, then transactions (journal.ts)
 *   block bitmap           one bit per block of the device, 1 = in use (metadata included)
 *   inode table            INODE_SIZE-byte inodes, numbered from 1 (ROOT_INO is the root)
 *   data                   file, directory and indirect blocks
 *
 * Inode (INODE_SIZE bytes): type u8 (0 free, else the WASI filetype: 3 dir, 4 file, 7 symlink) ·
 * nlink u32 @4 · generation u32 @8 (bumped at each allocation) · parent u32 @12 (directories) ·
 * size u64 @16 · atim, mtim, ctim u64 ns @24/@32/@40 · DIRECT block pointers u32 @48 ·
 * single indirect u32 @96 · double indirect u32 @100. Pointer 0 is a hole (reads as zeros).
 *
 * Directory block: records [ino u32][recLen u16][nameLen u8][type u8][name], recLen a multiple
 * of 4, the records of a block covering it exactly; ino 0 is free space. "." and ".." are not
 * stored (the VFS resolves them); a directory's parent is in its inode.
 *
 * A symlink's target is its file data.
 */

import { crc32 } from './crc32.js';
import { BLOCK_SIZE } from './block-device.js';
import { decodeText } from '../../abi/text-codec.js';

export const MAGIC = 'KEELDSK1';
export const VERSION = 1;
export const INODE_SIZE = 128;
export const INODES_PER_BLOCK = BLOCK_SIZE / INODE_SIZE;
export const DIRECT = 12;
export const POINTERS_PER_BLOCK = BLOCK_SIZE / 4;
export const ROOT_INO = 1;
/** Largest file: direct + single + double indirect blocks. */
export const MAX_FILE_BLOCKS = DIRECT + POINTERS_PER_BLOCK + POINTERS_PER_BLOCK * POINTERS_PER_BLOCK;
export const NAME_MAX = 255;
export const DIRENT_HEADER = 8;

/** Where everything is: written once by mkfs, read at mount and by fsck. */
export interface Geometry {
  readonly blockCount: number;
  readonly inodeCount: number;
  readonly journalStart: number;
  readonly journalBlocks: number;
  readonly bitmapStart: number;
  readonly bitmapBlocks: number;
  readonly inodeStart: number;
  readonly inodeBlocks: number;
  readonly dataStart: number;
}

/** The smallest device diskfs formats: room for the metadata and some data. */
export const MIN_BLOCKS = 256;

/** The layout mkfs gives a device of `blockCount` blocks: one inode per 16 KiB, a 1/16 journal (64–1024 blocks). */
export function planGeometry(blockCount: number): Geometry {
  if (!Number.isInteger(blockCount) || blockCount < MIN_BLOCKS) throw new RangeError(`diskfs needs at least ${MIN_BLOCKS} blocks (${MIN_BLOCKS * BLOCK_SIZE / 1024} KiB), not ${blockCount}`);
  if (blockCount > 0xffff_ffff) throw new RangeError('diskfs addresses at most 2^32 blocks');
  const journalBlocks = Math.min(1024, Math.max(64, Math.floor(blockCount / 16)));
  const bitmapBlocks = Math.ceil(blockCount / (BLOCK_SIZE * 8));
  const inodeCount = Math.max(INODES_PER_BLOCK, Math.floor(blockCount / 4 / INODES_PER_BLOCK) * INODES_PER_BLOCK);
  const inodeBlocks = inodeCount / INODES_PER_BLOCK;
  const journalStart = 1;
  const bitmapStart = journalStart + journalBlocks;
  const inodeStart = bitmapStart + bitmapBlocks;
  return { blockCount, inodeCount, journalStart, journalBlocks, bitmapStart, bitmapBlocks, inodeStart, inodeBlocks, dataStart: inodeStart + inodeBlocks };
}

const GEOMETRY_FIELDS = ['blockCount', 'inodeCount', 'journalStart', 'journalBlocks', 'bitmapStart', 'bitmapBlocks', 'inodeStart', 'inodeBlocks', 'dataStart'] as const;

export function encodeSuperblock(g: Geometry): Uint8Array {
  const b = new Uint8Array(BLOCK_SIZE);
  const dv = new DataView(b.buffer);
  b.set(new TextEncoder().encode(MAGIC), 0);
  dv.setUint32(8, VERSION, true);
  dv.setUint32(12, BLOCK_SIZE, true);
  GEOMETRY_FIELDS.forEach((f, i) => dv.setUint32(16 + 4 * i, g[f], true));
  const end = 16 + 4 * GEOMETRY_FIELDS.length;
  dv.setUint32(end, crc32(b.subarray(0, end)), true);
  return b;
}

/** The geometry in a superblock, or why it is not a diskfs superblock. */
export function decodeSuperblock(b: Uint8Array, deviceBlocks: number): Geometry | string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (decodeText(new TextDecoder(), b.subarray(0, 8)) !== MAGIC) return 'no diskfs superblock (bad magic)';
  const end = 16 + 4 * GEOMETRY_FIELDS.length;
  if (dv.getUint32(end, true) !== crc32(b.subarray(0, end))) return 'superblock checksum mismatch';
  if (dv.getUint32(8, true) !== VERSION) return `unsupported diskfs version ${dv.getUint32(8, true)}`;
  if (dv.getUint32(12, true) !== BLOCK_SIZE) return `unsupported block size ${dv.getUint32(12, true)}`;
  const g = Object.fromEntries(GEOMETRY_FIELDS.map((f, i) => [f, dv.getUint32(16 + 4 * i, true)])) as unknown as Geometry;
  const plan = g.blockCount >= MIN_BLOCKS ? planGeometry(g.blockCount) : null;
  if (!plan || GEOMETRY_FIELDS.some((f) => plan[f] !== g[f])) return 'superblock geometry is inconsistent';
  if (g.blockCount > deviceBlocks) return `superblock says ${g.blockCount} blocks, the device has ${deviceBlocks}`;
  return g;
}

export interface Inode {
  type: number;
  nlink: number;
  generation: number;
  parent: number;
  size: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  readonly direct: number[];
  indirect: number;
  double: number;
}

export function emptyInode(): Inode {
  return { type: 0, nlink: 0, generation: 0, parent: 0, size: 0, atim: 0n, mtim: 0n, ctim: 0n, direct: new Array<number>(DIRECT).fill(0), indirect: 0, double: 0 };
}

/** Where inode `ino` lives: its block and byte offset in it. */
export function inodePlace(g: Geometry, ino: number): { block: number; offset: number } {
  return { block: g.inodeStart + Math.floor((ino - 1) / INODES_PER_BLOCK), offset: ((ino - 1) % INODES_PER_BLOCK) * INODE_SIZE };
}

export function decodeInode(block: Uint8Array, offset: number): Inode {
  const dv = new DataView(block.buffer, block.byteOffset + offset, INODE_SIZE);
  const direct: number[] = [];
  for (let i = 0; i < DIRECT; i++) direct.push(dv.getUint32(48 + 4 * i, true));
  return {
    type: dv.getUint8(0), nlink: dv.getUint32(4, true), generation: dv.getUint32(8, true), parent: dv.getUint32(12, true),
    size: Number(dv.getBigUint64(16, true)), atim: dv.getBigUint64(24, true), mtim: dv.getBigUint64(32, true), ctim: dv.getBigUint64(40, true),
    direct, indirect: dv.getUint32(96, true), double: dv.getUint32(100, true),
  };
}

export function encodeInode(n: Inode, block: Uint8Array, offset: number): void {
  block.fill(0, offset, offset + INODE_SIZE);
  const dv = new DataView(block.buffer, block.byteOffset + offset, INODE_SIZE);
  dv.setUint8(0, n.type);
  dv.setUint32(4, n.nlink, true);
  dv.setUint32(8, n.generation, true);
  dv.setUint32(12, n.parent, true);
  dv.setBigUint64(16, BigInt(n.size), true);
  dv.setBigUint64(24, n.atim, true);
  dv.setBigUint64(32, n.mtim, true);
  dv.setBigUint64(40, n.ctim, true);
  for (let i = 0; i < DIRECT; i++) dv.setUint32(48 + 4 * i, n.direct[i]!, true);
  dv.setUint32(96, n.indirect, true);
  dv.setUint32(100, n.double, true);
}

/**
 * Node numbers on the wire: the root is 1; any other inode is generation × 2^32 + ino, so a
 * number kept after its file was deleted (and the inode reused) names nothing.
 */
export const GENERATION_LIMIT = 1 << 20;
export function nodeOf(ino: number, generation: number): number {
  return ino === ROOT_INO ? 1 : generation * 0x1_0000_0000 + ino;
}
export function splitNode(node: number): { ino: number; generation: number } {
  if (node === 1) return { ino: ROOT_INO, generation: -1 };
  return { ino: node % 0x1_0000_0000, generation: Math.floor(node / 0x1_0000_0000) };
}

/** Bytes a directory record for a name of `nameBytes` bytes needs. */
export function direntSize(nameBytes: number): number {
  return (DIRENT_HEADER + nameBytes + 3) & ~3;
}

export interface DirRecord {
  readonly offset: number;
  readonly ino: number;
  readonly recLen: number;
  readonly type: number;
  readonly name: Uint8Array;
}

/** The records of one directory block, or why the block is malformed. */
export function parseDirBlock(block: Uint8Array): DirRecord[] | string {
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const out: DirRecord[] = [];
  let off = 0;
  while (off < BLOCK_SIZE) {
    const ino = dv.getUint32(off, true), recLen = dv.getUint16(off + 4, true), nameLen = dv.getUint8(off + 6);
    if (recLen < DIRENT_HEADER || recLen % 4 !== 0 || off + recLen > BLOCK_SIZE) return `bad record length ${recLen} at offset ${off}`;
    if (ino !== 0 && direntSize(nameLen) > recLen) return `name of ${nameLen} bytes overflows its record at offset ${off}`;
    out.push({ offset: off, ino, recLen, type: dv.getUint8(off + 7), name: block.subarray(off + DIRENT_HEADER, off + DIRENT_HEADER + (ino ? nameLen : 0)) });
    off += recLen;
  }
  return out;
}

export function writeDirRecord(block: Uint8Array, offset: number, ino: number, recLen: number, type: number, name: Uint8Array): void {
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  dv.setUint32(offset, ino, true);
  dv.setUint16(offset + 4, recLen, true);
  dv.setUint8(offset + 6, name.length);
  dv.setUint8(offset + 7, type);
  block.set(name, offset + DIRENT_HEADER);
}

/** A fresh directory block: one free record spanning it. */
export function emptyDirBlock(): Uint8Array {
  const b = new Uint8Array(BLOCK_SIZE);
  writeDirRecord(b, 0, 0, BLOCK_SIZE, 0, new Uint8Array(0));
  return b;
}

/**
 * fsck for diskfs: check an image without writing to it, as a mount would see it — through the
 * committed transactions still in the journal (a block's image from the latest one holding it).
 *
 * It checks the superblock; each allocated inode's type, generation and size; every block
 * pointer (in range, claimed once, none past the file's size); directory blocks (well-formed
 * records naming allocated inodes of the recorded type, valid unique names, the parent link of
 * each subdirectory); reachability from the root (an unreachable inode with no links is an
 * orphan a mount frees: a note, not an error); link counts; and that the bitmap marks exactly
 * the metadata and the claimed blocks (and every bit past the device's end).
 */

import { BLOCK_SIZE, type BlockDevice } from './block-device.js';
import { scan } from './journal.js';
import {
  DIRECT, type Geometry, INODES_PER_BLOCK, INODE_SIZE, type Inode, MAX_FILE_BLOCKS, POINTERS_PER_BLOCK, ROOT_INO,
  decodeInode, decodeSuperblock, parseDirBlock,
} from './layout.js';
import { decodeText } from '../../abi/text-codec.js';

export interface FsckReport {
  errors: string[];
  notes: string[];
  files: number;
  directories: number;
  symlinks: number;
  usedBlocks: number;
  pendingTransactions: number;
}

const MAX_LINES_PER_KIND = 20;
const DIR = 3, FILE = 4, SYMLINK = 7;

/** Error lines, at most MAX_LINES_PER_KIND of each kind, then a count of the rest. */
class Findings {
  readonly lines: string[] = [];
  private readonly perKind = new Map<string, number>();

  add(kind: string, line: string): void {
    const n = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, n);
    if (n <= MAX_LINES_PER_KIND) this.lines.push(line);
  }

  finish(): string[] {
    for (const [, n] of this.perKind) if (n > MAX_LINES_PER_KIND) this.lines.push(`... and ${n - MAX_LINES_PER_KIND} more like the above`);
    return this.lines;
  }
}

export function fsck(dev: BlockDevice): FsckReport {
  const report: FsckReport = { errors: [], notes: [], files: 0, directories: 0, symlinks: 0, usedBlocks: 0, pendingTransactions: 0 };
  const sb = new Uint8Array(BLOCK_SIZE);
  dev.read(0, sb);
  const g = decodeSuperblock(sb, dev.blockCount);
  if (typeof g === 'string') {
    report.errors.push(`superblock: ${g}`);
    return report;
  }
  const overlay = new Map<number, Uint8Array>();
  try {
    const { transactions } = scan(dev, g.journalStart, g.journalBlocks);
    for (const t of transactions) for (const [n, image] of t) overlay.set(n, image);
    report.pendingTransactions = transactions.length;
    if (transactions.length > 0) report.notes.push(`${transactions.length} committed journal transaction${transactions.length === 1 ? '' : 's'} to replay at mount (checked as replayed)`);
  } catch (e) {
    report.errors.push(`journal: ${e instanceof Error ? e.message : String(e)}`);
  }
  const read = (n: number): Uint8Array => {
    const o = overlay.get(n);
    if (o) return o;
    const b = new Uint8Array(BLOCK_SIZE);
    dev.read(n, b);
    return b;
  };
  new Checker(g, read, report).run();
  return report;
}

class Checker {
  private readonly errors = new Findings();
  private readonly inodes = new Map<number, Inode>();
  /** Block → what claims it ("inode 12", "inode 12 (indirect)"). */
  private readonly owner = new Map<number, string>();
  private readonly refs = new Map<number, number>();
  private readonly subdirs = new Map<number, number>();
  private readonly reachable = new Set<number>();

  constructor(private readonly g: Geometry, private readonly read: (n: number) => Uint8Array, private readonly report: FsckReport) {}

  run(): void {
    this.loadInodes();
    for (const [ino, n] of this.inodes) this.checkInode(ino, n);
    this.walk();
    this.checkLinks();
    this.checkBitmap();
    this.report.errors.push(...this.errors.finish());
  }

  private loadInodes(): void {
    for (let b = 0; b < this.g.inodeBlocks; b++) {
      const block = this.read(this.g.inodeStart + b);
      for (let i = 0; i < INODES_PER_BLOCK; i++) {
        const n = decodeInode(block, i * INODE_SIZE);
        if (n.type !== 0) this.inodes.set(b * INODES_PER_BLOCK + i + 1, n);
      }
    }
    const root = this.inodes.get(ROOT_INO);
    if (!root) this.errors.add('root', 'root inode 1 is free');
    else if (root.type !== DIR) this.errors.add('root', `root inode 1 is not a directory (type ${root.type})`);
  }

  private claim(n: number, who: string): boolean {
    if (n < this.g.dataStart || n >= this.g.blockCount) {
      this.errors.add('range', `${who}: block pointer ${n} is outside the data area [${this.g.dataStart}, ${this.g.blockCount})`);
      return false;
    }
    const prev = this.owner.get(n);
    if (prev !== undefined) {
      this.errors.add('twice', `block ${n} is claimed twice: by ${prev} and by ${who}`);
      return false;
    }
    this.owner.set(n, who);
    return true;
  }

  /** Visit the data blocks of `n` (logical index, device block), claiming pointer blocks on the way. */
  private dataBlocks(ino: number, n: Inode, visit: (logical: number, block: number) => void, claimTables = true): void {
    const who = `inode ${ino}`;
    const usable = (t: number, what: string): boolean => (claimTables ? this.claim(t, `${who} (${what})`) : t >= this.g.dataStart && t < this.g.blockCount);
    n.direct.forEach((b, i) => { if (b) visit(i, b); });
    const table = (t: number, base: number, what: string): void => {
      if (!usable(t, what)) return;
      const dv = new DataView(this.read(t).buffer);
      for (let i = 0; i < POINTERS_PER_BLOCK; i++) {
        const b = dv.getUint32(i * 4, true);
        if (b) visit(base + i, b);
      }
    };
    if (n.indirect) table(n.indirect, DIRECT, 'indirect block');
    if (n.double && usable(n.double, 'double indirect block')) {
      const dv = new DataView(this.read(n.double).buffer);
      for (let o = 0; o < POINTERS_PER_BLOCK; o++) {
        const t = dv.getUint32(o * 4, true);
        if (t) table(t, DIRECT + POINTERS_PER_BLOCK + o * POINTERS_PER_BLOCK, 'indirect block');
      }
    }
  }

  private checkInode(ino: number, n: Inode): void {
    const who = `inode ${ino}`;
    if (n.type !== DIR && n.type !== FILE && n.type !== SYMLINK) this.errors.add('type', `${who}: unknown type ${n.type}`);
    if (n.generation < 1) this.errors.add('generation', `${who}: generation 0 on an allocated inode`);
    if (n.size > MAX_FILE_BLOCKS * BLOCK_SIZE) this.errors.add('size', `${who}: size ${n.size} is past the largest file`);
    if (n.type === DIR && n.size % BLOCK_SIZE !== 0) this.errors.add('size', `${who}: directory size ${n.size} is not a multiple of ${BLOCK_SIZE}`);
    const blocks = Math.ceil(n.size / BLOCK_SIZE);
    this.dataBlocks(ino, n, (logical, b) => {
      if (!this.claim(b, who)) return;
      if (logical >= blocks) this.errors.add('past', `${who}: block ${b} mapped at index ${logical}, past its size ${n.size}`);
    });
  }

  /** Walk the tree from the root: directory records, references, parent links, reachability. */
  private walk(): void {
    if (this.inodes.get(ROOT_INO)?.type !== DIR) return;
    const root = this.inodes.get(ROOT_INO)!;
    if (root.parent !== ROOT_INO) this.errors.add('parent', `root inode: parent ${root.parent}, expected ${ROOT_INO}`);
    const queue = [ROOT_INO];
    this.reachable.add(ROOT_INO);
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    while (queue.length > 0) {
      const dirIno = queue.shift()!;
      const dir = this.inodes.get(dirIno)!;
      const names = new Set<string>();
      const mapped = new Map<number, number>();
      this.dataBlocks(dirIno, dir, (logical, b) => mapped.set(logical, b), false);
      for (let i = 0; i * BLOCK_SIZE < dir.size; i++) {
        const b = mapped.get(i);
        const where = `directory inode ${dirIno} block ${i}`;
        if (!b || b < this.g.dataStart || b >= this.g.blockCount) {
          this.errors.add('dirhole', `${where}: a hole`);
          continue;
        }
        const records = parseDirBlock(this.read(b));
        if (typeof records === 'string') {
          this.errors.add('dirblock', `${where} (block ${b}): ${records}`);
          continue;
        }
        for (const r of records) {
          if (r.ino === 0) continue;
          let name: string;
          try {
            name = decodeText(utf8, r.name);
          } catch {
            this.errors.add('name', `${where}: entry at offset ${r.offset} has a name that is not UTF-8`);
            continue;
          }
          const entry = `${where}: entry '${name}'`;
          if (name === '' || name.includes('/') || name === '.' || name === '..') this.errors.add('name', `${entry}: invalid name`);
          if (names.has(name)) this.errors.add('name', `${entry}: the name appears twice`);
          names.add(name);
          const child = r.ino >= 1 && r.ino <= this.g.inodeCount ? this.inodes.get(r.ino) : undefined;
          if (!child) {
            this.errors.add('dangling', `${entry} names inode ${r.ino}, which is ${r.ino >= 1 && r.ino <= this.g.inodeCount ? 'free' : 'out of range'}`);
            continue;
          }
          if (child.type !== r.type) this.errors.add('entrytype', `${entry}: type ${r.type}, but inode ${r.ino} has type ${child.type}`);
          this.refs.set(r.ino, (this.refs.get(r.ino) ?? 0) + 1);
          if (child.type === DIR) {
            this.subdirs.set(dirIno, (this.subdirs.get(dirIno) ?? 0) + 1);
            if (child.parent !== dirIno) this.errors.add('parent', `${entry}: directory inode ${r.ino} has parent ${child.parent}, not ${dirIno}`);
            if (r.ino === ROOT_INO || this.reachable.has(r.ino)) {
              this.errors.add('dirlink', `${entry}: directory inode ${r.ino} is linked more than once`);
              continue;
            }
            queue.push(r.ino);
          }
          this.reachable.add(r.ino);
        }
      }
    }
  }

  private checkLinks(): void {
    for (const [ino, n] of this.inodes) {
      if (!this.reachable.has(ino)) {
        if (n.nlink === 0) this.report.notes.push(`inode ${ino}: an orphan (unlinked while open); mount frees it`);
        else this.errors.add('unreachable', `inode ${ino}: not reachable from the root, yet nlink ${n.nlink}`);
        continue;
      }
      if (n.type === DIR) {
        this.report.directories++;
        const want = 2 + (this.subdirs.get(ino) ?? 0);
        if (n.nlink !== want) this.errors.add('nlink', `inode ${ino} (directory): nlink ${n.nlink}, expected ${want}`);
      } else {
        if (n.type === SYMLINK) this.report.symlinks++;
        else this.report.files++;
        const want = this.refs.get(ino) ?? 0;
        if (n.nlink !== want) this.errors.add('nlink', `inode ${ino}: nlink ${n.nlink}, but ${want} entr${want === 1 ? 'y names' : 'ies name'} it`);
      }
    }
  }

  private checkBitmap(): void {
    const g = this.g;
    const bits = g.bitmapBlocks * BLOCK_SIZE * 8;
    for (let b = 0; b < g.bitmapBlocks; b++) {
      const block = this.read(g.bitmapStart + b);
      for (let i = 0; i < BLOCK_SIZE * 8; i++) {
        const n = b * BLOCK_SIZE * 8 + i;
        if (n >= bits) break;
        const marked = (block[i >> 3]! & (1 << (i & 7))) !== 0;
        if (marked && n < g.blockCount) this.report.usedBlocks++;
        const inUse = n < g.dataStart || n >= g.blockCount || this.owner.has(n);
        if (inUse && !marked) {
          const what = n >= g.blockCount ? 'past the end of the device' : n < g.dataStart ? 'metadata' : `claimed by ${this.owner.get(n)}`;
          this.errors.add('unmarked', `block ${n} is in use (${what}) but not marked in the bitmap`);
        } else if (marked && !inUse) this.errors.add('leaked', `block ${n} is marked in the bitmap but nothing uses it (leaked)`);
      }
    }
  }
}

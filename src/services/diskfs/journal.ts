/**
 * diskfs's write-ahead block journal (physical redo logging, as ext3/jbd2 with data=journal).
 *
 * Region layout: a header block [magic "KJNL"][seq u32][crc u32], then transactions written one
 * after another from the next block:
 *   descriptor [magic "KJDS"][seq u32][count u32][target block u32 × count]
 *   count block images
 *   commit     [magic "KJCM"][seq u32][count u32][crc u32 of descriptor + images]
 *
 * Commit: write the transaction (one contiguous write), flush: the point of durability, one
 * flush per commit. The blocks are not written home yet: the journal keeps a copy of each
 * (`unhomed`, which reads consult first) until a checkpoint — when the journal is full, or at
 * unmount — writes them all home, flushes, and rewrites the header with the next sequence number,
 * which voids every transaction before it. Replay (at mount) applies each whole transaction from the first after
 * the header whose seq is the header's, then the next seq, and so on, stopping at the first that
 * is torn, stale or missing; it is idempotent, so a crash during replay is replayed again.
 *
 * Invariant: sequence numbers only grow, so a stale transaction left further in the region never
 * continues the chain (u32: 4 billion commits per image).
 */

import { BLOCK_SIZE, type BlockDevice, writeBlocks } from './block-device.js';
import { crc32 } from './crc32.js';

const HEADER_MAGIC = 0x4c4e4a4b; // "KJNL"
const DESC_MAGIC = 0x53444a4b; // "KJDS"
const COMMIT_MAGIC = 0x4d434a4b; // "KJCM"
/** Targets one descriptor block holds. */
export const MAX_TRANSACTION_BLOCKS = (BLOCK_SIZE - 12) / 4;

export interface JournalStats {
  commits: number;
  blocksJournaled: number;
  checkpoints: number;
  replayed: number;
}

export class Journal {
  private head: number;
  private seq: number;
  /** Committed images not yet written to their home blocks (at most the journal's size). */
  private readonly unhomed = new Map<number, Uint8Array>();
  readonly stats: JournalStats = { commits: 0, blocksJournaled: 0, checkpoints: 0, replayed: 0 };

  private constructor(private readonly dev: BlockDevice, private readonly start: number, private readonly blocks: number, seq: number) {
    this.head = start + 1;
    this.seq = seq;
  }

  /** The most blocks one transaction may hold on this journal. */
  get capacity(): number {
    return Math.min(MAX_TRANSACTION_BLOCKS, this.blocks - 3);
  }

  /** Write an empty journal (mkfs). */
  static format(dev: BlockDevice, start: number): void {
    dev.write(start, header(1));
  }

  /**
   * Open the journal at `start` (`blocks` long): replay every committed transaction to its home,
   * make that durable and start a fresh sequence.
   */
  static open(dev: BlockDevice, start: number, blocks: number): Journal {
    const { seq, transactions } = scan(dev, start, blocks);
    const j = new Journal(dev, start, blocks, seq + transactions.length);
    if (transactions.length > 0) {
      // In order: a later transaction's image of a block replaces an earlier one's.
      for (const t of transactions) writeBlocks(dev, t);
      dev.flush();
      dev.write(start, header(j.seq));
      dev.flush();
      j.stats.replayed = transactions.length;
    }
    return j;
  }

  /** The committed image of block `n` not yet written home, if any (reads must see it). */
  pending(n: number): Uint8Array | undefined {
    return this.unhomed.get(n);
  }

  /** Commit `blocks` (block number → image) atomically: durable when this returns. Throws on a device error. */
  commit(blocks: ReadonlyMap<number, Uint8Array>): void {
    const count = blocks.size;
    if (count === 0) return;
    if (count > this.capacity) throw new RangeError(`a transaction of ${count} blocks does not fit the journal (${this.capacity})`);
    if (this.head + count + 2 > this.start + this.blocks) this.checkpoint();
    const run = new Uint8Array((count + 2) * BLOCK_SIZE);
    const dv = new DataView(run.buffer);
    dv.setUint32(0, DESC_MAGIC, true);
    dv.setUint32(4, this.seq, true);
    dv.setUint32(8, count, true);
    let i = 0;
    for (const [target, image] of blocks) {
      dv.setUint32(12 + 4 * i, target, true);
      run.set(image, (1 + i) * BLOCK_SIZE);
      i++;
    }
    const crc = crc32(run.subarray(0, (count + 1) * BLOCK_SIZE));
    const c = (count + 1) * BLOCK_SIZE;
    dv.setUint32(c, COMMIT_MAGIC, true);
    dv.setUint32(c + 4, this.seq, true);
    dv.setUint32(c + 8, count, true);
    dv.setUint32(c + 12, crc, true);
    this.dev.writeRun(this.head, run);
    this.dev.flush();
    // Durable from here on. The copies in `run` are what a checkpoint writes home (the caller
    // goes on changing its own buffers).
    let slot = 1;
    for (const target of blocks.keys()) {
      this.unhomed.set(target, run.subarray(slot * BLOCK_SIZE, (slot + 1) * BLOCK_SIZE));
      slot++;
    }
    this.head += count + 2;
    this.seq = (this.seq + 1) >>> 0;
    this.stats.commits++;
    this.stats.blocksJournaled += count;
  }

  /** Write every committed block home, make that durable and empty the journal. */
  checkpoint(): void {
    // Blocks that lie one after another go in one host write; their order does not matter: until
    // the header is rewritten, a crash replays the journal whole.
    writeBlocks(this.dev, this.unhomed);
    this.dev.flush();
    this.unhomed.clear();
    this.dev.write(this.start, header(this.seq));
    this.dev.flush();
    this.head = this.start + 1;
    this.stats.checkpoints++;
  }
}

function header(seq: number): Uint8Array {
  const b = new Uint8Array(BLOCK_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, HEADER_MAGIC, true);
  dv.setUint32(4, seq, true);
  dv.setUint32(8, crc32(b.subarray(0, 8)), true);
  return b;
}

export type Transaction = Map<number, Uint8Array>;

/**
 * Read the journal without changing it: its header's sequence number and the committed
 * transactions a mount would replay, in order (fsck uses this to see the image as mounted).
 * A bad header means the region is not a journal: an error.
 */
export function scan(dev: BlockDevice, start: number, blocks: number): { seq: number; transactions: Transaction[] } {
  const h = new Uint8Array(BLOCK_SIZE);
  dev.read(start, h);
  const hv = new DataView(h.buffer);
  if (hv.getUint32(0, true) !== HEADER_MAGIC || hv.getUint32(8, true) !== crc32(h.subarray(0, 8))) throw new Error('journal header is damaged');
  const first = hv.getUint32(4, true);
  const transactions: Transaction[] = [];
  const end = start + blocks;
  let pos = start + 1;
  let seq = first;
  const desc = new Uint8Array(BLOCK_SIZE);
  const dv = new DataView(desc.buffer);
  for (;;) {
    if (pos + 2 > end) break;
    dev.read(pos, desc);
    const count = dv.getUint32(8, true);
    if (dv.getUint32(0, true) !== DESC_MAGIC || dv.getUint32(4, true) !== seq || count === 0 || count > MAX_TRANSACTION_BLOCKS || pos + count + 2 > end) break;
    let crc = crc32(desc);
    const t: Transaction = new Map();
    for (let i = 0; i < count; i++) {
      const image = new Uint8Array(BLOCK_SIZE);
      dev.read(pos + 1 + i, image);
      crc = crc32(image, crc);
      t.set(dv.getUint32(12 + 4 * i, true), image);
    }
    const c = new Uint8Array(BLOCK_SIZE);
    dev.read(pos + count + 1, c);
    const cv = new DataView(c.buffer);
    if (cv.getUint32(0, true) !== COMMIT_MAGIC || cv.getUint32(4, true) !== seq || cv.getUint32(8, true) !== count || cv.getUint32(12, true) !== crc) break;
    transactions.push(t);
    pos += count + 2;
    seq = (seq + 1) >>> 0;
  }
  return { seq: first, transactions };
}

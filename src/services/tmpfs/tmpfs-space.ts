/**
 * What a tmpfs charges for what it keeps, and the budget it charges against.
 *
 * Everything a tmpfs holds is charged, so a program that fills it gets ENOSPC instead of running
 * its thread out of memory: each node (INODE_BYTES, plus DIRECTORY_BYTES for a directory's entry
 * table), each directory entry (ENTRY_BYTES plus its name), each symlink target, each page of
 * file data (PAGE_RECORD_BYTES plus the page's buffer). The fixed costs are at least what the
 * JS engine spends on those records (measured with Node 20, node numbers past 2^32 as the
 * registry gives them: an empty file with its entry ~360 bytes of heap, charged 646; a directory
 * ~500, charged 902; a page ~320 with its buffer of 64 bytes, the smallest, charged 448; a file's
 * first page ~450 with the file's page table), so the charge bounds the memory.
 *
 * Two budgets, both checked on every charge:
 *   - `maxBytes`: all of it (what `statfs` reports as total and used);
 *   - `maxMetadataBytes`: all of it but the page buffers. Metadata lives on the thread's JS heap,
 *     whose size the engine caps (file data lives in ArrayBuffers outside it), so this is the
 *     budget that keeps a tmpfs filled with names, targets and empty files inside the heap.
 * A charge that would pass either budget is refused whole: nothing is charged (ENOSPC).
 */

/** A node: its record, its number in the node table, its three times. */
export const INODE_BYTES = 512;
/** A directory's entry table, besides its node. */
export const DIRECTORY_BYTES = 256;
/** A directory entry, besides its name. */
export const ENTRY_BYTES = 128;
/** A page of file data: its buffer's record and its place in the file's page table. */
export const PAGE_RECORD_BYTES = 384;

/** Default budgets: 1 GiB in all, of which at most 64 MiB metadata. */
export const DEFAULT_MAX_BYTES = 1 << 30;
export const DEFAULT_MAX_METADATA_BYTES = 64 << 20;

/**
 * What a name or a symlink target costs: one byte per UTF-16 unit, two if any unit is above
 * U+00FF (the engine then stores the whole string two bytes a unit).
 */
export function stringBytes(s: string): number {
  return /[^\u0000-\u00ff]/.test(s) ? 2 * s.length : s.length;
}

/** The cost of the entry `name` in a directory. */
export function entryBytes(name: string): number {
  return ENTRY_BYTES + stringBytes(name);
}

export class TmpfsSpace {
  /** Bytes charged in all (metadata and page buffers). */
  private usedBytes = 0;
  /** Bytes charged for metadata (everything but page buffers). */
  private metadataBytes = 0;

  constructor(readonly maxBytes: number, readonly maxMetadataBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  get metadata(): number {
    return this.metadataBytes;
  }

  /** Charge `metadata` bytes of metadata and `data` bytes of page buffers; false (nothing charged) if a budget would be passed. */
  take(metadata: number, data = 0): boolean {
    if (this.usedBytes + metadata + data > this.maxBytes || this.metadataBytes + metadata > this.maxMetadataBytes) return false;
    this.usedBytes += metadata + data;
    this.metadataBytes += metadata;
    return true;
  }

  /** Give back what `take` charged. */
  give(metadata: number, data = 0): void {
    this.usedBytes -= metadata + data;
    this.metadataBytes -= metadata;
  }
}

/**
 * The data of one tmpfs file, kept in pages of DATA_PAGE_BYTES.
 *
 * A file is a table of pages by index (a Map: a sparse file holds only the pages written). A
 * page's buffer may be shorter than a page — it grows by doubling, from MIN_BUFFER_BYTES up to a
 * whole page — and every byte of the file not in a buffer reads as zero. So:
 *   - appending costs amortised O(bytes) at any file size: a write copies at most one page (when
 *     a partly filled page's buffer doubles), never the file;
 *   - a hole (a write far past the end, a truncate up) allocates nothing;
 *   - a small file costs a small buffer, not a page.
 * Invariant: every buffer byte at or past `size` is zero (truncate zeroes or drops what it cuts
 * off), so growing the file, by a write past the end or a truncate up, shows zeros.
 *
 * Every buffer is charged to the file system's TmpfsSpace: PAGE_RECORD_BYTES of metadata per
 * page and the buffer's length as data. A write that cannot be charged changes nothing (ENOSPC).
 */

import { Errno } from '../../abi/errno.js';
import { PAGE_RECORD_BYTES, type TmpfsSpace } from './tmpfs-space.js';

/** Bytes in one page of file data (the page cache reads 64 KiB at a time: one page each). */
export const DATA_PAGE_BYTES = 64 * 1024;
/** The smallest buffer a page gets. */
const MIN_BUFFER_BYTES = 64;
/** Largest file: offsets stay exact in a double. */
export const MAX_FILE_BYTES = Number.MAX_SAFE_INTEGER;
/** Largest read served in one call; shorter reads are always allowed (a hole is made of zeros on the spot). */
export const MAX_READ_BYTES = 16 << 20;

/** A buffer of at least `need` bytes for a page that has `have` (doubling; at most a page). */
function grownLength(have: number, need: number): number {
  let n = Math.max(MIN_BUFFER_BYTES, have);
  while (n < need) n *= 2;
  return Math.min(n, DATA_PAGE_BYTES);
}

export class FileData {
  /** The file's length in bytes. */
  size = 0;
  /** Page index → buffer; null until the first byte is stored. */
  private pages: Map<number, Uint8Array> | null = null;
  /** The sum of the buffers' lengths. */
  private allocated = 0;
  /**
   * Pages whose buffer is borrowed: a view on memory this file does not own (a kept log's image,
   * re-attached without a copy: kept-tmpfs.ts). Read in place; copied before any change (`own`).
   */
  private borrowed: Set<number> | null = null;

  /** What this file's data is charged: metadata and page-buffer bytes (for an audit). */
  charge(): { metadata: number; data: number } {
    return { metadata: (this.pages?.size ?? 0) * PAGE_RECORD_BYTES, data: this.allocated };
  }

  /**
   * A file of `size` bytes holding `pages` (page index → buffer, as `pageList` gave them): not
   * charged. The buffers are borrowed (never written; copied before a change).
   */
  static fromPages(size: number, pages: readonly (readonly [number, Uint8Array])[]): FileData {
    const f = new FileData();
    f.size = size;
    if (pages.length > 0) {
      f.pages = new Map(pages);
      f.borrowed = new Set(f.pages.keys());
    }
    for (const [, b] of pages) f.allocated += b.length;
    return f;
  }

  /** Copy every borrowed buffer into one of its own (before the memory lent is reused). */
  ownAll(): void {
    for (const page of this.borrowed ?? []) this.own(page);
  }

  /** Page `page`'s buffer, copied first if it was borrowed (call before writing into it). */
  private own(page: number): Uint8Array | undefined {
    const buf = this.pages?.get(page);
    if (!buf || !this.borrowed?.delete(page)) return buf;
    if (this.borrowed.size === 0) this.borrowed = null;
    const mine = buf.slice();
    this.pages!.set(page, mine);
    return mine;
  }

  /** Its buffers by page index (the file's own: copy what must outlive the next change). */
  pageList(): (readonly [number, Uint8Array])[] {
    return this.pages ? [...this.pages] : [];
  }

  /** Up to `length` bytes from `offset` (none past the end; at most MAX_READ_BYTES). */
  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + Math.min(length, MAX_READ_BYTES));
    if (offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / DATA_PAGE_BYTES);
    const at = offset - first * DATA_PAGE_BYTES;
    const buf = this.pages?.get(first);
    // Within one page and within its buffer: no copy.
    if (buf && at + (end - offset) <= buf.length) return buf.subarray(at, at + (end - offset));
    const out = new Uint8Array(end - offset);
    for (let pos = offset; pos < end;) {
      const page = Math.floor(pos / DATA_PAGE_BYTES);
      const from = pos - page * DATA_PAGE_BYTES;
      const n = Math.min(end - pos, DATA_PAGE_BYTES - from);
      const b = this.pages?.get(page);
      if (b && from < b.length) out.set(b.subarray(from, Math.min(b.length, from + n)), pos - offset);
      pos += n;
    }
    return out;
  }

  /**
   * Store `data` at `at` (the caller checked that `at` is a safe non-negative integer). The
   * buffers it needs are charged first, all or nothing: ENOSPC changes nothing; EFBIG past
   * MAX_FILE_BYTES.
   */
  write(at: number, data: Uint8Array, space: TmpfsSpace): number {
    if (data.length === 0) return Errno.SUCCESS;
    const end = at + data.length;
    if (end > MAX_FILE_BYTES) return Errno.FBIG;
    // Most small writes land in a buffer that already has room: no plan, no charge.
    const first = Math.floor(at / DATA_PAGE_BYTES);
    const from = at - first * DATA_PAGE_BYTES;
    const buf = this.own(first);
    if (buf && from + data.length <= buf.length) {
      buf.set(data, from);
      if (end > this.size) this.size = end;
      return Errno.SUCCESS;
    }
    // Try buffers that double (amortised growth); near the limit, buffers just large enough.
    let plan = this.plan(at, end, true);
    if (!space.take(plan.records * PAGE_RECORD_BYTES, plan.bytes)) {
      plan = this.plan(at, end, false);
      if (!space.take(plan.records * PAGE_RECORD_BYTES, plan.bytes)) return Errno.NOSPC;
    }
    const pages = (this.pages ??= new Map());
    for (const [page, length] of plan.grow) {
      const old = pages.get(page);
      const next = new Uint8Array(length);
      if (old) next.set(old);
      pages.set(page, next);
      this.borrowed?.delete(page);
    }
    this.allocated += plan.bytes;
    for (let pos = at; pos < end;) {
      const page = Math.floor(pos / DATA_PAGE_BYTES);
      const from = pos - page * DATA_PAGE_BYTES;
      const n = Math.min(end - pos, DATA_PAGE_BYTES - from);
      this.own(page)!.set(data.subarray(pos - at, pos - at + n), from);
      pos += n;
    }
    if (end > this.size) this.size = end;
    return Errno.SUCCESS;
  }

  /** The buffers a write of [at, end) must grow (page → new length), the bytes they add and the pages they add. */
  private plan(at: number, end: number, doubling: boolean): { grow: [number, number][]; bytes: number; records: number } {
    const grow: [number, number][] = [];
    let bytes = 0, records = 0;
    for (let pos = at; pos < end;) {
      const page = Math.floor(pos / DATA_PAGE_BYTES);
      const from = pos - page * DATA_PAGE_BYTES;
      const n = Math.min(end - pos, DATA_PAGE_BYTES - from);
      const have = this.pages?.get(page)?.length ?? 0;
      if (from + n > have) {
        const length = doubling ? grownLength(have, from + n) : from + n;
        grow.push([page, length]);
        bytes += length - have;
        if (have === 0) records++;
      }
      pos += n;
    }
    return { grow, bytes, records };
  }

  /** Set the length to `size` (a safe non-negative integer): cut pages are freed, growth allocates nothing. */
  truncate(size: number, space: TmpfsSpace): void {
    if (size >= this.size) {
      this.size = size;
      return;
    }
    const oldLast = Math.floor((this.size - 1) / DATA_PAGE_BYTES);
    this.size = size;
    if (!this.pages) return;
    const last = Math.floor(size / DATA_PAGE_BYTES);
    const keep = size - last * DATA_PAGE_BYTES;
    const firstCut = keep === 0 ? last : last + 1;
    const cut = (page: number, buf: Uint8Array | undefined): void => {
      if (buf && page >= firstCut) this.dropPage(page, buf, space);
    };
    // Visit the pages cut or the pages held, whichever are fewer: a small cut of a large file
    // costs the pages it cuts, not the file.
    if (oldLast - firstCut + 1 <= this.pages.size) for (let p = firstCut; p <= oldLast; p++) cut(p, this.pages.get(p));
    else for (const [page, buf] of this.pages) cut(page, buf);
    const buf = this.pages.get(last);
    if (!buf || keep >= buf.length) return;
    const length = grownLength(0, keep);
    if (length < buf.length) {
      // Give back what the cut freed: a buffer at most twice what it keeps.
      this.pages.set(last, buf.slice(0, length).fill(0, keep));
      this.borrowed?.delete(last);
      this.allocated -= buf.length - length;
      space.give(0, buf.length - length);
    } else this.own(last)!.fill(0, keep);
  }

  private dropPage(page: number, buf: Uint8Array, space: TmpfsSpace): void {
    this.pages!.delete(page);
    this.borrowed?.delete(page);
    this.allocated -= buf.length;
    space.give(PAGE_RECORD_BYTES, buf.length);
  }

  /** Free every page (the node is gone). */
  release(space: TmpfsSpace): void {
    space.give((this.pages?.size ?? 0) * PAGE_RECORD_BYTES, this.allocated);
    this.pages = null;
    this.borrowed = null;
    this.allocated = 0;
    this.size = 0;
  }
}

/**
 * The VFS's references on one file system's nodes: one file-system `open` per node however many
 * fids name it, and that open's answer (attributes, page-cache token) kept while the file
 * system's change word shows nothing has changed since.
 *
 * Without this every fid costs the file system an `open` and a `close` — a function call with a
 * message encoded and decoded when coalesced, a cross-thread call when isolated — even when the
 * same file is opened and closed again and again (a compiler's headers, a shell's scripts, a
 * database's journal). With it, opening a node some fid already holds, while the file system
 * changed nothing, asks the file system nothing.
 *
 * Only for file systems that change only through Keel and publish a change word (tmpfs, diskfs,
 * devfs): their answer is an address token on that word (services/fs/change-word.ts), usable
 * exactly while the word still holds the value the answer was read under. hostfs's files change
 * under other host processes and each of its opens holds a host descriptor: never held here.
 *
 * Invariants: `count` is the number of fids (and shared-fid tokens) holding the node; `fsOpens`
 * is the number of opens the file system has counted for it, each closed once when `count` drops
 * to zero (an answer found stale is refreshed with a new open, never by closing the old one
 * first, so the file system never sees the node unreferenced while a fid names it). A hold
 * belongs to one incarnation of the file system: after a restart its opens died with the old
 * instance and are not closed. While `lingering` is on, a hold whose count drops to zero is kept
 * (still open in the file system) until `settle`, so an open that carries the close of the same
 * file takes it again instead of closing and reopening it.
 */

/** A file system's answer to `open`, as the VFS hands it on (see Vfs.retain). */
export interface OpenToken {
  readonly cached: number;
  readonly generation: number;
  /** The word the attributes hold under (the node's change slot, or the file system's change word) and its value. */
  readonly changeWord: number;
  readonly change: number;
  /** The file system's change word and its first slot (-1: none). */
  readonly global: number;
  readonly slots: number;
  readonly attributes: { readonly ino: number; readonly nlink: number; readonly size: number; readonly atim: bigint; readonly mtim: bigint; readonly ctim: bigint } | null;
  /** A host file's descriptor and identity, for a local kernel to reopen (fs protocol `open`: hostfs only). */
  readonly host: HostFileGrant | null;
}

export interface HostFileGrant {
  readonly fd: number;
  readonly dev: number;
  readonly ino: number;
  /** hostfs's exact-times word (fs protocol `open`'s hostTimes). */
  readonly times: number;
}

interface Hold {
  count: number;
  fsOpens: number;
  readonly from: number;
  token: OpenToken;
}

/** What the holds need from their file system. */
export interface HeldFs {
  /** The file system's incarnation now (Caller.incarnation). */
  incarnation(): number;
  /** Open `node` in the file system: its answer, or an errno. */
  open(node: number): OpenToken | number;
  /** Close one open of `node` in the file system. */
  close(node: number): void;
  /** The value of arena word `word` now. */
  wordNow(word: number): number;
}

export class NodeHolds {
  private readonly holds = new Map<number, Hold>();
  private lingering: number[] | null = null;

  constructor(private readonly fs: HeldFs) {}

  /** Take a reference on `node`: its open answer, asking the file system only when no fresh one is held. */
  take(node: number): OpenToken | number {
    const from = this.fs.incarnation();
    let h = this.holds.get(node);
    if (h !== undefined && h.from !== from) {
      this.holds.delete(node);
      h = undefined;
    }
    if (h !== undefined && h.token.changeWord >= 0 && this.fs.wordNow(h.token.changeWord) === h.token.change) {
      h.count++;
      return h.token;
    }
    const t = this.fs.open(node);
    if (typeof t === 'number') return t;
    if (h === undefined) this.holds.set(node, { count: 1, fsOpens: 1, from, token: t });
    else {
      h.count++;
      h.fsOpens++;
      h.token = t;
    }
    return t;
  }

  /**
   * The file system put `node`'s data in its page cache after the held answer was given (a
   * `map`): later opens answer with that entry, free, instead of the answer's "not cached". The
   * local kernel checks the entry's own generation before every read, so a revoked entry costs a
   * failed check, never a wrong byte.
   */
  cached(node: number, entry: number, generation: number): void {
    const h = this.holds.get(node);
    if (h !== undefined && h.from === this.fs.incarnation()) h.token = { ...h.token, cached: entry + 1, generation };
  }

  /** Drop a reference on `node` taken with `take`; the last one closes it in the file system. */
  drop(node: number): void {
    const h = this.holds.get(node);
    if (h === undefined) return;
    if (h.from !== this.fs.incarnation()) {
      this.holds.delete(node);
      return;
    }
    if (--h.count > 0) return;
    if (this.lingering !== null) this.lingering.push(node);
    else this.closeAll(node, h);
  }

  /** Keep holds whose last reference drops from now until `settle` (see the header). */
  linger(): void {
    this.lingering ??= [];
  }

  /** Close in the file system every hold that dropped to zero while lingering and was not taken again. */
  settle(): void {
    const nodes = this.lingering;
    this.lingering = null;
    if (nodes === null) return;
    for (const node of nodes) {
      const h = this.holds.get(node);
      if (h !== undefined && h.count === 0) this.closeAll(node, h);
    }
  }

  private closeAll(node: number, h: Hold): void {
    this.holds.delete(node);
    if (h.from !== this.fs.incarnation()) return;
    for (let i = 0; i < h.fsOpens; i++) this.fs.close(node);
  }
}

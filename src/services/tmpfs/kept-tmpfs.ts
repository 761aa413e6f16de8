/**
 * A tmpfs that keeps itself in shared memory (kept-log.ts), so the instance the supervisor starts
 * after its worker died re-attaches the tree and loses nothing a call was answered for.
 *
 * Every change is made on the tmpfs and then, if it succeeded, appended to the active log before
 * the answer goes out; reads never touch the log. Each change reads the clock once and the tmpfs
 * sees that reading for the whole change, and the record carries it: replaying the records on a
 * tmpfs built the same way makes the same tree — the same node numbers, entries in the same order,
 * the same times, charged the same. A log is compacted (an image of the tree written to the other
 * log, then switched to) when the changes since its image outgrow the image: at idle past
 * IDLE_MIN_BYTES, at once past FORCE_MIN_BYTES and twice the image; so the active log holds at
 * most about three times what is held (plus FORCE_MIN_BYTES), and compaction work is at most
 * what was logged.
 *
 * Re-attaching (the log's status is KEPT): the format record builds the tmpfs from the same
 * configuration and first node number, or the image records load the tree — its file pages
 * borrowed in place, views on the log, not copied (so a restart costs the tree's metadata, not
 * its data); they are copied before the next compaction, after which that log is reused —; then
 * each change is made again. A change on a node that is gone may fail (a write to a file that
 * was removed while open: such a node is not kept); any other failure, or a malformed log, means
 * the log cannot be trusted: it is dropped and the tmpfs starts empty, as without a log.
 *
 * Past LOG_MAX_BYTES (more held than a log can image) the log is given up: this instance goes on
 * without it, and a restart starts empty. The first record of a new log is written before the
 * status says KEPT, so a kill while formatting leaves an empty log, never half of one.
 */

import type { FileSystemOps } from '../fs/fs-service.js';
import { ROOT_NODE } from '../../abi/protocols/fs.js';
import { Errno } from '../../abi/errno.js';
import { type EntryImage, type NodeImage, Tmpfs, type TmpfsConfig } from './tmpfs.js';
import { KeepStatus, KeptLog, type LogWriter, type RecordReader, type KeptMemory } from '../contract/kept-log.js';

const Op = { FORMAT: 1, IMAGE: 2, NODE: 3, ENTRY: 4, WRITE: 10, TRUNCATE: 11, CREATE: 12, UNLINK: 13, RENAME: 14, TIMES: 15, LINK: 16 } as const;

/** Changes logged since the image that make an idle tmpfs compact (with at least the image's size). */
export const IDLE_MIN_BYTES = 1 << 20;
/** Changes logged since the image that make a busy tmpfs compact at once (with at least twice the image's size). */
export const FORCE_MIN_BYTES = 32 << 20;

/** What keeping has done, for tests and the bench. */
export interface KeepStats {
  /** Records made again when this instance re-attached the log. */
  replayed: number;
  compactions: number;
  /** True once the log was given up (too large), or was not given. */
  unkept: boolean;
}

export class KeptTmpfs implements FileSystemOps {
  readonly fs: Tmpfs;
  private replayed = 0;
  private compactions = 0;
  /** The clock reading the tmpfs sees during the change being made (or made again). */
  private now = 0n;
  private readonly log: KeptLog | null;
  private writer: LogWriter | null = null;
  /** Where the active log's image (or format record) ends. */
  private imageEnd = 0;
  /** The tree's file pages may be views on the active log's image (re-attached): owned before a compaction. */
  private borrowing = false;

  /** `limits`: the compaction thresholds (IDLE_MIN_BYTES, FORCE_MIN_BYTES unless a test sets them). */
  constructor(private readonly clock: () => bigint, config: TmpfsConfig, keep: KeptMemory | null, private readonly limits = { idleMin: IDLE_MIN_BYTES, forceMin: FORCE_MIN_BYTES }) {
    const fixed = (): bigint => this.now;
    this.log = keep ? new KeptLog(keep) : null;
    this.fs = (this.log?.status === KeepStatus.KEPT ? this.reattach(fixed, config) : null) ?? this.format(fixed, config);
  }

  /** What keeping has done; without a writer nothing is kept (no memory given, or given up). */
  get stats(): KeepStats {
    return { replayed: this.replayed, compactions: this.compactions, unkept: this.writer === null };
  }

  /** A new tmpfs from `config`, and a new log that starts with how it was made. */
  private format(fixed: () => bigint, config: TmpfsConfig): Tmpfs {
    this.now = this.clock();
    const fs = new Tmpfs(fixed, config);
    if (!this.log) return fs;
    this.log.clear();
    this.writer = this.log.activeWriter();
    if (!this.writer.begin(Op.FORMAT, this.now).num(config.firstNode ?? ROOT_NODE + 1).end()) {
      this.giveUp();
      return fs;
    }
    this.imageEnd = this.writer.tail;
    this.log.setStatus(KeepStatus.KEPT);
    return fs;
  }

  /** The tmpfs the active log describes, or null (the log dropped) if it cannot be made again. */
  private reattach(fixed: () => bigint, config: TmpfsConfig): Tmpfs | null {
    const log = this.log!;
    let fs: Tmpfs | null = null;
    let image: { nextId: number; nodes: NodeImage[]; entries: EntryImage[] } | null = null;
    // The tree the image records describe, once they are all read (its pages borrowed from the log).
    const loaded = (): Tmpfs => {
      if (!image) throw new Error('tmpfs log: no image');
      this.borrowing = true;
      return new Tmpfs(fixed, config, image);
    };
    try {
      log.replay((r, end) => {
        this.now = r.now;
        switch (r.op) {
          case Op.FORMAT: fs = new Tmpfs(fixed, { ...config, firstNode: r.num() }); break;
          case Op.IMAGE: image = { nextId: r.num(), nodes: [], entries: [] }; break;
          case Op.NODE: image!.nodes.push(readNode(r)); break;
          case Op.ENTRY: image!.entries.push({ dir: r.num(), name: r.text(), node: r.num(), seq: r.num() }); break;
          default:
            redo((fs ??= loaded()), r);
            this.replayed++;
            return;
        }
        this.imageEnd = end;
      });
      fs ??= loaded();
    } catch {
      return null; // format() starts the log over
    }
    this.writer = log.activeWriter();
    return fs;
  }

  /**
   * After a change's record was written (`appended`: it fit): compact when the log has outgrown
   * its image, or at once when the record did not fit (the image holds the change just made).
   */
  private logged(appended: boolean): void {
    if (!appended) this.compact();
    else if (this.writer!.tail - this.imageEnd > Math.max(this.limits.forceMin, 2 * this.imageEnd)) this.compact();
  }

  /** Write an image of the tree into the spare log and switch to it; give the log up if it does not fit. */
  private compact(): void {
    const log = this.log!;
    // Pages borrowed from the active log's image are copied first: after this compaction that
    // log is the spare, and the next one writes over it.
    if (this.borrowing) {
      this.fs.ownPages();
      this.borrowing = false;
    }
    const w = log.spareWriter();
    let fits = w.begin(Op.IMAGE, this.now).num(this.fs.nextNode).end();
    this.fs.image(
      (n) => {
        w.begin(Op.NODE, 0n).num(n.id).num(n.type).num(n.nlink).num(n.nextSeq).text(n.target).time(n.atim).time(n.mtim).time(n.ctim).num(n.size).num(n.pages.length);
        for (const [index, bytes] of n.pages) w.num(index).bytes(bytes);
        fits = w.end() && fits;
      },
      (e) => { fits = w.begin(Op.ENTRY, 0n).num(e.dir).text(e.name).num(e.node).num(e.seq).end() && fits; },
    );
    if (!fits) {
      this.giveUp();
      return;
    }
    log.switchToSpare();
    this.writer = w;
    this.imageEnd = w.tail;
    this.compactions++;
  }

  private giveUp(): void {
    this.log!.setStatus(KeepStatus.GIVEN_UP);
    this.writer = null;
  }

  /** The thread has nothing to do: compact if the changes since the image outgrew it. */
  idle(): void {
    const w = this.writer;
    if (w && w.tail - this.imageEnd > Math.max(this.limits.idleMin, this.imageEnd)) this.compact();
  }

  /** Bytes of the active log (0 without one). */
  get loggedBytes(): number {
    return this.writer?.tail ?? 0;
  }

  // Changes: made with one clock reading, logged if they succeeded.

  write(node: number, offset: number, data: Uint8Array, append: boolean): { written: number; end: number } | number {
    this.now = this.clock();
    const r = this.fs.write(node, offset, data, append);
    const w = this.writer;
    if (w && typeof r !== 'number') this.logged(w.begin(Op.WRITE, this.now).num(node).num(r.end - r.written).bytes(data).end());
    return r;
  }

  truncate(node: number, size: number): number {
    this.now = this.clock();
    const e = this.fs.truncate(node, size);
    const w = this.writer;
    if (w && e === Errno.SUCCESS) this.logged(w.begin(Op.TRUNCATE, this.now).num(node).num(size).end());
    return e;
  }

  create(dir: number, name: string, type: number, exclusive: boolean, target: string): { node: number; type: number; created: number } | number {
    this.now = this.clock();
    const r = this.fs.create(dir, name, type, exclusive, target);
    const w = this.writer;
    if (w && typeof r !== 'number' && r.created) this.logged(w.begin(Op.CREATE, this.now).num(dir).text(name).num(type).text(target).num(r.node).end());
    return r;
  }

  unlink(dir: number, name: string, directory: boolean): number {
    this.now = this.clock();
    const e = this.fs.unlink(dir, name, directory);
    const w = this.writer;
    if (w && e === Errno.SUCCESS) this.logged(w.begin(Op.UNLINK, this.now).num(dir).text(name).num(directory ? 1 : 0).end());
    return e;
  }

  rename(fromDir: number, fromName: string, toDir: number, toName: string): number {
    this.now = this.clock();
    const e = this.fs.rename(fromDir, fromName, toDir, toName);
    const w = this.writer;
    if (w && e === Errno.SUCCESS) this.logged(w.begin(Op.RENAME, this.now).num(fromDir).text(fromName).num(toDir).text(toName).end());
    return e;
  }

  setTimes(node: number, atim: bigint, mtim: bigint, flags: number): number {
    this.now = this.clock();
    const e = this.fs.setTimes(node, atim, mtim, flags);
    const w = this.writer;
    if (w && e === Errno.SUCCESS) this.logged(w.begin(Op.TIMES, this.now).num(node).time(atim).time(mtim).num(flags).end());
    return e;
  }

  link(node: number, dir: number, name: string): number {
    this.now = this.clock();
    const e = this.fs.link(node, dir, name);
    const w = this.writer;
    if (w && e === Errno.SUCCESS) this.logged(w.begin(Op.LINK, this.now).num(node).num(dir).text(name).end());
    return e;
  }

  // Everything else changes nothing that is kept.

  lookup(dir: number, name: string): { node: number; type: number } | number {
    return this.fs.lookup(dir, name);
  }

  getattr(node: number): ReturnType<Tmpfs['getattr']> {
    return this.fs.getattr(node);
  }

  read(node: number, offset: number, length: number): Uint8Array | number {
    return this.fs.read(node, offset, length);
  }

  readdir(dir: number, cookie: number, max: number): ReturnType<Tmpfs['readdir']> {
    return this.fs.readdir(dir, cookie, max);
  }

  readlink(node: number): string | number {
    return this.fs.readlink(node);
  }

  open(node: number): number {
    return this.fs.open(node);
  }

  close(node: number): number {
    return this.fs.close(node);
  }

  sync(node: number): number {
    return this.fs.sync(node);
  }

  usage(): { total: number; used: number; readOnly: boolean } {
    return this.fs.usage();
  }
}

/** A NODE record's fields (its page buffers are views on the log: borrowed, see KeptTmpfs.compact). */
function readNode(r: RecordReader): NodeImage {
  const id = r.num(), type = r.num(), nlink = r.num(), nextSeq = r.num(), target = r.text();
  const atim = r.time(), mtim = r.time(), ctim = r.time(), size = r.num();
  const pages: [number, Uint8Array][] = [];
  for (let i = r.num(); i > 0; i--) pages.push([r.num(), r.bytesView()]);
  return { id, type, nlink, nextSeq, target, atim, mtim, ctim, size, pages };
}

/**
 * Make the change a record describes again. A change on a node that is gone answers ENOENT (it
 * was removed while open: not kept); any other failure means the log does not describe this tree.
 */
function redo(fs: Tmpfs, r: RecordReader): void {
  let e: number;
  switch (r.op) {
    case Op.WRITE: {
      const w = fs.write(r.num(), r.num(), r.bytesView(), false);
      e = typeof w === 'number' ? w : Errno.SUCCESS;
      break;
    }
    case Op.TRUNCATE:
      e = fs.truncate(r.num(), r.num());
      break;
    case Op.CREATE: {
      const dir = r.num(), name = r.text(), type = r.num(), target = r.text(), node = r.num();
      const c = fs.create(dir, name, type, true, target);
      if (typeof c !== 'number' && c.node !== node) throw new Error(`tmpfs log: ${name} made as node ${c.node}, logged as ${node}`);
      e = typeof c === 'number' ? c : Errno.SUCCESS;
      break;
    }
    case Op.UNLINK:
      e = fs.unlink(r.num(), r.text(), r.num() !== 0);
      break;
    case Op.RENAME:
      e = fs.rename(r.num(), r.text(), r.num(), r.text());
      break;
    case Op.TIMES:
      e = fs.setTimes(r.num(), r.time(), r.time(), r.num());
      break;
    case Op.LINK:
      e = fs.link(r.num(), r.num(), r.text());
      break;
    default:
      throw new Error(`tmpfs log: unknown operation ${r.op}`);
  }
  const gone = r.op === Op.WRITE || r.op === Op.TRUNCATE || r.op === Op.TIMES;
  if (e !== Errno.SUCCESS && !(gone && e === Errno.NOENT)) throw new Error(`tmpfs log: operation ${r.op} failed again with errno ${e}`);
}

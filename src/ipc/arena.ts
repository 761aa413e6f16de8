/**
 * The IPC arena: one SharedArrayBuffer, made by the kernel at boot and handed to every thread
 * when it starts, that holds everything the fast paths touch without asking the kernel:
 *
 *   header        capacities, so a thread can lay the arena out from the buffer alone
 *   call slots    one per thread (L4's UTCB): state word, call header, 32 message registers
 *                 (64-bit, read as float64 so any integer up to 2^53 is exact) and a bulk buffer
 *   queues        one per server thread: a doorbell word and a bitmap of slots waiting for it
 *   handle tables one per process: the published projection of the kernel's capability space
 *   objects       one word group per kernel object: type, peer, route, signal bits
 *   process table one row per pid, published by the kernel (read by local kernels under a token)
 *   memory ledger the programs' linear memory against the system's budget (memory-ledger.ts)
 *   change words  one per file system that changes only through Keel: bumped before every change
 *                 it makes, so what a local kernel copied from it (a file's attributes at open)
 *                 stays usable exactly while the word keeps the value it had (change-word.ts);
 *                 after them, CHANGE_SLOTS finer words for each of the first CHANGE_SLOT_OWNERS,
 *                 one per hash of a node or a directory entry (change-word.ts, "slots")
 *   page cache    entries (generation, size, page list) and 4 KiB pages of file data, each
 *                 file system owning a slice (read by local kernels under address tokens)
 *   pipe rings    a header and 64 KiB of data per pipe, owned by the VFS, read and written in
 *                 place by the local kernels of a pipe's two ends (pipe-ring.ts)
 *
 * Ownership (who may write what) is the invariant everything else relies on:
 *   - handle tables, object records and slot ownership are written only by the kernel thread;
 *   - a slot's registers and bulk buffer are written by its owner while the slot is IDLE and by
 *     the serving thread while it is SERVING; the state word arbitrates (see call-slot.ts);
 *   - a queue's bitmap bits are set by clients and cleared by the queue's one server thread;
 *   - process-table rows are written by the kernel thread only; a page-cache entry and its pages
 *     only by the file system that owns its slice; a change word only by its file system; a pipe
 *     ring's header by the VFS that owns it, except the words its roles own (pipe-ring.ts);
 *   - a memory-ledger row by the kernel thread (a new or ended process) and the process's own
 *     local kernel (its memory grew), with compare-exchange (memory-ledger.ts).
 * Untrusted (wasm) programs never see the arena; trusted code (local kernels, services) does.
 */

import { MR_COUNT } from '../abi/protocol.js';
import { PipeRing, RING_HEADER_BYTES } from './pipe-ring.js';


export interface ArenaConfig {
  readonly maxProcesses: number;   // handle tables
  readonly maxHandles: number;     // per process
  readonly maxThreads: number;     // call slots
  readonly maxQueues: number;      // server threads
  readonly maxObjects: number;     // kernel objects
  readonly bulkBytes: number;      // per call slot
  readonly cacheEntries?: number;  // page-cache entries (files), 0 = no page cache
  readonly cachePages?: number;    // page-cache pages of PAGE_BYTES
  readonly pipeRings?: number;     // pipe rings of RING_DATA_BYTES (pipe-ring.ts), 0 = none
}

export const DEFAULT_ARENA_CONFIG: ArenaConfig = {
  maxProcesses: 256,
  maxHandles: 512,
  maxThreads: 320,
  maxQueues: 64,
  maxObjects: 16384,
  bulkBytes: 64 * 1024,
  cacheEntries: 1024,
  cachePages: 8192,                // 32 MiB of file data, committed by the host only as it is used
  pipeRings: 64,                   // 4 MiB, committed only as used
};

/** Bytes of data in each pipe ring (a power of two: pipe-ring.ts). */
export const RING_DATA_BYTES = 64 * 1024;

/** Bytes per page-cache page. */
export const PAGE_BYTES = 4096;
/** Pages one cache entry can list: files up to 4 MiB are cached whole, larger ones not at all. */
export const ENTRY_MAX_PAGES = 1024;
/** int32 words per page-cache entry (see CacheWord). */
export const CACHE_ENTRY_WORDS = 16 + ENTRY_MAX_PAGES;

/** Word indices inside a page-cache entry. */
export const CacheWord = {
  GENERATION: 0, // bumped when the entry is revoked (its data changed or it was evicted); tokens name one value
  NODE: 1,       // the owner's node number (diagnostics)
  SIZE: 2,       // file size in bytes (≤ ENTRY_MAX_PAGES × PAGE_BYTES)
  PAGES: 3,      // pages listed from word PAGE_LIST
  HOST_WRITES: 4,      // a host file's copy: the int32 index of its host write word (Arena.hostWriteWord), else 0
  HOST_WRITES_SEEN: 5, // that word's value before the copy was taken: the copy holds only while it is unchanged
  // A host file's copy, found by a local kernel through the host copy index (ipc/host-copies.ts):
  HOST_DEV_LO: 6, HOST_DEV_HI: 7, // the file's host device and inode, each as two uint32 halves
  HOST_INO_LO: 8, HOST_INO_HI: 9,
  HOST_MTIME_LO: 10, HOST_MTIME_HI: 11, // its host mtime (ns) when the copy was taken, two uint32 halves
  PUBLISHED: 12, // 1 from just after the copy's publication to just before its revocation, else 0
  PAGE_LIST: 16, // page numbers (global, in the arena's page area)
} as const;

/** Word indices inside a process-table row; the name follows as UTF-8 from word NAME. */
export const ProcWord = {
  SEQ: 0,        // even when stable; odd while the kernel rewrites the row
  STATE: 1,      // 0 free, 1 alive
  PARENT: 2,
  SLOT: 3,       // main call slot, -1 when none
  EXTRA0: 4,     // extra call slots (the kernel thread's asynchronous one), -1 when none
  EXTRA1: 5,
  QUEUE: 6,      // receive queue, -1 when the process serves nothing
  NAME_LEN: 7,   // bytes of name stored
  RESTARTS: 8,   // times the supervisor has restarted this service (0 for programs)
  NAME: 9,
} as const;
export const PROC_ROW_WORDS = 32;
/** Longest process name the table keeps (bytes of UTF-8). */
export const PROC_NAME_BYTES = (PROC_ROW_WORDS - ProcWord.NAME) * 4;

/** Word indices of the memory ledger's header; one row (int32) per pid follows. */
export const LedgerWord = {
  BUDGET: 0,     // 64 KiB pages the programs' linear memories may hold together (set at boot)
  COMMITTED: 1,  // the sum of every row: pages the programs hold now
} as const;
const LEDGER_HEADER_WORDS = 16;

const MAGIC = 0x4b45454c; // 'KEEL'
const VERSION = 7;
/** Change words (one per file-system service, by its position in the system's service list). */
export const CHANGE_WORDS = 256;
/** The file systems (the first change words) that also get slots, and how many each gets (a power of two). */
export const CHANGE_SLOT_OWNERS = 16;
export const CHANGE_SLOTS = 1024;
const HEADER_BYTES = 64;
/**
 * Host write words: whoever writes a host file on a descriptor of its own (a program's direct or
 * local open) bumps the word its device and inode hash to, after the write and before the call
 * returns; a page-cache copy of a host file holds only while its word has the value it had before
 * the copy was taken (docs/decisions/026-host-write-words.md). Two files sharing a word only
 * revoke each other's copies.
 */
export const HOST_WRITE_WORDS = 1024;
/**
 * The host copy index: by a host file's device and inode, 1 + the page-cache entry holding a copy
 * of it (0: none), so a local kernel that opened the file itself finds the copy with no call
 * (ipc/host-copies.ts). Two files sharing a slot: the later copy takes it.
 */
export const HOST_COPY_SLOTS = 2048;


/** Word indices (int32) inside a call slot's header. */
export const SlotWord = {
  STATE: 0,        // SlotState; the only word both sides wait on
  WAITING: 1,      // 1 while the caller sleeps in Atomics.wait (so the server knows to notify)
  QUEUE: 2,        // the queue the call was posted to (changes when a server forwards it)
  SENDER: 3,       // pid whose handle table authorises the call
  HANDLE: 4,       // handle value used for the call (0 = a kernel call)
  LABEL: 5,        // operation number
  DEFERRED: 6,     // 1 once the server deferred the call (it answers later, not soon): the caller stops spinning
  SEQ: 7,          // call sequence number, bumped by the caller per call (guards deferred replies)
  ORIGIN: 8,       // pid of the thread that made the call (forwarding keeps it)
  TRANSPORT: 10,   // transport status, written by the server before REPLIED
  CALLS: 11,       // calls made from this slot (statistics for top; written by its owner only)
  SAMPLES: 12,     // how many of them were timed (one in SAMPLE_EVERY)
  STOPPED: 13,     // 1 while the owning process is stopped (SIGSTOP/SIGTSTP): its next call parks
  SAMPLED_NS: 14,  // float64 over words 14..15: total round-trip time of the timed calls
} as const;

/** One call in this many is timed for the statistics (timing every call would cost more than it tells). */
export const SAMPLE_EVERY = 16;

export const SLOT_HEADER_WORDS = 32;          // 128 bytes of header
const SLOT_FIXED_BYTES = 512;                 // 128 bytes of header + 256 of registers, padded

export const SlotState = {
  IDLE: 0,
  CALLED: 1,     // request written, posted to a queue
  SERVING: 2,    // a server took it
  REPLIED: 3,    // reply written
  DEAD: 4,       // the server died or went away; the caller gets PEER_CLOSED
} as const;

/** Word indices inside a queue record. The bitmap follows the fixed words. */
export const QueueWord = {
  DOORBELL: 0,   // bumped by every post; the server sleeps on it
  SLEEPING: 1,   // 1 while the server is (about to be) asleep
  ALIVE: 2,      // 1 while a server thread owns the queue
  EVENTS: 3,     // kernel events pending for this server thread (bit set by the kernel)
  OWNER_PID: 4,  // pid of the thread that serves the queue
  SERVED: 5,     // calls served from this queue (statistics for top; written by its server only)
  WAITING_OUT: 6, // 1 while the server is itself waiting on a call it made (a nested call)
} as const;
const QUEUE_FIXED_WORDS = 8;

/** Word indices inside a handle-table entry (8 int32 words = 32 bytes; badge is float64 at word 4). */
export const HandleWord = {
  TAG: 0,        // (generation << 1) | live
  TYPE: 1,       // ObjectType
  RIGHTS: 2,
  OBJECT: 3,     // object id
  BADGE: 4,      // float64 over words 4..5
} as const;
export const HANDLE_ENTRY_WORDS = 8;

/** Word indices inside an object record (4 int32 words). */
export const ObjectWord = {
  TYPE: 0,       // ObjectType, 0 when free
  PEER: 1,       // channel endpoint: the peer endpoint's id (0 when the peer closed)
  ROUTE: 2,      // channel endpoint being served: (queue << 16) | port, -1 when not served
  SIGNALS: 3,    // notification bits / endpoint signals
  SERVES: 4,     // channel endpoint: how many times a thread has started serving it (a restarted service: one more)
} as const;
const OBJECT_WORDS = 5;

/** A hash of a host file's device and inode (numbers as the host gives them). */
function hostFileHash(dev: number, ino: number): number {
  const lo = ino % 0x1_0000_0000, hi = Math.floor(ino / 0x1_0000_0000);
  let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) ^ Math.imul(dev | 0, 0x85ebca6b);
  h ^= h >>> 15;
  return h >>> 0;
}

export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly config: ArenaConfig;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;

  readonly slotBytes: number;
  private readonly slotsOffset: number;
  private readonly queuesOffset: number;
  readonly queueWords: number;
  private readonly handlesOffset: number;
  private readonly objectsOffset: number;
  private readonly procTableOffset: number;
  private readonly ledgerOffset: number;
  private readonly changeWordsOffset: number;
  private readonly hostWritesOffset: number;
  private readonly hostCopiesOffset: number;
  private readonly cacheEntriesOffset: number;
  private readonly cachePagesOffset: number;
  private readonly ringsOffset: number;
  /** The process-table generation word (int32 index): bumping it revokes every process-table token. */
  readonly procTableGenerationWord: number;

  private constructor(buffer: SharedArrayBuffer, config: ArenaConfig) {
    this.buffer = buffer;
    this.config = config;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.slotBytes = SLOT_FIXED_BYTES + align(config.bulkBytes, 64);
    this.queueWords = QUEUE_FIXED_WORDS + Math.ceil(config.maxThreads / 32);
    this.slotsOffset = HEADER_BYTES;
    this.queuesOffset = this.slotsOffset + config.maxThreads * this.slotBytes;
    this.handlesOffset = align(this.queuesOffset + config.maxQueues * this.queueWords * 4, 64);
    this.objectsOffset = this.handlesOffset + config.maxProcesses * config.maxHandles * HANDLE_ENTRY_WORDS * 4;
    this.procTableOffset = align(this.objectsOffset + config.maxObjects * OBJECT_WORDS * 4, 64);
    this.ledgerOffset = align(this.procTableOffset + config.maxProcesses * PROC_ROW_WORDS * 4, 64);
    this.changeWordsOffset = align(this.ledgerOffset + (LEDGER_HEADER_WORDS + config.maxProcesses) * 4, 64);
    this.hostWritesOffset = align(this.changeWordsOffset + (CHANGE_WORDS + CHANGE_SLOT_OWNERS * CHANGE_SLOTS) * 4, 64);
    this.hostCopiesOffset = align(this.hostWritesOffset + HOST_WRITE_WORDS * 4, 64);
    this.cacheEntriesOffset = align(this.hostCopiesOffset + HOST_COPY_SLOTS * 4, 64);
    this.cachePagesOffset = align(this.cacheEntriesOffset + (config.cacheEntries ?? 0) * CACHE_ENTRY_WORDS * 4, PAGE_BYTES);
    this.ringsOffset = this.cachePagesOffset + (config.cachePages ?? 0) * PAGE_BYTES;
    this.procTableGenerationWord = 12;
  }

  static byteLength(config: ArenaConfig): number {
    const probe = new Arena(new SharedArrayBuffer(HEADER_BYTES + 8), config);
    return probe.ringsOffset + (config.pipeRings ?? 0) * (RING_HEADER_BYTES + RING_DATA_BYTES);
  }

  /** Lay out a fresh arena (kernel thread, at boot). */
  static create(config: ArenaConfig = DEFAULT_ARENA_CONFIG): Arena {
    validateConfig(config);
    const arena = new Arena(new SharedArrayBuffer(Arena.byteLength(config)), config);
    const h = arena.i32;
    h[0] = MAGIC; h[1] = VERSION;
    h[2] = config.maxProcesses; h[3] = config.maxHandles; h[4] = config.maxThreads;
    h[5] = config.maxQueues; h[6] = config.maxObjects; h[7] = config.bulkBytes;
    h[8] = config.cacheEntries ?? 0; h[9] = config.cachePages ?? 0; h[10] = config.pipeRings ?? 0;
    return arena;
  }

  /** Attach to an arena made elsewhere (any thread, at start). */
  static attach(buffer: SharedArrayBuffer): Arena {
    const h = new Int32Array(buffer, 0, 11);
    if (h[0] !== MAGIC || h[1] !== VERSION) throw new Error('not a Keel IPC arena (bad magic or version)');
    const config: ArenaConfig = {
      maxProcesses: h[2]!, maxHandles: h[3]!, maxThreads: h[4]!,
      maxQueues: h[5]!, maxObjects: h[6]!, bulkBytes: h[7]!, cacheEntries: h[8]!, cachePages: h[9]!, pipeRings: h[10]!,
    };
    return new Arena(buffer, config);
  }

  /** Int32 index of word 0 of call slot `slot`. */
  slotWord(slot: number): number {
    return (this.slotsOffset + slot * this.slotBytes) >> 2;
  }
  /** Float64 index of message register 0 of call slot `slot`. */
  slotRegs(slot: number): number {
    return (this.slotsOffset + slot * this.slotBytes + SLOT_HEADER_WORDS * 4) >> 3;
  }
  /** Byte offset of the bulk buffer of call slot `slot`. */
  slotBulkOffset(slot: number): number {
    return this.slotsOffset + slot * this.slotBytes + SLOT_FIXED_BYTES;
  }
  /** A Float64Array over the message registers of `slot` (cheap to keep; make once per slot). */
  regsView(slot: number): Float64Array {
    return new Float64Array(this.buffer, this.slotRegs(slot) * 8, MR_COUNT);
  }
  bulkView(slot: number): Uint8Array {
    return new Uint8Array(this.buffer, this.slotBulkOffset(slot), this.config.bulkBytes);
  }
  /** Int32 index of word 0 of queue `queue`. */
  queueWord(queue: number): number {
    return (this.queuesOffset >> 2) + queue * this.queueWords;
  }
  /** Int32 index of word 0 of handle-table entry `index` of process `pid`. */
  handleWord(pid: number, index: number): number {
    return (this.handlesOffset >> 2) + (pid * this.config.maxHandles + index) * HANDLE_ENTRY_WORDS;
  }
  /** Int32 index of word 0 of object `id`. */
  objectWord(id: number): number {
    return (this.objectsOffset >> 2) + id * OBJECT_WORDS;
  }
  /** Int32 index of word 0 of the process-table row of `pid`. */
  procWord(pid: number): number {
    return (this.procTableOffset >> 2) + pid * PROC_ROW_WORDS;
  }
  /** Int32 index of the memory ledger's word `word` (LedgerWord). */
  ledgerWord(word: number): number {
    return (this.ledgerOffset >> 2) + word;
  }
  /** Int32 index of the memory-ledger row of `pid`. */
  ledgerRowWord(pid: number): number {
    return (this.ledgerOffset >> 2) + LEDGER_HEADER_WORDS + pid;
  }
  /** Int32 index of the host write word of the host file with device `dev` and inode `ino` (HOST_WRITE_WORDS). */
  hostWriteWord(dev: number, ino: number): number {
    return (this.hostWritesOffset >> 2) + (hostFileHash(dev, ino) % HOST_WRITE_WORDS);
  }
  /** Int32 index of host write word number `n` (0 ≤ n < HOST_WRITE_WORDS). */
  hostWriteWordAt(n: number): number {
    return (this.hostWritesOffset >> 2) + n;
  }
  /** Int32 index of the host copy index's first slot (HOST_COPY_SLOTS follow). */
  get hostCopySlots(): number {
    return this.hostCopiesOffset >> 2;
  }
  /** Int32 index of the host copy index's slot for the host file with device `dev` and inode `ino` (HOST_COPY_SLOTS). */
  hostCopySlot(dev: number, ino: number): number {
    return (this.hostCopiesOffset >> 2) + (Math.imul(hostFileHash(dev, ino), 0x2545f491) >>> 0) % HOST_COPY_SLOTS;
  }
  /** Whether int32 index `word` is a host write word. */
  isHostWriteWord(word: number): boolean {
    const first = this.hostWritesOffset >> 2;
    return word >= first && word < first + HOST_WRITE_WORDS;
  }
  /** Int32 index of change word `index` (0 ≤ index < CHANGE_WORDS). */
  changeWord(index: number): number {
    return (this.changeWordsOffset >> 2) + index;
  }
  /** Int32 index of the first slot of change word `index`'s owner, or -1 when it has none (index ≥ CHANGE_SLOT_OWNERS). */
  changeSlots(index: number): number {
    return index >= 0 && index < CHANGE_SLOT_OWNERS ? (this.changeWordsOffset >> 2) + CHANGE_WORDS + index * CHANGE_SLOTS : -1;
  }
  /** Is int32 index `word` a change word or a change slot (what a file system's token may name)? */
  isChangeWord(word: number): boolean {
    const first = this.changeWordsOffset >> 2;
    return Number.isSafeInteger(word) && word >= first && word < first + CHANGE_WORDS + CHANGE_SLOT_OWNERS * CHANGE_SLOTS;
  }
  /** Int32 index of word 0 of page-cache entry `entry`. */
  cacheEntryWord(entry: number): number {
    return (this.cacheEntriesOffset >> 2) + entry * CACHE_ENTRY_WORDS;
  }
  /** Byte offset of page-cache page `page`. */
  cachePageOffset(page: number): number {
    return this.cachePagesOffset + page * PAGE_BYTES;
  }
  /** Pipe ring `ring` (0 ≤ ring < pipeRings): its header and data, over the arena. */
  pipeRing(ring: number): PipeRing {
    const at = this.ringsOffset + ring * (RING_HEADER_BYTES + RING_DATA_BYTES);
    return new PipeRing(this.i32, at >> 2, new Uint8Array(this.buffer, at + RING_HEADER_BYTES, RING_DATA_BYTES));
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function validateConfig(c: ArenaConfig): void {
  const positive = (name: string, v: number, max: number): void => {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`arena config: ${name} must be an integer in 1..${max}, got ${v}`);
  };
  positive('maxProcesses', c.maxProcesses, 1 << 15);
  positive('maxHandles', c.maxHandles, 1 << 12);
  positive('maxThreads', c.maxThreads, 1 << 15);
  positive('maxQueues', c.maxQueues, 1 << 15);
  positive('maxObjects', c.maxObjects, 1 << 24);
  positive('bulkBytes', c.bulkBytes, 1 << 24);
  const count = (name: string, v: number | undefined, max: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) throw new RangeError(`arena config: ${name} must be an integer in 0..${max}, got ${v}`);
  };
  count('cacheEntries', c.cacheEntries, 1 << 16);
  count('cachePages', c.cachePages, 1 << 20);
  count('pipeRings', c.pipeRings, 1 << 12);
}

/**
 * The process table in the arena: one row per pid, written by the kernel thread alone (under a
 * per-row sequence word, odd while it rewrites the row), read by anyone who holds the table's
 * address token — a local kernel answering `ps`/`top` without IPC — or by the kernel itself.
 * Each row names the process's call slots and queue, so the statistics come straight from the
 * words the IPC paths count (calls made, timed, served).
 *
 * Rows are read optimistically: a row whose sequence word changed while it was read is read
 * again (a few times, then the whole read gives up and the caller asks the kernel by IPC).
 */

import { type Arena, PROC_NAME_BYTES, ProcWord, QueueWord, SlotWord } from './arena.js';
import { type AddressToken, tokenHeld, tokenValid } from './address-token.js';
import { encodeInto } from '../abi/text-codec.js';

export interface ProcessRow {
  readonly pid: number;
  readonly parent: number;
  readonly name: string;
  /** A server thread: a service, or a group of coalesced services. */
  readonly serves: boolean;
  /** IPC calls made from the process's thread (co-located calls are counted by the server). */
  readonly calls: number;
  /** How many of those were timed, and their total round trip in ns. */
  readonly samples: number;
  readonly sampledNs: number;
  /** Calls the process's thread served. */
  readonly served: number;
  /** Times the supervisor restarted the service this process runs (0 for programs). */
  readonly restarts: number;
}

export interface PublishedProcess {
  readonly pid: number;
  readonly parent: number;
  readonly name: string;
  readonly alive: boolean;
  readonly slots: readonly number[];
  readonly queue: number;
  readonly restarts: number;
}

const decoder = new TextDecoder();
const RETRIES = 8;

/** Write `p`'s row (kernel thread only). */
export function publishProcess(arena: Arena, p: PublishedProcess): void {
  const i32 = arena.i32;
  const w = arena.procWord(p.pid);
  Atomics.add(i32, w + ProcWord.SEQ, 1);
  i32[w + ProcWord.STATE] = p.alive ? 1 : 0;
  i32[w + ProcWord.PARENT] = p.parent;
  i32[w + ProcWord.SLOT] = p.slots[0] ?? -1;
  i32[w + ProcWord.EXTRA0] = p.slots[1] ?? -1;
  i32[w + ProcWord.EXTRA1] = p.slots[2] ?? -1;
  i32[w + ProcWord.QUEUE] = p.queue;
  i32[w + ProcWord.RESTARTS] = p.restarts;
  const name = new Uint8Array(arena.buffer, (w + ProcWord.NAME) * 4, PROC_NAME_BYTES);
  const { written } = encodeInto(p.name, name);
  i32[w + ProcWord.NAME_LEN] = written;
  Atomics.add(i32, w + ProcWord.SEQ, 1);
}

/** A row as it stands, or null if it was being rewritten on every try. */
function readRow(arena: Arena, pid: number): ProcessRow | 'free' | null {
  const i32 = arena.i32;
  const w = arena.procWord(pid);
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    const seq = Atomics.load(i32, w + ProcWord.SEQ);
    if ((seq & 1) !== 0) continue;
    if (i32[w + ProcWord.STATE] !== 1) {
      if (Atomics.load(i32, w + ProcWord.SEQ) === seq) return 'free';
      continue;
    }
    let calls = 0, samples = 0, sampledNs = 0;
    for (const word of [ProcWord.SLOT, ProcWord.EXTRA0, ProcWord.EXTRA1]) {
      const slot = i32[w + word]!;
      if (slot < 0 || slot >= arena.config.maxThreads) continue;
      const b = arena.slotWord(slot);
      calls += i32[b + SlotWord.CALLS]!;
      samples += i32[b + SlotWord.SAMPLES]!;
      sampledNs += arena.f64[(b + SlotWord.SAMPLED_NS) >> 1]!;
    }
    const queue = i32[w + ProcWord.QUEUE]!;
    const served = queue >= 0 && queue < arena.config.maxQueues ? i32[arena.queueWord(queue) + QueueWord.SERVED]! : 0;
    const len = Math.min(Math.max(i32[w + ProcWord.NAME_LEN]!, 0), PROC_NAME_BYTES);
    const name = decoder.decode(new Uint8Array(arena.buffer, (w + ProcWord.NAME) * 4, len).slice());
    const row = { pid, parent: i32[w + ProcWord.PARENT]!, name, serves: queue >= 0, calls, samples, sampledNs, served, restarts: i32[w + ProcWord.RESTARTS]! };
    if (Atomics.load(i32, w + ProcWord.SEQ) === seq) return row;
  }
  return null;
}

/**
 * Every live process, read from the table: under `token` (null when the reader is the kernel
 * thread, which writes the table). Null when the token does not hold or a row would not settle.
 */
export function readProcessTable(arena: Arena, token: AddressToken | null): ProcessRow[] | null {
  if (token && !tokenValid(arena, token)) return null;
  const rows: ProcessRow[] = [];
  for (let pid = 1; pid < arena.config.maxProcesses; pid++) {
    const row = readRow(arena, pid);
    if (row === null) return null;
    if (row !== 'free') rows.push(row);
  }
  return token && !tokenHeld(arena, token) ? null : rows;
}

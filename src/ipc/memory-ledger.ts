/**
 * The memory ledger: the linear memory the programs hold, against the system's memory budget,
 * in the arena so every thread can read it and a process can report its own growth without a
 * call. Counted in 64 KiB wasm pages (an int32 holds 128 TiB of them).
 *
 *   BUDGET     pages the programs may hold together; set once, by the kernel, at boot (0: none)
 *   COMMITTED  the sum of every row: what the programs hold now
 *   row[pid]   the pages that process's memory had when its local kernel last published it,
 *              or RETIRED once the kernel has ended the process
 *
 * Who writes what: the kernel thread opens a row (0) when it makes a process and retires it when
 * the process ends; between the two, only that process's local kernel changes it (its memory
 * grew). Every change of a row is a compare-exchange, and COMMITTED changes only by the delta of
 * a change that succeeded, so COMMITTED is always the sum of the rows — and a thread that is
 * still running after its process was ended (workers stop asynchronously) finds its row retired
 * and adds nothing. A row is reopened only for a new process with that pid, which the kernel
 * makes only once the old thread is gone.
 *
 * Only wasm programs publish: service and kernel threads are never in the ledger, so they are
 * never the process found over the budget.
 */

import { type Arena, LedgerWord } from './arena.js';

export const WASM_PAGE_BYTES = 65536;
/** A row whose process has ended. */
const RETIRED = -1;
/** A budget no host reaches: "no budget". */
export const UNLIMITED_PAGES = 0x7fffffff;

export type PublishResult = 'ok' | 'over-budget' | 'retired';

export class MemoryLedger {
  constructor(private readonly arena: Arena) {}

  /** Set the budget (kernel, at boot). */
  setBudget(bytes: number): void {
    const pages = Number.isFinite(bytes) ? Math.max(1, Math.min(UNLIMITED_PAGES, Math.floor(bytes / WASM_PAGE_BYTES))) : UNLIMITED_PAGES;
    Atomics.store(this.arena.i32, this.arena.ledgerWord(LedgerWord.BUDGET), pages);
  }

  /** The budget in bytes (Infinity when none was set). */
  get budgetBytes(): number {
    const pages = Atomics.load(this.arena.i32, this.arena.ledgerWord(LedgerWord.BUDGET));
    return pages <= 0 || pages >= UNLIMITED_PAGES ? Infinity : pages * WASM_PAGE_BYTES;
  }

  /** Bytes the programs hold now. */
  get committedBytes(): number {
    return Atomics.load(this.arena.i32, this.arena.ledgerWord(LedgerWord.COMMITTED)) * WASM_PAGE_BYTES;
  }

  /** Whether `bytes` more would still fit in the budget. */
  fits(bytes: number): boolean {
    return this.committedBytes + bytes <= this.budgetBytes;
  }

  /** A new process's row, empty (kernel thread). */
  open(pid: number): void {
    Atomics.store(this.arena.i32, this.arena.ledgerRowWord(pid), 0);
  }

  /** The process has ended: its pages leave the ledger and its row takes no more (kernel thread). */
  retire(pid: number): void {
    const old = Atomics.exchange(this.arena.i32, this.arena.ledgerRowWord(pid), RETIRED);
    if (old > 0) Atomics.sub(this.arena.i32, this.arena.ledgerWord(LedgerWord.COMMITTED), old);
  }

  /**
   * The process `pid` now has `bytes` of linear memory (its own local kernel): whether the
   * programs together are now over the budget after it grew, or its row is retired.
   */
  publish(pid: number, bytes: number): PublishResult {
    const i32 = this.arena.i32;
    const row = this.arena.ledgerRowWord(pid);
    const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
    for (;;) {
      const old = Atomics.load(i32, row);
      if (old === RETIRED) return 'retired';
      if (Atomics.compareExchange(i32, row, old, pages) !== old) continue;
      const delta = pages - old;
      const total = Atomics.add(i32, this.arena.ledgerWord(LedgerWord.COMMITTED), delta) + delta;
      const budget = Atomics.load(i32, this.arena.ledgerWord(LedgerWord.BUDGET));
      return delta > 0 && budget > 0 && total > budget ? 'over-budget' : 'ok';
    }
  }

  /** Bytes process `pid` last published (0 for a retired or empty row). */
  heldBy(pid: number): number {
    return Math.max(0, Atomics.load(this.arena.i32, this.arena.ledgerRowWord(pid))) * WASM_PAGE_BYTES;
  }
}

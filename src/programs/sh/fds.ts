/**
 * The shell's file descriptors as its commands see them: a table from the fd number a command
 * uses (logical: 0, 1, 2, 3 after `exec 3>f`, …) to the fd the shell process holds (real).
 * A started command gets exactly the table's pairs; a builtin reads and writes through it.
 *
 * Redirections of one command, a compound command or a function call are a frame: `push()`, set
 * or close entries, run, `pop()` — the frame puts back what it changed and closes the files it
 * opened, unless another entry still uses them (`{ exec 4>&1; } >f` keeps f open as fd 4).
 * `exec` with only redirections changes the table outside any frame, for good.
 *
 * CAPTURE is a pseudo fd: a builtin whose output is captured in memory (an in-process command
 * substitution, a pipeline stage run in the shell) writes into the frame's buffer.
 *
 * Invariants: real fds the shell opened (`owned`) are closed exactly once, when no entry names
 * them; the fds the shell started with (0, 1, 2) are never closed by the table.
 */

import type { Sys } from '../../sys/sys.js';

export const CAPTURE = -2;

interface Frame {
  readonly saved: Map<number, number | undefined>;
}

const encoder = new TextEncoder();

export class FdTable {
  private readonly map = new Map<number, number>();
  private readonly owned = new Set<number>();
  private readonly frames: Frame[] = [];
  /** Output written to CAPTURE, innermost capture last. */
  private readonly captures: Uint8Array[][] = [];

  constructor(private readonly sys: Sys, initial: Iterable<readonly [number, number]>) {
    for (const [l, r] of initial) this.map.set(l, r);
  }

  get(fd: number): number | undefined {
    return this.map.get(fd);
  }

  /**
   * [logical, real] pairs for a program (CAPTURE entries are left out). A logical fd above 2 whose
   * number a preopened directory has in this process is left out too: a child gets the preopens
   * at the same numbers, and handing it a file there would take its directory away.
   */
  pairs(preopens: ReadonlySet<number> = new Set()): [number, number][] {
    return [...this.map].filter(([l, r]) => r !== CAPTURE && (l <= 2 || !preopens.has(l)));
  }

  /** The logical fds in use (to choose one a child does not use). */
  logical(): number[] {
    return [...this.map.keys()];
  }

  push(): void {
    this.frames.push({ saved: new Map() });
  }

  /** Undo the innermost frame's changes and close what only it used. */
  pop(): void {
    const frame = this.frames.pop();
    if (!frame) return;
    const dropped: number[] = [];
    for (const [l, prev] of frame.saved) {
      const cur = this.map.get(l);
      if (cur !== undefined) dropped.push(cur);
      if (prev === undefined) this.map.delete(l);
      else this.map.set(l, prev);
    }
    for (const r of dropped) this.release(r);
  }

  /** A real fd the shell opened: the table closes it once nothing uses it. */
  adopt(real: number): number {
    this.owned.add(real);
    return real;
  }

  /** Make logical `fd` name `real` (in the current frame, or for good outside one). */
  set(fd: number, real: number): void {
    const old = this.change(fd);
    this.map.set(fd, real);
    if (old !== undefined) this.release(old);
  }

  close(fd: number): void {
    const old = this.change(fd);
    this.map.delete(fd);
    if (old !== undefined) this.release(old);
  }

  private change(fd: number): number | undefined {
    const frame = this.frames.at(-1);
    if (frame && !frame.saved.has(fd)) frame.saved.set(fd, this.map.get(fd));
    return this.map.get(fd);
  }

  /** Close `real` if the shell opened it and no entry (current or saved) names it. */
  private release(real: number): void {
    if (!this.owned.has(real) || real === CAPTURE) return;
    for (const r of this.map.values()) if (r === real) return;
    for (const f of this.frames) for (const r of f.saved.values()) if (r === real) return;
    this.owned.delete(real);
    try {
      this.sys.close(real);
    } catch {
      // already closed
    }
  }

  /** Close every fd the shell opened that nothing names (after a failed redirection). */
  sweep(): void {
    for (const r of [...this.owned]) this.release(r);
  }

  // ─── writing through the table ────────────────────────────────────────────

  /** Write to logical `fd`; false when it is not open. Errors (EPIPE) propagate. */
  write(fd: number, data: string | Uint8Array): boolean {
    const real = this.map.get(fd);
    if (real === undefined) return false;
    if (real === CAPTURE) {
      const sink = this.captures.at(-1);
      if (sink) sink.push(typeof data === 'string' ? encoder.encode(data) : data);
      return true;
    }
    this.sys.write(real, data);
    return true;
  }

  beginCapture(): void {
    this.captures.push([]);
  }

  endCapture(): Uint8Array {
    const parts = this.captures.pop() ?? [];
    let size = 0;
    for (const p of parts) size += p.length;
    const out = new Uint8Array(size);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

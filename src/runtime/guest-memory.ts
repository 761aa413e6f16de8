/**
 * Bounds-checked access to a wasm program's linear memory.
 *
 * Every guest pointer and length is checked against the memory's current size before use; a
 * bad one throws GuestFault, which the shim's wrapper turns into EFAULT for the program. Views
 * are refreshed when the memory grows (growing replaces the ArrayBuffer). Text a program passes
 * is read by guest-path.ts, strictly (there is deliberately no lossy string reader here).
 *
 * Growth is also watched for the memory ledger: `watch()`, made on every system call, costs one
 * comparison while the size is the one last reported, and calls `onGrow` with the new size once
 * it changed (a grown memory detaches the old buffer, so even an unrefreshed view shows it).
 */

export class GuestFault extends Error {
  constructor(readonly ptr: number, readonly len: number) {
    super(`guest pointer ${ptr}+${len} out of bounds`);
  }
}

export class GuestMemory {
  private buffer: ArrayBuffer | null = null;
  private u8v = new Uint8Array(0);
  private dv = new DataView(new ArrayBuffer(0));
  private memory: WebAssembly.Memory | null = null;
  /** The size last given to `onGrow`. */
  private reported = 0;
  /** Told the memory's size when it has changed since the last time; may throw to end the process. */
  onGrow: ((bytes: number) => void) | null = null;

  /** Bytes of linear memory now (0 before a memory is attached). */
  get size(): number {
    return this.memory?.buffer.byteLength ?? 0;
  }

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.refresh();
  }

  /** Report a change of size to `onGrow` (see the header): on every system call. */
  watch(): void {
    if (this.u8v.length !== this.reported) this.sizeChanged();
  }

  private sizeChanged(): void {
    if (this.memory === null) return;
    this.refresh();
    if (this.u8v.length === this.reported) return;
    this.reported = this.u8v.length;
    this.onGrow?.(this.reported);
  }

  private refresh(): void {
    const buf = this.memory!.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.u8v = new Uint8Array(buf);
      this.dv = new DataView(buf);
    }
  }

  /**
   * Check `[ptr, ptr+len)` lies in memory; returns ptr. The views are refreshed only when the
   * range looks out of bounds (growing the memory detaches the old buffer, whose views then have
   * length 0), so the common case costs one comparison.
   */
  check(ptr: number, len: number): number {
    ptr >>>= 0;
    if (len >= 0 && ptr + len <= this.u8v.length) return ptr;
    if (this.memory === null) throw new GuestFault(ptr, len);
    this.refresh();
    if (len < 0 || ptr + len > this.u8v.length) throw new GuestFault(ptr, len);
    return ptr;
  }

  bytes(ptr: number, len: number): Uint8Array {
    const p = this.check(ptr, len);
    return this.u8v.subarray(p, p + len);
  }

  u8(ptr: number): number { return this.dv.getUint8(this.check(ptr, 1)); }
  u16(ptr: number): number { return this.dv.getUint16(this.check(ptr, 2), true); }
  u32(ptr: number): number { return this.dv.getUint32(this.check(ptr, 4), true); }
  u64(ptr: number): bigint { return this.dv.getBigUint64(this.check(ptr, 8), true); }

  setU8(ptr: number, v: number): void { this.dv.setUint8(this.check(ptr, 1), v); }
  setU16(ptr: number, v: number): void { this.dv.setUint16(this.check(ptr, 2), v, true); }
  setU32(ptr: number, v: number): void { this.dv.setUint32(this.check(ptr, 4), v >>> 0, true); }
  setU64(ptr: number, v: bigint | number): void {
    const p = this.check(ptr, 8);
    if (typeof v === 'bigint') {
      this.dv.setBigUint64(p, BigInt.asUintN(64, v), true);
      return;
    }
    // A non-negative safe integer, written as two 32-bit halves without making a BigInt.
    const n = v > 0 ? Math.floor(v) : 0;
    this.dv.setUint32(p, n % 0x1_0000_0000, true);
    this.dv.setUint32(p + 4, Math.floor(n / 0x1_0000_0000), true);
  }

  /** The iovec list at `iovs` as views of the buffers it names, each checked. */
  buffers(iovs: number, count: number): Uint8Array[] {
    this.check(iovs, count * 8);
    const out: Uint8Array[] = new Array<Uint8Array>(count);
    for (let i = 0; i < count; i++) {
      const len = this.u32(iovs + i * 8 + 4);
      const p = this.check(this.u32(iovs + i * 8), len);
      out[i] = this.u8v.subarray(p, p + len);
    }
    return out;
  }
}

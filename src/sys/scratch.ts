/**
 * Scratch memory for TypeScript programs: a private linear memory the `sys` API marshals
 * arguments into before calling the same WASI and `keel` functions a wasm program calls.
 *
 * Allocation is a bump pointer reset at the start of every system call (`reset`), so nothing
 * outlives the call that made it. The memory grows on demand (up to 64 MiB).
 */

import { GuestMemory } from '../runtime/guest-memory.js';

const PAGE = 65536;
const MAX_PAGES = 1024;
const encoder = new TextEncoder();

export class Scratch {
  private readonly memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES });
  private top = 8;

  /** `mem`: the GuestMemory the shim functions were built with; it is attached to the scratch. */
  constructor(readonly mem: GuestMemory) {
    this.mem.attach(this.memory);
  }

  reset(): void {
    this.top = 8;
  }

  /** `len` bytes, 8-aligned; the pointer. */
  alloc(len: number): number {
    const ptr = this.top;
    const end = ptr + ((len + 7) & ~7);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  /** Copy `bytes` in; [ptr, len]. */
  bytes(bytes: Uint8Array): [number, number] {
    const ptr = this.alloc(bytes.length);
    this.mem.bytes(ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  }

  /** A UTF-8 string (not NUL-terminated); [ptr, len]. */
  string(s: string): [number, number] {
    return this.bytes(encoder.encode(s));
  }

  /** A NUL-terminated UTF-8 string; its pointer. */
  cString(s: string): number {
    const b = encoder.encode(s);
    const ptr = this.alloc(b.length + 1);
    const view = this.mem.bytes(ptr, b.length + 1);
    view.set(b);
    view[b.length] = 0;
    return ptr;
  }

  /** An array of pointers to NUL-terminated strings; its pointer. */
  cStrings(list: readonly string[]): number {
    const ptrs = list.map((s) => this.cString(s));
    const arr = this.alloc(ptrs.length * 4);
    ptrs.forEach((p, i) => this.mem.setU32(arr + i * 4, p));
    return arr;
  }

  /** One iovec over a buffer of `len` bytes; [iovec pointer, buffer pointer]. */
  iovec(len: number): [number, number] {
    const buf = this.alloc(len);
    const iov = this.alloc(8);
    this.mem.setU32(iov, buf);
    this.mem.setU32(iov + 4, len);
    return [iov, buf];
  }
}

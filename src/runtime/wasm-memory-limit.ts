/**
 * A memory limit the engine enforces: rewrite a module's memory section so each memory's maximum
 * is at most the limit. `memory.grow` past it then fails (returns -1) the way it does at the
 * 4 GiB bound, so a C program's malloc returns NULL and the program decides what to do — nothing
 * is checked at run time. A module whose memory must start above the limit is refused.
 *
 * Only the memory section (id 5) changes; every other byte is copied as is, and a module whose
 * maxima are already within the limit comes back as it was (no copy). Memory imports are left
 * alone: Keel provides none, so such a module cannot start anyway. A 32-bit memory's maximum is
 * never written above 65536 pages (4 GiB), the most it may declare.
 * Invariant: the output is a valid module iff the input was (the section's length is re-encoded).
 *
 * `initialMemoryBytes` reads the same section: the memory a module starts with, for the memory
 * budget's check before a program starts.
 */

import { concatBytes } from '../abi/bytes.js';
import { WasmReader } from './wasm-module-reader.js';

const WASM_PAGE = 65536;
const MEMORY_SECTION = 5;
const HAS_MAX = 0x01;
const MEMORY64 = 0x04;
/** The most pages a 32-bit memory may declare. */
const MAX_PAGES_32 = 65536;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** The module with every memory's maximum at most `maxBytes`, or why it cannot run under it. */
export function limitMemory(module: Uint8Array, maxBytes: number): Uint8Array | string {
  const limitPages = Math.floor(maxBytes / WASM_PAGE);
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) return 'not a WebAssembly module';
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let changed = false;
  try {
    const r = new WasmReader(module, 8);
    while (r.pos < module.length) {
      const start = r.pos;
      const id = r.byte();
      const size = r.leb();
      const body = r.pos;
      if (body + size > module.length) return 'a section runs past the end of the module';
      r.pos = body + size;
      if (id !== MEMORY_SECTION) {
        parts.push(module.subarray(start, r.pos));
        continue;
      }
      const m = new WasmReader(module.subarray(0, body + size), body);
      const out: number[] = [];
      const count = m.leb();
      out.push(...leb(count));
      for (let i = 0; i < count; i++) {
        const flags = m.byte();
        const min = m.leb();
        const max = flags & HAS_MAX ? m.leb() : Infinity;
        if (min > limitPages) return `its memory starts at ${min * WASM_PAGE} bytes, over the limit of ${maxBytes}`;
        const ceiling = flags & MEMORY64 ? limitPages : Math.min(limitPages, MAX_PAGES_32);
        // No maximum on a 32-bit memory already means 4 GiB: only a lower ceiling changes it.
        if (max <= ceiling || (max === Infinity && ceiling === MAX_PAGES_32 && !(flags & MEMORY64))) {
          out.push(flags, ...leb(min), ...(flags & HAS_MAX ? leb(max) : []));
          continue;
        }
        changed = true;
        out.push(flags | HAS_MAX, ...leb(min), ...leb(ceiling));
      }
      if (m.pos !== body + size) return 'malformed memory section';
      parts.push(new Uint8Array([id, ...leb(out.length), ...out]));
    }
  } catch (e) {
    return e instanceof RangeError ? e.message : String(e);
  }
  return changed ? concatBytes(parts) : module;
}

/** Bytes of memory the module starts with (its first memory's minimum), or 0 if it declares none or cannot be read. */
export function initialMemoryBytes(module: Uint8Array): number {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) return 0;
  try {
    const r = new WasmReader(module, 8);
    while (r.pos < module.length) {
      const id = r.byte();
      const size = r.leb();
      if (id === MEMORY_SECTION) {
        if (r.leb() === 0) return 0;
        r.byte();
        return r.leb() * WASM_PAGE;
      }
      r.pos += size;
    }
  } catch {
    // a malformed module: compiling it will say so
  }
  return 0;
}

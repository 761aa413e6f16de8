/**
 * UTF-8 text to and from views that may lie on shared memory (the arena, bulk buffers, page-cache
 * slices). Node's TextEncoder.encodeInto and TextDecoder.decode take such views; browsers refuse
 * them ("must not be shared"). Where the host refuses, a shared view goes through a private copy;
 * everywhere else these are the plain calls.
 */

/** A TextDecoder (named structurally: the project's lib has no DOM types). */
export interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

const encoder = new TextEncoder();
const defaultDecoder = new TextDecoder();

/** Does this host's TextEncoder/TextDecoder accept views on a SharedArrayBuffer? */
const takesShared = ((): boolean => {
  if (typeof SharedArrayBuffer === 'undefined') return true;
  try {
    const view = new Uint8Array(new SharedArrayBuffer(1));
    encoder.encodeInto('', view);
    defaultDecoder.decode(view);
    return true;
  } catch {
    return false;
  }
})();

const isShared = (bytes: Uint8Array): boolean => !takesShared && bytes.buffer instanceof SharedArrayBuffer;

/** TextEncoder.encodeInto that also writes into a view on shared memory. */
export function encodeInto(text: string, into: Uint8Array): { read: number; written: number } {
  if (!isShared(into)) return encoder.encodeInto(text, into);
  const scratch = new Uint8Array(Math.min(into.length, text.length * 3));
  const r = encoder.encodeInto(text, scratch);
  into.set(scratch.subarray(0, r.written));
  return r;
}

/** `decoder.decode(bytes, options)` that also reads a view on shared memory. */
export function decodeText(decoder: Decoder, bytes: Uint8Array, options?: { stream?: boolean }): string {
  return decoder.decode(isShared(bytes) ? bytes.slice() : bytes, options);
}

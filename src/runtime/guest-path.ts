/**
 * Reading the paths and names a program passes, strictly, before anything reaches a service.
 *
 *   readGuestPath(mem, ptr, len)     a path for a path_* call or keel.spawn: the string, or an errno
 *   readLinkTarget(mem, ptr, len)    a symlink's target (path_symlink): the same, but its components
 *                                    are not limited (as symlink(2): they only matter when followed)
 *   decodeGuestText(bytes)           any other name (argv, environment): the string, or ILSEQ
 *
 * Rules (wasmtime's, whose preview1 decodes every string argument with Rust's `str::from_utf8`
 * and answers EILSEQ when it fails, and whose host answers ENAMETOOLONG past its limits):
 *   - the bytes must be valid UTF-8: an invalid sequence, an overlong form or an encoded surrogate
 *     is EILSEQ — never replaced by U+FFFD, so two different byte strings never name one file;
 *   - a leading byte-order mark is part of the name (it is not dropped);
 *   - a path of PATH_MAX bytes or more (Linux's limit, which counts the NUL), or with a component
 *     longer than NAME_MAX bytes, is ENAMETOOLONG — the limits the VFS walk applies
 *     (services/vfs/path-walk.ts), measured the same way (UTF-8 bytes), so a path accepted here is
 *     never refused there for its length, and a long one never reaches the IPC layer (whose
 *     message limit would answer EIO).
 * The pointer is bounds-checked first (a bad one throws GuestFault: EFAULT), as for any argument.
 */

import { decodeText } from '../abi/text-codec.js';
import { NAME_MAX, PATH_MAX } from '../abi/protocols/vfs.js';
import { Errno } from '../abi/errno.js';
import type { GuestMemory } from './guest-memory.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const SLASH = 0x2f;

/** `bytes` (which may lie in guest memory) as text, or ILSEQ if they are not valid UTF-8. */
export function decodeGuestText(bytes: Uint8Array): string | number {
  try {
    return decodeText(strict, bytes);
  } catch {
    return Errno.ILSEQ;
  }
}

/** The longest run of bytes between slashes in `bytes`. */
function longestComponent(bytes: Uint8Array): number {
  let longest = 0, run = 0;
  for (const b of bytes) {
    run = b === SLASH ? 0 : run + 1;
    if (run > longest) longest = run;
  }
  return longest;
}

/** The path of `len` bytes at `ptr`: its text, or ILSEQ / NAMETOOLONG. */
export function readGuestPath(mem: GuestMemory, ptr: number, len: number): string | number {
  const bytes = mem.bytes(ptr, len);
  const text = decodeGuestText(bytes);
  if (typeof text === 'number') return text;
  if (len >= PATH_MAX || longestComponent(bytes) > NAME_MAX) return Errno.NAMETOOLONG;
  return text;
}

/** The symlink target of `len` bytes at `ptr`: its text, or ILSEQ / NAMETOOLONG. */
export function readLinkTarget(mem: GuestMemory, ptr: number, len: number): string | number {
  const text = decodeGuestText(mem.bytes(ptr, len));
  if (typeof text === 'number') return text;
  return len >= PATH_MAX ? Errno.NAMETOOLONG : text;
}

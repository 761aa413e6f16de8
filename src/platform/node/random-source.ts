/**
 * A thread's cryptographically secure random bytes, cheap to start. Loading node:crypto costs a
 * thread ~5.5 ms on this machine kind, and every boot asks for a few bytes (node numbers, tokens,
 * lock owners) on the way to its first program. So a thread's first few small requests read the
 * host's own generator, /dev/urandom (the same source getrandom(2) and node:crypto use on Linux),
 * ~8 µs each with the open and close; node:crypto is loaded only for a larger request, after
 * those few, or where /dev/urandom cannot be read (another host system).
 *
 * Invariant: every byte comes from the host's CSPRNG; a short or failed read never leaves bytes
 * unfilled (node:crypto fills the whole buffer again).
 */

import { closeSync, openSync, readSync } from 'node:fs';
import { lazyBuiltin } from './lazy-builtin.js';

const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

/** Requests served from /dev/urandom before node:crypto is worth loading. */
const FEW = 32;
/** The largest request /dev/urandom serves here. */
const SMALL = 256;

let fromDevice = 0;
let deviceWorks = true;

function readDevice(bytes: Uint8Array): boolean {
  let fd = -1;
  try {
    fd = openSync('/dev/urandom', 'r');
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, null);
      if (n <= 0) return false;
      done += n;
    }
    return true;
  } catch {
    deviceWorks = false;
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Fill `bytes` with random bytes from the host's CSPRNG. */
export function randomFill(bytes: Uint8Array): void {
  if (deviceWorks && fromDevice < FEW && bytes.length <= SMALL) {
    fromDevice++;
    if (readDevice(bytes)) return;
  }
  crypto().randomFillSync(bytes);
}

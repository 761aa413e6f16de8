/**
 * Node built-in modules loaded when first used rather than when Keel's code is: a thread that
 * never asks for randomness or a terminal does not pay for loading node:crypto (3–9 ms on this
 * machine kind) or node:tty, and every worker's start is on some program's critical path.
 *
 * Only built-ins go through here; the `require` it makes resolves nothing else.
 */

import { createRequire } from 'node:module';

// Built-ins resolve from any base; the executable's path is one that always exists.
const requireBuiltin = createRequire(process.execPath);

/** A getter for built-in module `name` (e.g. 'node:crypto'), loading it at its first call. */
export function lazyBuiltin<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireBuiltin(name) as T);
}

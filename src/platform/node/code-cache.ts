/**
 * The bundles' code caches (scripts/load-cached.cjs): a thread that has done its start-up work
 * says so here, and the caches of the bundles it loaded without one are written now — holding
 * every function the work compiled, which the next start then deserializes instead of compiling.
 * A no-op once a thread's caches are written, and where Keel runs unbundled (dist/src).
 */

const WRITE = Symbol.for('keel.writeCodeCaches');

export function writeCodeCaches(): void {
  const write = (globalThis as unknown as Record<symbol, (() => void) | undefined>)[WRITE];
  write?.();
}

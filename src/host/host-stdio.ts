/**
 * The host's standard streams as the console service sees them (supplied by the platform).
 * Writes are synchronous and complete; reads deliver chunks through `onData` so the console can
 * answer a blocked reader later without stalling its other clients.
 */

export interface HostStdio {
  /** Write all of `bytes` to host fd 1 (stdout) or 2 (stderr). */
  write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Start delivering host stdin: `onData` per chunk, `onEnd` once at end of input. */
  readStdin(onData: (chunk: Uint8Array) => void, onEnd: () => void): void;
  /** Stop reading stdin (so the host process can exit). */
  pauseStdin(): void;
  /** True when stdin/stdout is a terminal. */
  isTerminal(fd: 0 | 1 | 2): boolean;
  /** Put a terminal stdin into raw mode (the console does the line discipline) or back. */
  setRawMode(raw: boolean): void;
  /** The terminal's size, or null when stdout is not a terminal. */
  size(): { columns: number; rows: number } | null;
}

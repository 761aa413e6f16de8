/**
 * Host TCP as the net service sees it (supplied by the platform): listening sockets bound for the
 * system, and the connections they accept. Event based, so the service answers waiting callers
 * from the event loop.
 */

export interface HostConnection {
  /** Deliver received bytes, then `end` once the peer has finished sending (or an error). */
  onData(data: (chunk: Uint8Array) => void, end: () => void): void;
  write(bytes: Uint8Array): void;
  /** Stop sending (half-close). */
  shutdownWrite(): void;
  /** Stop reading (further data is dropped). */
  pause(): void;
  close(): void;
}

export interface HostListener {
  /** Called for each accepted connection; `error` once if binding failed. */
  onConnection(cb: (c: HostConnection) => void, error: (message: string) => void): void;
  /** Resolves when the address is bound: null, or why it could not be. */
  readonly bound: Promise<string | null>;
  close(): void;
}

export interface HostNet {
  listen(host: string, port: number): HostListener;
}

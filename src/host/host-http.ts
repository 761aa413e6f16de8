/**
 * HTTP GET as the registry service sees it (supplied by the platform): promise based, so the service answers waiting callers from the event loop. The platform
 * decides how the host fetches (Node's fetch; the page's fetch and its OPFS cache in a browser).
 */

/** The response, once its headers arrived: the HTTP status and the body's length (null: not said). */
export interface HostResponse {
  readonly status: number;
  readonly size: number | null;
}

/**
 * The body's length a response announces, from its headers: null when it says none, or when the
 * body is compressed (Content-Length then counts the compressed bytes, not those read).
 */
export function announcedSize(headers: { get(name: string): string | null }): number | null {
  const length = headers.get('content-length');
  return length !== null && /^\d+$/.test(length) && headers.get('content-encoding') === null ? Number(length) : null;
}

export interface HostDownload {
  /** Resolves with the response, or why there is none (refused, no route, bad URL). */
  readonly response: Promise<HostResponse | string>;
  /**
   * The body's next bytes, pulled (so a reader that does not ask holds the download back): a
   * chunk, null once the body is complete, or why it is not (the connection broke). One call at
   * a time.
   */
  next(): Promise<Uint8Array | null | string>;
  /** Stop the download (a pending `next` may still settle; nothing more is read). */
  cancel(): void;
}

export interface HostHttp {
  /** GET `url` with these request headers. */
  get(url: string, headers: Readonly<Record<string, string>>): HostDownload;
}

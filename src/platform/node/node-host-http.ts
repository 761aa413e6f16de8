/**
 * The Node.js HostHttp: Node's fetch behind the registry service's interface. The body is read
 * as the service pulls it; a body that breaks off (the connection closed early, the server
 * destroyed the socket) is an error, not an end. Redirects are followed by fetch (a registry may
 * send a tarball elsewhere); the service has already decided the URL asked for is the registry's.
 */

import { type HostDownload, type HostHttp, type HostResponse, announcedSize } from '../../host/host-http.js';

const message = (e: unknown): string => {
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const text = e instanceof Error ? e.message : String(e);
  return cause instanceof Error ? `${text}: ${cause.message}` : text;
};

export const nodeHostHttp: HostHttp = {
  get(url, headers): HostDownload {
    const abort = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    const response: Promise<HostResponse | string> = fetch(url, { headers, signal: abort.signal, redirect: 'follow' }).then((r) => {
      reader = r.body ? r.body.getReader() : null;
      return { status: r.status, size: announcedSize(r.headers) };
    }, (e: unknown) => message(e));
    return {
      response,
      async next() {
        if (!reader) return null;
        try {
          const { done, value } = await reader.read();
          return done ? null : value;
        } catch (e) {
          return message(e);
        }
      },
      cancel() {
        abort.abort();
      },
    };
  },
};

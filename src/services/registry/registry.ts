/**
 * The registry service: a package registry (npm's HTTP API) read through the host's HTTP — the
 * one piece of the network a program can be given, and proc gives it only to `pkg`
 * (proc `grants`). Its bounds are the capability's:
 *   - only GET, only of paths under the one URL it was configured with (a path is checked, then
 *     resolved, then the result checked again to lie under the URL); no header, body or query the
 *     caller chooses;
 *   - at most MAX_STREAMS open streams per session; each stream buffers at most AHEAD_BYTES
 *     before the caller reads (the body is pulled from the host as it is read), so a large or
 *     endless body costs the service bounded memory.
 * A stream's body ends complete, or with the reason it did not (the host's error; fewer bytes
 * than the response announced): the caller gets EIO, never a short body passed off as whole.
 *
 * `open` and `read` wait (deferred replies) for the host, so the service must run on a thread
 * with an event loop (the kernel thread). Streams are ids in the caller's session (its badge).
 */

import { DEFER, type DeferredReply, type Service } from '../../ipc/call-context.js';
import { finishDeferred, serveProtocol } from '../../ipc/protocol-client.js';
import { registryProtocol } from '../../abi/protocols/registry.js';
import { ERRNO_PROTOCOL_ERRORS, Errno } from '../../abi/errno.js';
import type { HostDownload, HostHttp } from '../../host/host-http.js';
import { concatBytes } from '../../abi/bytes.js';

const MAX_STREAMS = 8;
const AHEAD_BYTES = 4 * 1024 * 1024;
const MAX_PATH = 1024;
/** What npm asks for: the short form of package metadata ("corgi") where the registry has it. */
const ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

interface Stream {
  readonly download: HostDownload;
  /** The length the response announced, or null. */
  readonly size: number | null;
  readonly buffered: Uint8Array[];
  bufferedBytes: number;
  received: number;
  /** The body is complete (null) or broke (why); undefined while it is still coming. */
  end: string | null | undefined;
  pulling: boolean;
  readonly waiting: { readonly deferred: DeferredReply; readonly max: number }[];
}

interface Session {
  readonly streams: Map<number, Stream>;
  /** Why the last failed call of each stream failed (0: the last open). */
  readonly reasons: Map<number, string>;
}

/** `path` is a relative URL path with nothing but path characters and no `.`/`..` segment. */
function plainPath(path: string): boolean {
  return path.length > 0 && path.length <= MAX_PATH && /^[A-Za-z0-9@%._~+!$&'()*,;=:-][A-Za-z0-9@%._~+!$&'()*,;=:/-]*$/.test(path)
    && !path.split('/').some((seg) => seg === '.' || seg === '..' || seg === '');
}

export class Registry {
  private readonly sessions = new Map<number, Session>();
  private nextStream = 1;
  private readonly base: string;

  constructor(private readonly http: HostHttp, url: string) {
    this.base = url.endsWith('/') ? url : `${url}/`;
  }

  url(): string {
    return this.base;
  }

  private session(badge: number): Session {
    let s = this.sessions.get(badge);
    if (!s) {
      s = { streams: new Map(), reasons: new Map() };
      this.sessions.set(badge, s);
    }
    return s;
  }

  /** The absolute URL for `path`, or null when it would leave the registry. */
  private resolve(path: string): string | null {
    if (!plainPath(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) return null;
    let url: URL;
    try {
      url = new URL(path, this.base);
    } catch {
      return null;
    }
    return url.href.startsWith(this.base) && url.search === '' && url.hash === '' ? url.href : null;
  }

  open(badge: number, path: string, defer: () => DeferredReply | null): number | typeof DEFER {
    const s = this.session(badge);
    const url = this.resolve(path);
    if (url === null) {
      s.reasons.set(0, `not a path in the registry: ${path.slice(0, 200)}`);
      return Errno.INVAL;
    }
    if (s.streams.size >= MAX_STREAMS) {
      s.reasons.set(0, `${MAX_STREAMS} streams are open already`);
      return Errno.MFILE;
    }
    const deferred = defer();
    if (!deferred) return Errno.AGAIN;
    const download = this.http.get(url, { accept: ACCEPT });
    void download.response.then((r) => {
      if (!deferred.pending || !this.sessions.has(badge)) {
        download.cancel();
        return;
      }
      if (typeof r === 'string') {
        s.reasons.set(0, r);
        finishDeferred(registryProtocol.layouts.open.reply, deferred, Errno.IO, ERRNO_PROTOCOL_ERRORS);
        return;
      }
      const id = this.nextStream++;
      const stream: Stream = { download, size: r.size, buffered: [], bufferedBytes: 0, received: 0, end: undefined, pulling: false, waiting: [] };
      s.streams.set(id, stream);
      this.pull(stream);
      finishDeferred(registryProtocol.layouts.open.reply, deferred, { stream: id, status: r.status, size: r.size ?? -1 }, ERRNO_PROTOCOL_ERRORS);
    });
    return DEFER;
  }

  /** Ask the host for more of the body, unless enough is buffered or it has ended. */
  private pull(stream: Stream): void {
    if (stream.pulling || stream.end !== undefined || stream.bufferedBytes >= AHEAD_BYTES) return;
    stream.pulling = true;
    void stream.download.next().then((chunk) => {
      stream.pulling = false;
      if (stream.end !== undefined) return;
      if (chunk === null) {
        stream.end = stream.size !== null && stream.received !== stream.size ? `cut short: ${stream.received} of ${stream.size} bytes arrived` : null;
      } else if (typeof chunk === 'string') {
        stream.end = chunk;
      } else {
        stream.received += chunk.length;
        if (stream.size !== null && stream.received > stream.size) stream.end = `more bytes than the ${stream.size} announced`;
        else if (chunk.length > 0) {
          stream.buffered.push(chunk);
          stream.bufferedBytes += chunk.length;
        }
      }
      this.serveReads(stream);
      this.pull(stream);
    }, (e: unknown) => {
      stream.pulling = false;
      stream.end = e instanceof Error ? e.message : String(e);
      this.serveReads(stream);
    });
  }

  private take(stream: Stream, max: number): Uint8Array {
    const out: Uint8Array[] = [];
    let n = 0;
    while (stream.buffered.length > 0 && n < max) {
      const first = stream.buffered[0]!;
      const take = Math.min(first.length, max - n);
      out.push(first.subarray(0, take));
      if (take === first.length) stream.buffered.shift();
      else stream.buffered[0] = first.subarray(take);
      n += take;
    }
    stream.bufferedBytes -= n;
    return concatBytes(out);
  }

  /** What a read gets now: bytes, the end (empty), EIO, or null (wait). */
  private readNow(stream: Stream, max: number): { data: Uint8Array } | number | null {
    if (stream.bufferedBytes > 0) {
      const data = this.take(stream, max);
      this.pull(stream);
      return { data };
    }
    if (stream.end === null) return { data: new Uint8Array(0) };
    if (stream.end !== undefined) return Errno.IO;
    return null;
  }

  private serveReads(stream: Stream): void {
    while (stream.waiting.length > 0) {
      const w = stream.waiting[0]!;
      if (!w.deferred.pending) {
        stream.waiting.shift();
        continue;
      }
      const r = this.readNow(stream, w.max);
      if (r === null) return;
      stream.waiting.shift();
      finishDeferred(registryProtocol.layouts.read.reply, w.deferred, r, ERRNO_PROTOCOL_ERRORS);
    }
  }

  read(badge: number, id: number, max: number, defer: () => DeferredReply | null): { data: Uint8Array } | number | typeof DEFER {
    const s = this.sessions.get(badge);
    const stream = s?.streams.get(id);
    if (!s || !stream) return Errno.BADF;
    const r = this.readNow(stream, max);
    if (r === Errno.IO) s.reasons.set(id, stream.end ?? 'failed');
    if (r !== null) return r;
    const deferred = defer();
    if (!deferred) return Errno.AGAIN;
    stream.waiting.push({ deferred, max });
    this.pull(stream);
    return DEFER;
  }

  reason(badge: number, id: number): { text: string } {
    const s = this.sessions.get(badge);
    return { text: s?.reasons.get(id) ?? s?.streams.get(id)?.end ?? '' };
  }

  close(badge: number, id: number): number {
    const s = this.sessions.get(badge);
    const stream = s?.streams.get(id);
    if (!s || !stream) return Errno.BADF;
    s.streams.delete(id);
    s.reasons.delete(id);
    if (stream.end === undefined) stream.end = 'closed';
    stream.download.cancel();
    return Errno.SUCCESS;
  }

  endSession(badge: number): void {
    for (const id of [...(this.sessions.get(badge)?.streams.keys() ?? [])]) this.close(badge, id);
    this.sessions.delete(badge);
  }

  stop(): void {
    for (const badge of [...this.sessions.keys()]) this.endSession(badge);
  }
}

export function registryService(registry: Registry): Service {
  return serveProtocol(registryProtocol, 'registry', {
    url: () => ({ url: registry.url() }),
    open: (r, c, server) => registry.open(c.badge, r.path, () => server.defer(c)),
    read: (r, c, server) => registry.read(c.badge, r.stream, Math.min(r.max, c.bulk.length), () => server.defer(c)),
    reason: (r, c) => registry.reason(c.badge, r.stream),
    close: (r, c) => registry.close(c.badge, r.stream) || {},
  }, ERRNO_PROTOCOL_ERRORS);
}

/**
 * The browser HostHttp: the page's fetch (from the kernel worker, where the registry service
 * runs), behind the registry service's interface, with package tarballs kept in the origin's
 * private file system. A registry never changes a published tarball, so a `.tgz` fetched whole
 * (every byte its Content-Length announced) is written to OPFS `pkg-cache/`, and the next GET of
 * that URL is answered from there without the network — installing again after a reload, or in
 * another tab, downloads nothing. pkg checks the sha512 of whatever it reads, cached or not.
 * Cross-origin registries must answer CORS (registry.npmjs.org does: `*`); the page is
 * cross-origin isolated, which CORS satisfies.
 */

import { type HostDownload, type HostHttp, type HostResponse, announcedSize } from '../../host/host-http.js';
import { type OpfsDirectory, opfsRoot } from './web-globals.js';

const CACHE_DIR = 'pkg-cache';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function cacheDir(): Promise<OpfsDirectory | null> {
  try {
    const root = await opfsRoot();
    return root ? await root.getDirectoryHandle(CACHE_DIR, { create: true }) : null;
  } catch {
    return null;
  }
}

/** The cache file's name for `url` (one name per URL, no slashes). */
const entryName = (url: string): string => encodeURIComponent(url).slice(0, 240);

function cacheable(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith('.tgz');
  } catch {
    return false;
  }
}

/** Keep `parts` (a whole body) as the cache entry of `url`; a failure only costs the cache. */
async function store(url: string, parts: readonly Uint8Array[]): Promise<void> {
  const dir = await cacheDir();
  if (!dir) return;
  try {
    const w = await (await dir.getFileHandle(entryName(url), { create: true })).createWritable();
    try {
      for (const p of parts) await w.write(p);
      await w.close();
    } catch (e) {
      await w.abort();
      throw e;
    }
  } catch {
    // No room, or OPFS refused: the next install downloads again.
  }
}

/** The cached body of `url`, if there is one. */
async function cached(url: string): Promise<{ size: number; reader: ReadableStreamDefaultReader<Uint8Array> } | null> {
  const dir = await cacheDir();
  if (!dir) return null;
  try {
    const file = await (await dir.getFileHandle(entryName(url))).getFile();
    return { size: file.size, reader: file.stream().getReader() };
  } catch {
    return null;
  }
}

export const browserHostHttp: HostHttp = {
  get(url, headers): HostDownload {
    const abort = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    /** The body so far, while it is being fetched for the cache. */
    let keep: Uint8Array[] | null = null;
    let announced: number | null = null;
    let received = 0;
    const response: Promise<HostResponse | string> = (async () => {
      if (cacheable(url)) {
        const hit = await cached(url);
        if (hit) {
          reader = hit.reader;
          return { status: 200, size: hit.size };
        }
      }
      try {
        const r = await fetch(url, { headers: { ...headers }, signal: abort.signal });
        reader = r.body ? r.body.getReader() : null;
        announced = announcedSize(r.headers);
        if (r.status === 200 && cacheable(url) && announced !== null) keep = [];
        return { status: r.status, size: announced };
      } catch (e) {
        return message(e);
      }
    })();
    return {
      response,
      async next() {
        if (!reader) return null;
        try {
          const { done, value } = await reader.read();
          if (!done) {
            received += value.length;
            keep?.push(value);
            return value;
          }
          if (keep && received === announced) await store(url, keep);
          keep = null;
          return null;
        } catch (e) {
          keep = null;
          return message(e);
        }
      },
      cancel() {
        keep = null;
        abort.abort();
        void reader?.cancel().catch(() => {});
      },
    };
  },
};

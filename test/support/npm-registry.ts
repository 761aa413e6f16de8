/**
 * A package registry on 127.0.0.1 for the pkg tests, speaking npm's HTTP API: `GET /NAME` (the
 * scope's slash as %2f or %2F) answers the package's metadata, `GET /NAME/-/FILE.tgz` its
 * tarball. It serves real package bytes without the network: the tarball of @yowasp/clang is
 * packed from node_modules (the files its package.json lists, under `package/`, as npm packs
 * them) once per machine and kept in the temporary directory, and its sha512 is what the
 * metadata vouches for.
 *
 * Faults, for the failure tests, each taken by the next tarball request: `cut` sends the full
 * Content-Length, then half the bytes, then destroys the connection; `corrupt` sends bytes that
 * differ from what the metadata's integrity says (one bit flipped). Every request is logged
 * (`requests`).
 */

import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { header } from '../../src/programs/lib/ustar.js';

export const CLANG = '@yowasp/clang';
const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const CLANG_DIR = join(repo, 'node_modules', '@yowasp', 'clang');

function packageJson(dir: string): { name: string; version: string; files?: string[] } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; files?: string[] };
}

export const CLANG_VERSION = packageJson(CLANG_DIR).version;

/** The files npm would pack: package.json, README*, and what `files` lists (dir/* and exact paths). */
function packedFiles(dir: string): string[] {
  const pj = packageJson(dir);
  const all: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else all.push(relative(dir, p));
    }
  };
  walk(dir);
  const globs = (pj.files ?? []).map((f) => new RegExp(`^${f.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`));
  return all.filter((f) => f === 'package.json' || /^README/i.test(f) || globs.some((g) => g.test(f))).sort();
}

/** A gzipped tar of `dir` as npm packs it (every entry under package/). */
function pack(dir: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of packedFiles(dir)) {
    const data = readFileSync(join(dir, f));
    parts.push(header({ name: `package/${f}`, type: 'file', mode: 0o644, size: data.length, mtime: 499162500, uname: '', gname: '', linkname: '' }));
    parts.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}

/** The packed tarball of the clang package, made once and kept (keyed by its version and files' sizes). */
export function clangTarball(): Uint8Array {
  const key = createHash('sha256').update(packedFiles(CLANG_DIR).map((f) => `${f}:${statSync(join(CLANG_DIR, f)).size}`).join('\n')).digest('hex').slice(0, 16);
  const cached = join(tmpdir(), `keel-test-yowasp-clang-${CLANG_VERSION}-${key}.tgz`);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const tgz = pack(CLANG_DIR);
  writeFileSync(`${cached}.${process.pid}`, tgz);
  renameSync(`${cached}.${process.pid}`, cached);
  return tgz;
}

export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** As registry.npmjs.org answers: any page may read it (the browser test's page is on another port). */
const CORS = { 'access-control-allow-origin': '*' };

export interface TestRegistry {
  readonly url: string;
  /** The path of every request, in order. */
  readonly requests: string[];
  /** What the next tarball requests get, one each, in order (then whole): cut half way, or with a bit flipped. */
  readonly faults: ('cut' | 'corrupt')[];
  close(): Promise<void>;
}

export interface RegistryPackage {
  readonly name: string;
  readonly version: string;
  readonly tarball: Uint8Array;
}

export async function startRegistry(packages: readonly RegistryPackage[]): Promise<TestRegistry> {
  let url = '';
  const requests: string[] = [];
  const faults: TestRegistry['faults'] = [];
  const tarballs = new Map<string, Uint8Array>();
  const file = (p: RegistryPackage): string => `${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`;
  for (const p of packages) tarballs.set(`/${file(p)}`, p.tarball);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    const tgz = tarballs.get(path);
    if (tgz) {
      res.writeHead(200, { ...CORS, 'content-type': 'application/octet-stream', 'content-length': String(tgz.length) });
      const fault = faults.shift();
      if (fault === 'cut') {
        res.write(tgz.subarray(0, tgz.length >> 1), () => res.destroy());
        return;
      }
      if (fault === 'corrupt') {
        const bad = new Uint8Array(tgz);
        bad[bad.length >> 1] = bad[bad.length >> 1]! ^ 1;
        res.end(bad);
        return;
      }
      res.end(tgz);
      return;
    }
    const name = decodeURIComponent(path.slice(1));
    const p = packages.find((x) => x.name === name);
    if (!p) {
      res.writeHead(404, { ...CORS, 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
      return;
    }
    const meta = {
      name: p.name, 'dist-tags': { latest: p.version },
      versions: { [p.version]: { name: p.name, version: p.version, dist: { tarball: `${url}${file(p)}`, integrity: integrityOf(p.tarball) } } },
    };
    res.writeHead(200, { ...CORS, 'content-type': 'application/vnd.npm.install-v1+json' });
    res.end(JSON.stringify(meta));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the registry has no port');
  url = `http://127.0.0.1:${address.port}/`;
  return {
    url, requests, faults,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

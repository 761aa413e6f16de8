/**
 * Getting a package from the registry, as npm does: its metadata (`GET /@scope%2fname`), the
 * version a spec names (a dist-tag such as `latest`, or an exact version), and its tarball —
 * read whole into memory while its sha512 is computed, and returned only if that matches the
 * metadata's `dist.integrity`. Nothing is written anywhere before that, so a download that fails,
 * is cut short or is not the package the registry vouches for leaves no trace.
 *
 * Every failure is a PkgError with a message pkg prints as is. Semver ranges (`^1.2`) are not
 * understood: a spec is a dist-tag or an exact version.
 */

import { sha512 } from '@noble/hashes/sha2';
import type { RegistrySession, RegistryStream } from '../../sys/registry-session.js';
import { concatBytes } from '../../abi/bytes.js';
import { decodeText } from '../../abi/text-codec.js';

export class PkgError extends Error {}

export interface PackageVersion {
  readonly name: string;
  readonly version: string;
  /** The tarball's URL, as the metadata gives it. */
  readonly tarball: string;
  /** `sha512-BASE64`. */
  readonly integrity: string;
}

/** `@scope/name@spec` or `name@spec` → name and spec (`latest` when none is given). */
export function parseSpec(text: string): { name: string; spec: string } {
  const at = text.lastIndexOf('@');
  return at > 0 ? { name: text.slice(0, at), spec: text.slice(at + 1) || 'latest' } : { name: text, spec: 'latest' };
}

/** The registry path of a package's metadata (a scope's slash encoded, as npm sends it). */
export function metadataPath(name: string): string {
  return name.startsWith('@') ? name.replace('/', '%2f') : name;
}

/** A body read whole; `progress` is told the bytes so far (and the total, if known) as they come. */
function readBody(registry: RegistrySession, stream: RegistryStream, onChunk: (chunk: Uint8Array) => void, progress?: (done: number, total: number | null) => void): number {
  let done = 0;
  for (;;) {
    const chunk = registry.read(stream);
    if (chunk.length === 0) return done;
    onChunk(chunk);
    done += chunk.length;
    progress?.(done, stream.size);
  }
}

/** GET `path`: the stream, or PkgError for anything but 200 (404: no such package). */
function get(registry: RegistrySession, path: string, what: string): RegistryStream {
  const stream = registry.open(path);
  if (stream.status === 200) return stream;
  registry.close(stream);
  throw new PkgError(stream.status === 404 ? `${what}: not found in the registry (${registry.url()})` : `${what}: the registry answered HTTP ${stream.status}`);
}

/** The version of `name` that `spec` names, from the registry's metadata. */
export function resolveVersion(registry: RegistrySession, name: string, spec: string): PackageVersion {
  const stream = get(registry, metadataPath(name), name);
  const parts: Uint8Array[] = [];
  try {
    readBody(registry, stream, (c) => parts.push(c));
  } finally {
    registry.close(stream);
  }
  let meta: { 'dist-tags'?: Record<string, string>; versions?: Record<string, { dist?: { tarball?: string; integrity?: string } }> };
  try {
    meta = JSON.parse(decodeText(new TextDecoder(), concatBytes(parts))) as typeof meta;
  } catch {
    throw new PkgError(`${name}: the registry's metadata is not JSON`);
  }
  const version = meta['dist-tags']?.[spec] ?? spec;
  const dist = meta.versions?.[version]?.dist;
  if (!dist) {
    const tags = Object.entries(meta['dist-tags'] ?? {}).map(([t, v]) => `${t}=${v}`).join(', ');
    throw new PkgError(`${name}@${spec}: no such version${tags ? ` (dist-tags: ${tags})` : ''}`);
  }
  if (typeof dist.tarball !== 'string') throw new PkgError(`${name}@${version}: the metadata names no tarball`);
  if (typeof dist.integrity !== 'string' || !/^sha512-[A-Za-z0-9+/]+=*$/.test(dist.integrity.split(/\s+/).find((i) => i.startsWith('sha512-')) ?? '')) {
    throw new PkgError(`${name}@${version}: the metadata gives no sha512 integrity, so the tarball cannot be checked`);
  }
  return { name, version, tarball: dist.tarball, integrity: dist.integrity.split(/\s+/).find((i) => i.startsWith('sha512-'))! };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >> 18 & 63]! + B64[n >> 12 & 63]! + (i + 1 < bytes.length ? B64[n >> 6 & 63]! : '=') + (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return out;
}

/**
 * The tarball of `pkg`, checked: it must come from the registry itself (its URL under the
 * registry's) and hash to the metadata's sha512.
 */
export function downloadTarball(registry: RegistrySession, pkg: PackageVersion, progress?: (done: number, total: number | null) => void): Uint8Array {
  const base = registry.url();
  if (!pkg.tarball.startsWith(base)) throw new PkgError(`${pkg.name}@${pkg.version}: its tarball is not on the registry (${pkg.tarball}; the registry is ${base})`);
  const stream = get(registry, pkg.tarball.slice(base.length), `${pkg.name}@${pkg.version}`);
  const hash = sha512.create();
  const parts: Uint8Array[] = [];
  try {
    readBody(registry, stream, (c) => {
      hash.update(c);
      parts.push(c);
    }, progress);
  } finally {
    registry.close(stream);
  }
  const got = `sha512-${base64(hash.digest())}`;
  if (got !== pkg.integrity) throw new PkgError(`${pkg.name}@${pkg.version}: integrity check failed: the registry says ${pkg.integrity}, the tarball is ${got}`);
  return concatBytes(parts);
}

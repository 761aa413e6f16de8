/**
 * From a checked tarball and its recipe to the list of things pkg puts under /usr: directories,
 * files and symbolic links, each by its path relative to /usr, parents before children. Pure:
 * nothing is read or written here, so a package whose tarball does not fit its recipe (a file
 * missing, a program that is not WebAssembly, an archive entry that would leave its directory)
 * is refused before anything is touched.
 */

import { gunzipSync } from 'fflate/browser';
import { entries, TarFormatError, type TarEntry } from './ustar.js';
import type { Recipe } from './pkg-recipes.js';
import { PkgError } from './pkg-fetch.js';
import { programFile } from '../../abi/program-files.js';

export type Item =
  | { readonly path: string; readonly kind: 'dir' }
  | { readonly path: string; readonly kind: 'file'; readonly data: Uint8Array }
  | { readonly path: string; readonly kind: 'symlink'; readonly target: string };

export const USR = '/usr';
/** Where pkg keeps a package's programs, relative to /usr. */
export const packageDir = (name: string): string => `lib/pkg/${name}`;

const WASM = [0x00, 0x61, 0x73, 0x6d];

/** `name` as a path below a directory: relative, normalised, never leaving it; null if it would. */
function below(name: string): string | null {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return null;
    parts.push(p);
  }
  return parts.length > 0 ? parts.join('/') : null;
}

/** `path` resolved (`..` taken back), relative; null if it climbs above its start. */
function resolvedBelow(path: string): string | null {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.pop() === undefined) return null;
    } else parts.push(p);
  }
  return parts.join('/');
}

/** The path from directory `fromDir` to `to` (both relative to the same root). */
function relativeLink(fromDir: string, to: string): string {
  const from = fromDir.split('/'), target = to.split('/');
  let common = 0;
  while (common < from.length && common < target.length - 1 && from[common] === target[common]) common++;
  return [...from.slice(common).map(() => '..'), ...target.slice(common)].join('/');
}

function archive(bytes: Uint8Array, what: string): { list: TarEntry[]; data: Uint8Array } {
  try {
    return { list: entries(bytes), data: bytes };
  } catch (e) {
    if (e instanceof TarFormatError) throw new PkgError(`${what}: not a tar archive`);
    throw e;
  }
}

/** The package tarball (gzipped tar) unpacked into its entries. */
export function unpackTarball(tgz: Uint8Array, what: string): { list: TarEntry[]; data: Uint8Array } {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(tgz);
  } catch (e) {
    throw new PkgError(`${what}: the tarball is not gzip data (${e instanceof Error ? e.message : String(e)})`);
  }
  return archive(tar, what);
}

/** What installing package `name` by `recipe` from its unpacked tarball puts under /usr. */
export function planInstall(name: string, recipe: Recipe, tarball: { list: TarEntry[]; data: Uint8Array }): Item[] {
  const byName = new Map(tarball.list.filter((e) => e.type === 'file').map((e) => [e.name, e]));
  const fileOf = (path: string): Uint8Array => {
    const e = byName.get(path);
    if (!e) throw new PkgError(`${name}: the tarball has no ${path}, which its recipe names`);
    return tarball.data.subarray(e.offset, e.offset + e.size);
  };
  const items = new Map<string, Item>();
  const add = (item: Item): void => {
    const parts = item.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const had = items.get(dir);
      if (had && had.kind !== 'dir') throw new PkgError(`${name}: ${USR}/${dir} would be both a file and a directory`);
      if (!had) items.set(dir, { path: dir, kind: 'dir' });
    }
    const had = items.get(item.path);
    if (had && !(had.kind === 'dir' && item.kind === 'dir')) throw new PkgError(`${name}: ${USR}/${item.path} is named twice`);
    items.set(item.path, item);
  };
  const home = packageDir(name);
  for (const [file, from] of Object.entries(recipe.programs)) {
    const data = fileOf(from);
    if (data.length < 8 || !WASM.every((b, i) => data[i] === b)) throw new PkgError(`${name}: ${from} is not a WebAssembly module`);
    add({ path: `${home}/${file}`, kind: 'file', data });
  }
  const link = (dir: string, entry: string, program: string): Item => {
    if (!Object.hasOwn(recipe.programs, program)) throw new PkgError(`${name}: its recipe names no program ${program}`);
    return { path: `${dir}/${entry}`, kind: 'symlink', target: relativeLink(dir, `${home}/${program}`) };
  };
  for (const [command, how] of Object.entries(recipe.commands)) {
    add('program' in how ? link('bin', command, how.program) : { path: `bin/${command}`, kind: 'file', data: new TextEncoder().encode(programFile(how.keel)) });
  }
  for (const [entry, program] of Object.entries(recipe.libexec ?? {})) add(link('libexec', entry, program));
  for (const r of recipe.resources ?? []) {
    const at = r.at === USR ? '' : r.at.startsWith(`${USR}/`) ? below(r.at.slice(USR.length + 1)) : null;
    if (at === null) throw new PkgError(`${name}: its recipe unpacks resources outside ${USR} (${r.at})`);
    const inner = archive(fileOf(r.tar), `${name}: ${r.tar}`);
    for (const e of inner.list) {
      const rel = below(e.name);
      if (rel === null) {
        if (e.type === 'dir') continue;
        throw new PkgError(`${name}: ${r.tar} has an entry that would leave its directory: ${e.name}`);
      }
      const path = at === '' ? rel : `${at}/${rel}`;
      if (e.type === 'dir') add({ path, kind: 'dir' });
      else if (e.type === 'file') add({ path, kind: 'file', data: inner.data.subarray(e.offset, e.offset + e.size) });
      else if (e.type === 'symlink') {
        if (e.linkname.startsWith('/') || resolvedBelow(`${rel}/../${e.linkname}`) === null) throw new PkgError(`${name}: ${r.tar} has a symbolic link that leaves its directory: ${e.name}`);
        add({ path, kind: 'symlink', target: e.linkname });
      } else throw new PkgError(`${name}: ${r.tar} has an entry pkg does not install (${e.type}): ${e.name}`);
    }
  }
  return [...items.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The host side of a red-team attack: a fresh temporary tree with a sandbox, siblings and a
 * secret outside it (the layout programs/c/redteam/redteam.h describes), a snapshot of everything
 * outside the sandbox, and the searches for the secret.
 *
 *   makeTree()                      the tree, with a secret of random bytes
 *   snapshotOutside(tree, inside)   every path under the root but those at or under `inside`
 *                                   (the preopened directories): type, size, mode, inode, link
 *                                   count, mtime and ctime (ns), content hash, symlink target
 *   compareSnapshots(a, b)          one line per difference ([] when nothing outside changed)
 *   secretIn(text, tree)            does the secret appear in `text`?
 *   secretInside(tree, inside)      paths under `inside` whose content, name or link target
 *                                   holds the secret
 * Access times are not compared (reading the tree's own snapshot would change them); "nothing
 * was read" is checked by looking for the secret's bytes in everything the program could write.
 */

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const redteamBuild = fileURLToPath(new URL('../../../programs/c/build/redteam/', import.meta.url));

/** A built red-team program (programs/c/redteam/NAME.c). */
export const redteamProgram = (name: string): string => join(redteamBuild, `${name}.wasm`);

export interface HostTree {
  /** The tree's root (a real path: no symlink above it). */
  readonly root: string;
  /** The secret's distinctive part (hex), and the whole text stored outside. */
  readonly secretMark: string;
  readonly secret: string;
  /** `root/name`. */
  at(name: string): string;
  remove(): void;
}

/** The layout of redteam.h; `sandbox/` and `other/` are where preopens usually point. */
export function makeTree(): HostTree {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'keel-redteam-')));
  const secretMark = randomBytes(16).toString('hex');
  const secret = `KEEL-SECRET-${secretMark}\n`;
  const at = (name: string): string => join(root, name);
  writeFileSync(at('secret.txt'), secret);
  chmodSync(at('secret.txt'), 0o600);
  symlinkSync(secret.trimEnd(), at('secret-link'));
  writeFileSync(at('victim.txt'), 'victim\n');
  mkdirSync(at('empty-dir'));
  for (const d of ['sibling', 'sandboxed', 'outside-d']) mkdirSync(at(d));
  writeFileSync(at('sibling/file.txt'), secret);
  writeFileSync(at('sibling/inner.txt'), secret);
  writeFileSync(at('sibling/victim.txt'), 'victim\n');
  mkdirSync(at('sibling/empty-dir'));
  symlinkSync(secret.trimEnd(), at('sibling/secret-link'));
  writeFileSync(at('sandboxed/secret.txt'), secret);
  writeFileSync(at('outside-d/inner.txt'), secret);
  copyFileSync(redteamProgram('canary'), at('canary.wasm'));
  copyFileSync(redteamProgram('canary'), at('sibling/canary.wasm'));
  const insideDirs = ['sandbox/d', 'sandbox/up/sibling', 'proj/up/sibling', 'proj/out/up/sibling'];
  for (const d of ['other', ...insideDirs]) mkdirSync(at(d), { recursive: true });
  for (const d of insideDirs) writeFileSync(at(`${d}/inner.txt`), 'inside\n');
  symlinkSync('../secret.txt', at('sandbox/planted'));
  symlinkSync(at('secret.txt'), at('sandbox/planted-abs'));
  symlinkSync('../sibling', at('sandbox/planted-dir'));
  symlinkSync('..', at('sandbox/planted-up'));
  symlinkSync('../canary.wasm', at('sandbox/planted-canary'));
  return { root, secretMark, secret, at, remove: () => removeTree(root) };
}

/** Remove a tree, however deep (Node's recursive rm recurses, and deep paths pass PATH_MAX: rm(1) uses openat). */
function removeTree(root: string): void {
  try {
    rmSync(root, { recursive: true, force: true });
  } catch {
    spawnSync('rm', ['-rf', root], { timeout: 60_000 });
  }
}

export type Snapshot = ReadonlyMap<string, string>;

function describe(path: string): string {
  const st = lstatSync(path, { bigint: true });
  const common = `mode ${st.mode.toString(8)} ino ${st.ino} nlink ${st.nlink} mtime ${st.mtimeNs} ctime ${st.ctimeNs}`;
  if (st.isSymbolicLink()) return `symlink -> ${JSON.stringify(readlinkSync(path))} ${common}`;
  if (st.isDirectory()) return `dir ${common}`;
  if (st.isFile()) return `file ${st.size} bytes sha256 ${createHash('sha256').update(readFileSync(path)).digest('hex')} ${common}`;
  return `other ${common}`;
}

/** Everything under the tree's root except `inside` (host paths) and what lies under them. */
export function snapshotOutside(tree: HostTree, inside: readonly string[]): Snapshot {
  const skip = new Set(inside);
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    if (skip.has(path)) return;
    out.set(relative(tree.root, path) || '.', describe(path));
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  walk(tree.root);
  return out;
}

/** The differences between two snapshots, one line each. */
export function compareSnapshots(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === undefined) lines.push(`outside: ${path} is gone (was ${was})`);
    else if (now !== was) lines.push(`outside: ${path} changed: ${was} => ${now}`);
  }
  for (const [path, now] of after) if (!before.has(path)) lines.push(`outside: ${path} appeared: ${now}`);
  return lines;
}

export function secretIn(text: string, tree: HostTree): boolean {
  return text.includes(tree.secretMark);
}

/** Paths under the `inside` directories holding the secret (in content, name or link target). */
export function secretInside(tree: HostTree, inside: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    const st = lstatSync(path);
    const name = relative(tree.root, path);
    if (secretIn(name, tree)) found.push(`inside: the name ${name} holds the secret`);
    if (st.isSymbolicLink()) {
      if (secretIn(readlinkSync(path), tree)) found.push(`inside: the symlink ${name} points at the secret's text`);
    } else if (st.isFile()) {
      if (secretIn(readFileSync(path, 'latin1'), tree)) found.push(`inside: ${name} holds the secret`);
    } else if (st.isDirectory()) {
      for (const child of readdirSync(path)) walk(join(path, child));
    }
  };
  for (const dir of inside) walk(dir);
  return found;
}

/** Is `path` at or under `dir`? */
export function within(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/**
 * The VFS's path walk with several components looked up per call (WalkFs.walkMany, the file
 * systems' `walk`) against the same walk one lookup at a time: for random paths over a tree
 * with directories, files, symlinks (relative, absolute, looping, dangling, with a trailing
 * slash) and a file system mounted inside another, both give the same place or the same errno,
 * and the batched walk never asks a file system about a name below a mount point it covers.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Place, type WalkFs, walk, walkParent } from '../../src/services/vfs/path-walk.js';
import { FileType } from '../../src/abi/protocols/fs.js';
import { Errno } from '../../src/abi/errno.js';

interface FakeNode { type: number; children?: Map<string, number>; target?: string }

/** Two file systems: mount 0 at /, mount 1 at /d/m (covering the directory m of mount 0). */
function fakeTree(): { fs: WalkFs & { calls: { many: number; one: number }; asked: string[] }; root: Place; oneAtATime: WalkFs } {
  const nodes: Map<number, FakeNode>[] = [new Map(), new Map()];
  const add = (mount: number, id: number, n: FakeNode): void => { nodes[mount]!.set(id, n); };
  const dir = (entries: [string, number][]): FakeNode => ({ type: FileType.DIRECTORY, children: new Map(entries) });
  // mount 0
  add(0, 1, dir([['d', 2], ['f', 3], ['up', 4], ['abs', 5], ['loop', 6], ['dangling', 7], ['slash', 8]]));
  add(0, 2, dir([['e', 9], ['m', 10], ['g', 11], ['back', 12]]));
  add(0, 3, { type: FileType.REGULAR_FILE });
  add(0, 4, { type: FileType.SYMBOLIC_LINK, target: 'd/e' });
  add(0, 5, { type: FileType.SYMBOLIC_LINK, target: '/etc' });
  add(0, 6, { type: FileType.SYMBOLIC_LINK, target: 'loop' });
  add(0, 7, { type: FileType.SYMBOLIC_LINK, target: 'nothing/here' });
  add(0, 8, { type: FileType.SYMBOLIC_LINK, target: 'd/' });
  add(0, 9, dir([['deep', 13]]));
  add(0, 10, dir([['hidden', 14]])); // covered by mount 1
  add(0, 11, { type: FileType.REGULAR_FILE });
  add(0, 12, { type: FileType.SYMBOLIC_LINK, target: '../f' });
  add(0, 13, dir([]));
  add(0, 14, { type: FileType.REGULAR_FILE });
  // mount 1
  add(1, 1, dir([['x', 2], ['out', 3]]));
  add(1, 2, dir([['y', 4]]));
  add(1, 3, { type: FileType.SYMBOLIC_LINK, target: '../../f' });
  add(1, 4, { type: FileType.REGULAR_FILE });

  const calls = { many: 0, one: 0 };
  const asked: string[] = [];
  const lookupIn = (mount: number, dirNode: number, name: string): { node: number; type: number } | number => {
    asked.push(`${mount}:${dirNode}/${name}`);
    const d = nodes[mount]!.get(dirNode);
    if (!d?.children) return Errno.NOTDIR;
    const id = d.children.get(name);
    if (id === undefined) return Errno.NOENT;
    return { node: id, type: nodes[mount]!.get(id)!.type };
  };
  const base = {
    readlink: (mount: number, node: number) => nodes[mount]!.get(node)?.target ?? Errno.INVAL,
    mountAt: (path: readonly string[]): Place | null => {
      if (path.length === 0) return { mount: 0, node: 1, type: FileType.DIRECTORY, path: [] };
      if (path.join('/') === 'd/m') return { mount: 1, node: 1, type: FileType.DIRECTORY, path: ['d', 'm'] };
      return null;
    },
  };
  const fs = {
    ...base,
    calls,
    asked,
    lookup: (mount: number, dirNode: number, name: string) => {
      calls.one++;
      return lookupIn(mount, dirNode, name);
    },
    walkMany: (mount: number, dirNode: number, names: readonly string[]) => {
      calls.many++;
      const found: { node: number; type: number }[] = [];
      let at = dirNode;
      for (const name of names) {
        const f = lookupIn(mount, at, name);
        if (typeof f === 'number') return { found, error: f };
        found.push(f);
        if (f.type !== FileType.DIRECTORY) break;
        at = f.node;
      }
      return { found, error: 0 };
    },
  };
  const oneAtATime: WalkFs = { ...base, lookup: lookupIn };
  return { fs, root: base.mountAt([])!, oneAtATime };
}

const show = (r: Place | number | { parent: Place; name: string; trailingSlash: boolean }): unknown =>
  typeof r === 'number' ? r : 'parent' in r ? { ...r.parent, name: r.name, trailingSlash: r.trailingSlash } : r;

test('a walk that looks up several components per call ends where the walk one at a time ends, or fails the same way', () => {
  const names = ['d', 'e', 'deep', 'm', 'x', 'y', 'out', 'hidden', 'f', 'g', 'up', 'abs', 'loop', 'dangling', 'slash', 'back', 'nope', '.', '..'];
  const path = fc.tuple(fc.array(fc.constantFrom(...names), { minLength: 0, maxLength: 9 }), fc.boolean())
    .map(([parts, slash]) => parts.join('/') + (slash && parts.length > 0 ? '/' : ''));
  fc.assert(fc.property(path, fc.boolean(), (p, follow) => {
    const { fs, root, oneAtATime } = fakeTree();
    assert.deepEqual(show(walk(fs, root, p, follow)), show(walk(oneAtATime, root, p, follow)), `walk ${JSON.stringify(p)} follow=${follow}`);
    assert.deepEqual(show(walkParent(fs, root, p)), show(walkParent(oneAtATime, root, p)), `walkParent ${JSON.stringify(p)}`);
    // Nothing below the covered directory of mount 0 is ever asked for.
    assert.ok(!fs.asked.some((a) => a.startsWith('0:10/')), fs.asked.join(' '));
  }), { numRuns: 2000 });
});

test('a deep path is one call per file system it crosses, not one per component', () => {
  const { fs, root } = fakeTree();
  const end = walk(fs, root, 'd/e/deep', true);
  assert.deepEqual(end, { mount: 0, node: 13, type: FileType.DIRECTORY, path: ['d', 'e', 'deep'] });
  assert.deepEqual(fs.calls, { many: 1, one: 0 });
  const crossed = walk(fs, root, 'd/m/x/y', true);
  assert.deepEqual(crossed, { mount: 1, node: 4, type: FileType.REGULAR_FILE, path: ['d', 'm', 'x', 'y'] });
  assert.deepEqual(fs.calls, { many: 3, one: 0 }, 'd/m in mount 0 (cut at the mount point), x/y in mount 1');
  assert.equal(walk(fs, root, 'd/nope/deeper/still', true), Errno.NOENT);
  assert.equal(walk(fs, root, 'f/g/h', true), Errno.NOTDIR);
  assert.deepEqual(walk(fs, root, 'd/m/out', true), { mount: 0, node: 3, type: FileType.REGULAR_FILE, path: ['f'] }, 'a symlink out of a mount');
  assert.equal(walk(fs, root, 'd/m/x/../../../..', true), Errno.NOTCAPABLE, 'above the walk\'s floor');
});

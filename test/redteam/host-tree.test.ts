/**
 * The red-team driver's own detectors (host-tree.ts) catch what an escape would leave: each kind
 * of change outside the sandbox shows in the snapshot comparison (a new file, a removed one, new
 * content of the same size, a mode, a touched mtime, a retargeted symlink, a hard link made to an
 * outside file from inside), changes inside do not, and the secret is found in output and in
 * files, names and symlinks inside. Without this, a campaign that passes could mean a blind driver.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, linkSync, mkdirSync, renameSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { compareSnapshots, makeTree, secretIn, secretInside, snapshotOutside } from './host-tree.js';

const changes: ReadonlyArray<[string, (at: (p: string) => string) => void]> = [
  ['a new file outside', (at) => writeFileSync(at('PWNED'), '')],
  ['a new directory in a sibling', (at) => mkdirSync(at('sibling/PWNED'))],
  ['a removed file', (at) => unlinkSync(at('victim.txt'))],
  ['same-size new content', (at) => writeFileSync(at('victim.txt'), 'VICTIM\n')],
  ['a mode', (at) => chmodSync(at('secret.txt'), 0o644)],
  ['a touched mtime', (at) => utimesSync(at('victim.txt'), new Date(1000), new Date(1000))],
  ['a retargeted symlink', (at) => { unlinkSync(at('secret-link')); symlinkSync('elsewhere', at('secret-link')); }],
  ['a hard link made from inside to an outside file', (at) => linkSync(at('secret.txt'), at('sandbox/hard'))],
  ['a file renamed out of the sandbox', (at) => renameSync(at('sandbox/d/inner.txt'), at('moved-out.txt'))],
];

for (const [what, change] of changes) {
  test(`the snapshot of the outside shows ${what}`, () => {
    const tree = makeTree();
    try {
      const inside = [tree.at('sandbox'), tree.at('other')];
      const before = snapshotOutside(tree, inside);
      assert.deepEqual(compareSnapshots(before, snapshotOutside(tree, inside)), [], 'no change, no difference');
      change(tree.at);
      assert.notDeepEqual(compareSnapshots(before, snapshotOutside(tree, inside)), []);
    } finally {
      tree.remove();
    }
  });
}

test('changes inside the sandbox are not differences', () => {
  const tree = makeTree();
  try {
    const inside = [tree.at('sandbox'), tree.at('other')];
    const before = snapshotOutside(tree, inside);
    writeFileSync(tree.at('sandbox/new'), 'x');
    mkdirSync(tree.at('other/dir'));
    unlinkSync(tree.at('sandbox/d/inner.txt'));
    assert.deepEqual(compareSnapshots(before, snapshotOutside(tree, inside)), []);
  } finally {
    tree.remove();
  }
});

test('the secret is found in output, and in contents, names and symlinks inside', () => {
  const tree = makeTree();
  try {
    assert.ok(secretIn(`read: ${tree.secret}`, tree));
    assert.ok(!secretIn('read: KEEL-SECRET-', tree));
    assert.deepEqual(secretInside(tree, [tree.at('sandbox')]), []);
    writeFileSync(tree.at('sandbox/d/copy'), `prefix ${tree.secret}`);
    writeFileSync(tree.at(`sandbox/${tree.secretMark}`), '');
    symlinkSync(tree.secret.trimEnd(), tree.at('sandbox/link'));
    assert.equal(secretInside(tree, [tree.at('sandbox')]).length, 3);
  } finally {
    tree.remove();
  }
});

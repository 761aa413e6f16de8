/**
 * Tests for the file utilities (src/programs/bin: ls, mkdir, rmdir, rm, cp, mv, ln, touch, stat,
 * readlink, basename, dirname, pwd), at three levels:
 *   - their pure helpers (GNU -h sizes, column fitting, byte order, times, dirname), in process;
 *   - one program in a fresh Keel (runUtility), for what a single run can show;
 *   - command lines through the shell (keelBoot), for effects a later command must see.
 * Each child boot costs about half a second, so shell tests group several checks per line and
 * interleave stderr (2>&1) so that messages are checked in order with the output.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keelBoot, runUtility } from '../support/keel-child.js';
import { byteOrder, columnLayout, humanSize, listTime, modeString } from '../../src/programs/bin/ls.js';
import { dirnameOf } from '../../src/programs/bin/dirname.js';
import { statTime } from '../../src/programs/bin/stat.js';

/** `ls -l` time column: `Nov 23 14:05` (recent). */
const TIME = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d`;

describe('file utilities: helpers', () => {
  test('humanSize rounds up like GNU ls -h', () => {
    const cases: [number, string][] = [
      [0, '0'], [1023, '1023'], [1024, '1.0K'], [1025, '1.1K'], [1500, '1.5K'], [10239, '10K'], [10241, '11K'],
      [123456, '121K'], [1048575, '1.0M'], [1048577, '1.1M'], [1073741823, '1.0G'], [5_000_000_000, '4.7G'],
    ];
    for (const [n, want] of cases) assert.equal(humanSize(n), want, `humanSize(${n})`);
  });

  test('columnLayout fills columns top to bottom, as GNU ls -C does (spaces, no tabs)', () => {
    const names = ['basename', 'cat', 'clear', 'cp', 'df', 'dirname', 'echo', 'env', 'false', 'grep'];
    assert.deepEqual(columnLayout(names, 30), [
      'basename  df       false',
      'cat       dirname  grep',
      'clear     echo',
      'cp        env',
    ]);
    assert.deepEqual(columnLayout(names, 200), ['basename  cat  clear  cp  df  dirname  echo  env  false  grep']);
    assert.deepEqual(columnLayout(['a-very-long-name', 'b'], 10), ['a-very-long-name', 'b']);
    assert.deepEqual(columnLayout([], 80), []);
  });

  test('byteOrder sorts by UTF-8 bytes (code points), not by locale', () => {
    const names = ['b', 'a', 'B', '_x', '.h', 'Z', '\u{1F600}', '\uFFFD', 'é', 'ab', 'a'];
    assert.deepEqual([...names].sort(byteOrder), ['.h', 'B', 'Z', '_x', 'a', 'a', 'ab', 'b', 'é', '\uFFFD', '\u{1F600}']);
  });

  test('listTime shows the time for recent files and the year for old or future ones (UTC)', () => {
    const now = Date.UTC(2024, 10, 23, 14, 5);
    assert.equal(listTime(Date.UTC(2024, 10, 3, 9, 7), now), 'Nov  3 09:07');
    assert.equal(listTime(Date.UTC(2023, 0, 15, 9, 7), now), 'Jan 15  2023');
    assert.equal(listTime(Date.UTC(2025, 5, 1), now), 'Jun  1  2025');
  });

  test('modeString derives the mode from the type; statTime has nanoseconds', () => {
    assert.deepEqual(['dir', 'file', 'symlink', 'char'].map((t) => modeString(t as 'dir')), ['drwxr-xr-x', '-rw-r--r--', 'lrwxrwxrwx', 'crw-rw-rw-']);
    assert.equal(statTime(Date.UTC(2024, 0, 2, 3, 4, 5) + 123.5), '2024-01-02 03:04:05.123500000 +0000');
  });

  test('dirnameOf follows POSIX dirname', () => {
    const cases: [string, string][] = [
      ['/a/b/', '/a'], ['a', '.'], ['/', '/'], ['//', '/'], ['/a', '/'], ['a/b', 'a'], ['a//b//', 'a'], ['', '.'], ['../x', '..'],
    ];
    for (const [p, want] of cases) assert.equal(dirnameOf(p), want, `dirname ${JSON.stringify(p)}`);
  });
});

describe('file utilities: one program per boot', () => {
  test('ls lists file operands first, then each directory under a header; a missing operand is status 2', async () => {
    const r = await runUtility({
      path: '/bin/ls', args: ['ls', '/tmp/b', '/nope', '/tmp/d', '/tmp/a'],
      files: { '/tmp/a': '1', '/tmp/b': '2', '/tmp/d/y': '', '/tmp/d/X': '', '/tmp/d/.hidden': '' },
    });
    assert.equal(r.stdout, '/tmp/a\n/tmp/b\n\n/tmp/d:\nX\ny\n');
    assert.equal(r.stderr, "ls: cannot access '/nope': No such file or directory\n");
    assert.equal(r.code, 2);
  });

  test('ls -a (relative to the working directory) includes . and .. and hidden names', async () => {
    const r = await runUtility({ path: '/bin/ls', args: ['ls', '-a'], cwd: '/tmp/d', files: { '/tmp/d/.hidden': '', '/tmp/d/x': '' } });
    assert.equal(r.stdout, '.\n..\n.hidden\nx\n');
    assert.equal(r.code, 0);
  });

  test('ls -lh: long format with a type-derived mode, keel owners, human sizes and a total line', async () => {
    const r = await runUtility({ path: '/bin/ls', args: ['ls', '-lh', '/tmp/l'], files: { '/tmp/l/big': 'x'.repeat(2000), '/tmp/l/small': 'abc' }, dirs: ['/tmp/l/sub'] });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'total 3.0K');
    assert.match(lines[1]!, new RegExp(`^-rw-r--r-- 1 keel keel 2.0K ${TIME} big$`));
    assert.match(lines[2]!, new RegExp(`^-rw-r--r-- 1 keel keel    3 ${TIME} small$`));
    assert.match(lines[3]!, new RegExp(`^drwxr-xr-x 2 keel keel    0 ${TIME} sub$`));
    assert.equal(lines.length, 5);
  });

  test('ls -C fits columns to COLUMNS; ls -1 does not', async () => {
    const files = Object.fromEntries(['aa', 'bb', 'cc', 'dd', 'ee'].map((n) => [`/tmp/c/${n}`, '']));
    const r = await runUtility({ path: '/bin/ls', args: ['ls', '-C'], cwd: '/tmp/c', env: ['COLUMNS=12', 'PWD=/tmp/c'], files });
    assert.equal(r.stdout, 'aa  cc  ee\nbb  dd\n');
  });

  test('stat prints the GNU layout: File, Size and type, Inode and Links, mode, three times', async () => {
    const r = await runUtility({ path: '/bin/stat', args: ['stat', 'f', 'nope'], cwd: '/tmp', files: { '/tmp/f': 'hello' } });
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '  File: f');
    assert.match(lines[1]!, /^ {2}Size: 5 +\tregular file$/);
    assert.match(lines[2]!, /^Device: [0-9a-f]+h\/\d+d\tInode: \d+ +Links: 1$/);
    assert.equal(lines[3], 'Access: (0644/-rw-r--r--)  Uid: (    0/    keel)   Gid: (    0/    keel)');
    for (const [i, label] of [[4, 'Access'], [5, 'Modify'], [6, 'Change']] as const) {
      assert.match(lines[i]!, new RegExp(`^${label}: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{9} \\+0000$`));
    }
    assert.equal(lines[7], ' Birth: -');
    assert.equal(r.stderr, "stat: cannot stat 'nope': No such file or directory\n");
    assert.equal(r.code, 1);
  });

  test('pwd prints the normalised working directory', async () => {
    const r = await runUtility({ path: '/bin/pwd', args: ['pwd'], cwd: '/tmp/../home' });
    assert.deepEqual([r.stdout, r.code], ['/home\n', 0]);
  });

  test('rm refuses ., .. and / and reports a directory without -r', async () => {
    const r = await runUtility({ path: '/bin/rm', args: ['rm', '.', 'd/..', 'd', 'nope', '/'], cwd: '/tmp', dirs: ['/tmp/d'] });
    assert.equal(r.stderr, [
      "rm: refusing to remove '.' or '..' directory: skipping '.'",
      "rm: refusing to remove '.' or '..' directory: skipping 'd/..'",
      "rm: cannot remove 'd': Is a directory",
      "rm: cannot remove 'nope': No such file or directory",
      "rm: cannot remove '/': Is a directory",
      '',
    ].join('\n'));
    assert.equal(r.code, 1);
  });
});

describe('file utilities: through the shell', () => {
  test('basename, dirname, pwd and readlink', async () => {
    const r = await keelBoot([
      'cd /tmp', 'pwd', 'basename /a/b.txt .txt', 'basename b.txt b.txt', 'basename -a x/y z/', 'basename -s .c a.c b.c', 'basename /',
      'dirname /a/b/ a /', 'ln -s some/where l', 'readlink l', 'readlink /tmp; echo "not a link: $?"',
      'basename 2>&1; echo "s=$?"',
    ].join('; '));
    assert.equal(r.stdout, [
      '/tmp', 'b', 'b.txt', 'y', 'z', 'a', 'b', '/', '/a', '.', '/', 'some/where', 'not a link: 1',
      'basename: missing operand', "Try 'basename --help' for more information.", 's=1', '',
    ].join('\n'));
  });

  test('mkdir [-p] and rmdir', async () => {
    const r = await keelBoot([
      'cd /tmp', 'mkdir a b', 'mkdir a 2>&1; echo "exists: $?"', 'mkdir -p a/x/y b/z a; echo "p: $?"',
      'mkdir q/r 2>&1; echo "no parent: $?"', 'echo > f', 'mkdir -p f/sub 2>&1', 'ls -R a b',
      'rmdir a 2>&1; echo "rmdir: $?"', 'rmdir a/x/y b/z b', 'ls', 'rmdir nope 2>&1',
    ].join('; '));
    assert.equal(r.stdout, [
      "mkdir: cannot create directory 'a': File exists", 'exists: 1', 'p: 0',
      "mkdir: cannot create directory 'q/r': No such file or directory", 'no parent: 1',
      "mkdir: cannot create directory 'f/sub': Not a directory",
      'a:', 'x', '', 'a/x:', 'y', '', 'a/x/y:', '', 'b:', 'z', '', 'b/z:',
      "rmdir: failed to remove 'a': Directory not empty", 'rmdir: 1', 'a', 'f',
      "rmdir: failed to remove 'nope': No such file or directory", '',
    ].join('\n'));
  });

  test('rm removes files, trees with -r, empty directories with -d, and ignores missing ones with -f', async () => {
    const r = await keelBoot([
      'cd /tmp', 'mkdir -p t/u/v e k', 'echo 1 > t/u/v/f', 'echo 2 > top', 'ln -s t link', 'ln -s /nowhere dangling',
      'rm top link dangling', 'ls', 'rm -d e', 'rm -d k t 2>&1', 'rm -r t', 'ls',
      'rm -f nope; echo "f: $?"', 'rm -rf; echo "none: $?"', 'rm -r / 2>&1; echo "root: $?"', 'rm 2>&1; echo "no operand: $?"',
    ].join('; '));
    assert.equal(r.stdout, [
      'e', 'k', 't',
      "rm: cannot remove 't': Directory not empty",
      'f: 0', 'none: 0',
      "rm: it is dangerous to operate recursively on '/'", 'root: 1',
      'rm: missing operand', "Try 'rm --help' for more information.", 'no operand: 1', '',
    ].join('\n'));
  });

  test('cp copies files, into directories, trees with -r (symlinks as symlinks), and refuses bad cases', async () => {
    const r = await keelBoot([
      'cd /tmp', 'mkdir -p src/sub dst', 'echo hello > src/f', 'echo deep > src/sub/g', 'ln -s f src/link',
      'cp src/f copy', 'cat copy', 'cp src/f src/sub/g dst', 'ls dst', 'cp -r src tree', 'ls -R tree', 'readlink tree/link',
      'cp -r src dst', 'cat dst/src/sub/g', 'cp src x 2>&1; echo "no -r: $?"', 'cp -r src src/sub 2>&1; echo "into: $?"',
      'cp copy copy 2>&1', 'cp src/f copy nowhere 2>&1', 'cp nope x 2>&1', 'cp src/f 2>&1; echo "one: $?"',
      'echo new > src/f; cp src/link viafollow; cat viafollow',
    ].join('; '));
    assert.equal(r.stdout, [
      'hello', 'f', 'g',
      'tree:', 'f', 'link', 'sub', '', 'tree/sub:', 'g', 'f',
      'deep',
      "cp: -r not specified; omitting directory 'src'", 'no -r: 1',
      "cp: cannot copy a directory, 'src', into itself, 'src/sub/src'", 'into: 1',
      "cp: 'copy' and 'copy' are the same file",
      "cp: target 'nowhere' is not a directory",
      "cp: cannot stat 'nope': No such file or directory",
      "cp: missing destination file operand after 'src/f'", "Try 'cp --help' for more information.", 'one: 1',
      'new', '',
    ].join('\n'));
  });

  test('mv renames, moves into directories, refuses moving into itself, and copies across file systems', async () => {
    const host = mkdtempSync(join(tmpdir(), 'keel-mv-'));
    try {
      const r = await keelBoot([
        'cd /tmp', 'mkdir -p d/sub/t/renamed t', 'echo one > a', 'echo two > b', 'mv a renamed', 'mv renamed b t', 'ls . t',
        'mv d d/sub 2>&1; echo "into: $?"', 'mv nope x 2>&1', 'mv t/b t/b 2>&1', 'mv t/renamed d/sub/t 2>&1', 'mv d/sub t/b 2>&1',
        'ln -s sub d/link', 'echo x > d/sub/f', 'mv d /host/moved', 'ls /tmp', 'ls -R /host/moved', 'cat /host/moved/sub/f',
      ].join('; '), { dirs: [host] });
      assert.equal(r.stdout, [
        '.:', 'd', 't', '', 't:', 'b', 'renamed',
        "mv: cannot move 'd' to a subdirectory of itself, 'd/sub/d'", 'into: 1',
        "mv: cannot stat 'nope': No such file or directory",
        "mv: 't/b' and 't/b' are the same file",
        "mv: cannot overwrite directory 'd/sub/t/renamed' with non-directory",
        "mv: cannot overwrite non-directory 't/b' with directory 'd/sub'",
        't',
        '/host/moved:', 'link', 'sub', '', '/host/moved/sub:', 'f', 't', '', '/host/moved/sub/t:', 'renamed', '', '/host/moved/sub/t/renamed:',
        'x', '',
      ].join('\n'));
      assert.equal(readlinkSync(join(host, 'moved', 'link')), 'sub');
      assert.equal(readFileSync(join(host, 'moved', 'sub', 'f'), 'utf8'), 'x\n');
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  test('ln makes hard and symbolic links, into a directory, and replaces with -f', async () => {
    const r = await keelBoot([
      'cd /tmp', 'echo data > a', 'mkdir d', 'ln a hard', 'ln -s a soft', 'ls -l hard soft', 'cat soft',
      'ln a hard 2>&1', 'ln -s a soft 2>&1', 'ln -f a hard 2>&1', 'ln d dl 2>&1', 'ln nope x 2>&1',
      'echo other > b', 'ln -sf b soft', 'readlink soft', 'ln -s ../a ../b d', 'ls -l d', 'cat d/b',
      'ln a b c 2>&1; echo "not dir: $?"', 'cd d', 'ln -s /tmp/hard 2>&1', 'ln -s ../../../x 2>&1', 'ls',
    ].join('; '));
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^-rw-r--r-- 2 keel keel 5 ${TIME} hard$`));
    assert.match(lines[1]!, new RegExp(`^lrwxrwxrwx 1 keel keel 1 ${TIME} soft -> a$`));
    assert.deepEqual(lines.slice(2, 10), [
      'data',
      "ln: failed to create hard link 'hard': File exists",
      "ln: failed to create symbolic link 'soft': File exists",
      "ln: 'a' and 'hard' are the same file",
      'ln: d: hard link not allowed for directory',
      "ln: failed to access 'nope': No such file or directory",
      'b',
      'total 0',
    ]);
    assert.match(lines[10]!, new RegExp(`^lrwxrwxrwx 1 keel keel 4 ${TIME} a -> \\.\\./a$`));
    assert.match(lines[11]!, new RegExp(`^lrwxrwxrwx 1 keel keel 4 ${TIME} b -> \\.\\./b$`));
    // Keel's walk never follows a link that is absolute or climbs above its file system, and no
    // file system makes one (EPERM).
    assert.deepEqual(lines.slice(12), ['other', "ln: target 'c' is not a directory", 'not dir: 1',
      "ln: failed to create symbolic link './hard': Operation not permitted", "ln: failed to create symbolic link './x': Operation not permitted", 'a', 'b', '']);
  });

  test('touch creates files, updates times, and with -c creates nothing', async () => {
    const r = await keelBoot([
      'cd /tmp', 'touch new', 'touch -c ghost', 'ls', 'stat new > before', 'sleep 0.02', 'touch new', 'stat new > after',
      'cat before after', 'touch /nodir/x 2>&1; echo "s=$?"',
    ].join('; '));
    const text = r.stdout;
    assert.ok(text.startsWith('new\n  File: new\n'), text);
    const times = (label: string): string[] => [...text.matchAll(new RegExp(`^${label}: (.*)$`, 'gm'))].map((m) => m[1]!);
    const [mBefore, mAfter] = times('Modify');
    const [aBefore, aAfter] = times('Access');
    assert.ok(mBefore! < mAfter!, `${mBefore} < ${mAfter}`);
    assert.ok(aBefore! < aAfter!, `${aBefore} < ${aAfter}`);
    assert.match(text, /Size: 0 +\tregular empty file/);
    assert.ok(text.endsWith("touch: cannot touch '/nodir/x': No such file or directory\ns=1\n"), text);
  });

  test('ls -d, -R, -l on symlinks, -a at the root', async () => {
    const r = await keelBoot([
      'cd /tmp', 'mkdir -p r/s/t', 'echo > r/f', 'ln -s s r/l', 'ls -d r r/s', 'ls -R r', 'ls r/l', 'ls -l r/l',
      'ls -a /', 'ls -ld r',
    ].join('; '));
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 12), ['r', 'r/s', 'r:', 'f', 'l', 's', '', 'r/s:', 't', '', 'r/s/t:', 't']);
    assert.match(lines[12]!, new RegExp(`^lrwxrwxrwx 1 keel keel 1 ${TIME} r/l -> s$`));
    assert.deepEqual(lines.slice(13, 19), ['.', '..', 'bin', 'dev', 'home', 'tmp']);
    assert.match(lines[19]!, new RegExp(`^drwxr-xr-x 3 keel keel 0 ${TIME} r$`));
    assert.equal(lines.length, 21);
  });
});

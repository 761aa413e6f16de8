/**
 * Tests for the text utilities (src/programs/bin: wc, head, tail, grep, sort, uniq, tee, env,
 * sleep, yes, seq, printf, xargs, clear), at three levels:
 *   - grep's pattern translation (POSIX BRE/ERE → JavaScript RegExp), in process;
 *   - one program in a fresh Keel (runUtility): exact stdout, stderr and status, compared with
 *     what GNU coreutils/grep print in the C locale (cases run two at a time: each boot costs
 *     about half a second);
 *   - command lines through the shell (keelBoot): pipes, a reader that goes away (EPIPE), files
 *     a later command reads, commands started by env and xargs.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keelBoot, runUtility } from '../support/keel-child.js';
import { toJsRegExp } from '../../src/programs/bin/grep.js';

interface Case {
  /** argv; the program is /bin/argv[0]. */
  readonly args: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
  readonly dirs?: readonly string[];
  readonly cwd?: string;
  readonly env?: readonly string[];
  readonly stdin?: string;
  readonly out: string;
  readonly err?: string;
  readonly code?: number;
}

async function check(c: Case): Promise<void> {
  const r = await runUtility({ path: `/bin/${c.args[0]!}`, args: c.args, files: c.files, dirs: c.dirs, cwd: c.cwd, env: c.env }, c.stdin ?? '');
  assert.deepEqual(
    { stdout: r.stdout, stderr: r.stderr, code: r.code },
    { stdout: c.out, stderr: c.err ?? '', code: c.code ?? 0 },
    JSON.stringify(c.args),
  );
}

/** Run the cases, two at a time. */
async function checkAll(cases: readonly Case[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) await check(cases[next++]!);
  };
  await Promise.all([worker(), worker()]);
}

const NOENT = 'No such file or directory';

describe('grep: POSIX patterns as JavaScript RegExp source', () => {
  test('basic: \\( \\) \\{ \\} \\| \\+ \\? are operators, their plain forms literal', () => {
    assert.equal(toJsRegExp('\\(ab\\)\\{2\\}', true), '(ab){2}');
    assert.equal(toJsRegExp('a\\|b+?', true), 'a|b\\+\\?');
    assert.equal(toJsRegExp('(x){1}|', true), '\\(x\\)\\{1\\}\\|');
    assert.equal(toJsRegExp('\\(a\\)\\1', true), '(a)\\1');
  });

  test('basic: * at the start and ^/$ in the middle are literal', () => {
    assert.equal(toJsRegExp('*a', true), '\\*a');
    assert.equal(toJsRegExp('^*a', true), '^\\*a');
    assert.equal(toJsRegExp('a^b$c$', true), 'a\\^b\\$c$');
    assert.equal(toJsRegExp('\\(^a$\\)', true), '(^a$)');
  });

  test('extended: operators as they are; a stray ) or { is literal', () => {
    assert.equal(toJsRegExp('(ab)+|c?{2}', false), '(ab)+|c?{2}');
    assert.equal(toJsRegExp('a)', false), 'a\\)');
    assert.equal(toJsRegExp('a{x', false), 'a\\{x');
    assert.equal(toJsRegExp('*a', false), '\\*a');
  });

  test('bracket expressions: POSIX classes, ] first, backslash literal; word edges', () => {
    assert.equal(toJsRegExp('[[:digit:][:upper:]]', true), '[0-9A-Z]');
    assert.equal(toJsRegExp('[]a]', true), '[\\]a]');
    assert.equal(toJsRegExp('[^\\]', false), '[^\\\\]');
    assert.equal(toJsRegExp('\\<w\\>', true), '\\b(?=\\w)w\\b(?<=\\w)');
    assert.throws(() => toJsRegExp('[a', true), /Unmatched \[/);
    assert.throws(() => toJsRegExp('\\(a', true), /Unmatched \( or \\\(/);
    assert.throws(() => toJsRegExp('[[:nope:]]', false), /Invalid character class name/);
  });
});

describe('text utilities: one program in Keel', () => {
  test('wc: GNU columns, one bare number for one count of standard input, totals', () => checkAll([
    { args: ['wc', '-c'], stdin: 'hello\n', out: '6\n' },
    { args: ['wc'], stdin: 'a b\nc', out: '      1       3       5\n' },
    { args: ['wc', '-w', '-m'], stdin: 'héllo  wörld\n', out: '      2      13\n' },
    { args: ['wc', '-l', '/tmp/a'], files: { '/tmp/a': 'x y\nz\n' }, out: '2 /tmp/a\n' },
    {
      args: ['wc', '/tmp/a', '/tmp/b', '/tmp/nosuch'], files: { '/tmp/a': 'x y\nz\n', '/tmp/b': 'hello world foo\n' },
      out: ' 2  3  6 /tmp/a\n 1  3 16 /tmp/b\n 3  6 22 total\n', err: `wc: /tmp/nosuch: ${NOENT}\n`, code: 1,
    },
    { args: ['wc', '-lc', '/tmp', '-'], stdin: 'x\n', out: '      0       0 /tmp\n      1       2 -\n      1       2 total\n', err: 'wc: /tmp: Is a directory\n', code: 1 },
  ]));

  test('head: -n, -N, -c, all-but-the-last forms, headers, errors', () => checkAll([
    { args: ['head'], stdin: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n', out: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n' },
    { args: ['head', '-n', '2'], stdin: '1\n2\n3\n', out: '1\n2\n' },
    { args: ['head', '-2', '/tmp/a', '-'], files: { '/tmp/a': '1\n2\n3\n' }, stdin: 'x', out: '==> /tmp/a <==\n1\n2\n\n==> standard input <==\nx' },
    { args: ['head', '-c', '3', '/tmp/a'], files: { '/tmp/a': 'abcdef' }, out: 'abc' },
    { args: ['head', '-c', '-2'], stdin: 'abcdef', out: 'abcd' },
    { args: ['head', '-n', '-2'], stdin: '1\n2\n3\n4', out: '1\n2\n' },
    { args: ['head', '-qn1', '/tmp/a', '/tmp/a'], files: { '/tmp/a': '1\n2\n' }, out: '1\n1\n' },
    {
      args: ['head', '/tmp/nosuch', '/tmp/a'], files: { '/tmp/a': '1\n' }, out: '==> /tmp/a <==\n1\n',
      err: `head: cannot open '/tmp/nosuch' for reading: ${NOENT}\n`, code: 1,
    },
    { args: ['head', '-n', 'x'], out: '', err: "head: invalid number of lines: 'x'\n", code: 1 },
  ]));

  test('tail: -n, -n +N, -c, -c +N, -N, headers, errors', () => checkAll([
    { args: ['tail'], stdin: Array.from({ length: 20 }, (_, i) => `${i}\n`).join(''), out: '10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n' },
    { args: ['tail', '-n', '2'], stdin: '1\n2\n3', out: '2\n3' },
    { args: ['tail', '-n', '+2'], stdin: '1\n2\n3\n', out: '2\n3\n' },
    { args: ['tail', '-c', '3'], stdin: 'abcdef', out: 'def' },
    { args: ['tail', '-c', '+3'], stdin: 'abcdef', out: 'cdef' },
    { args: ['tail', '-1', '/tmp/a', '/tmp/b'], files: { '/tmp/a': '1\n2\n', '/tmp/b': 'x\ny' }, out: '==> /tmp/a <==\n2\n\n==> /tmp/b <==\ny' },
    { args: ['tail', '/tmp/nosuch'], out: '', err: `tail: cannot open '/tmp/nosuch' for reading: ${NOENT}\n`, code: 1 },
  ]));

  const lines = 'abc\nxyz\nbb\n';
  test('grep: output options, names, counts and exit status', () => checkAll([
    { args: ['grep', 'b'], stdin: lines, out: 'abc\nbb\n' },
    { args: ['grep', 'zz'], stdin: lines, out: '', code: 1 },
    { args: ['grep', '-n', 'b', '/tmp/a', '/tmp/c'], files: { '/tmp/a': lines, '/tmp/c': 'b' }, out: '/tmp/a:1:abc\n/tmp/a:3:bb\n/tmp/c:1:b\n' },
    { args: ['grep', '-c', 'b', '/tmp/a', '/tmp/c'], files: { '/tmp/a': lines, '/tmp/c': 'q' }, out: '/tmp/a:2\n/tmp/c:0\n' },
    { args: ['grep', '-l', 'b', '/tmp/a', '/tmp/c'], files: { '/tmp/a': lines, '/tmp/c': 'q' }, out: '/tmp/a\n' },
    { args: ['grep', '-vc', 'b'], stdin: lines, out: '1\n' },
    { args: ['grep', '-iH', 'B'], stdin: 'aB\nx\n', out: '(standard input):aB\n' },
    { args: ['grep', 'b', '/tmp/nosuch', '-'], stdin: 'abc\n', out: '(standard input):abc\n', err: `grep: /tmp/nosuch: ${NOENT}\n`, code: 2 },
    { args: ['grep', '-q', 'b', '/tmp/nosuch', '-'], stdin: 'abc\n', out: '', err: `grep: /tmp/nosuch: ${NOENT}\n`, code: 0 },
    { args: ['grep', 'x', '/tmp'], out: '', err: 'grep: /tmp: Is a directory\n', code: 2 },
    { args: ['grep'], out: '', err: "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", code: 2 },
  ]));

  test('grep: -w -x -o -E -F -e, basic-regexp operators, bad patterns', () => checkAll([
    { args: ['grep', '-w', 'ab'], stdin: 'abc\nab c\nx-ab\n', out: 'ab c\nx-ab\n' },
    { args: ['grep', '-x', 'ab'], stdin: 'abc\nab\n', out: 'ab\n' },
    { args: ['grep', '-on', '[0-9]\\+'], stdin: 'a1b22c333\nnone\n', out: '1:1\n1:22\n1:333\n' },
    { args: ['grep', '-E', 'a|c+$'], stdin: 'xa\nbcc\nb\n', out: 'xa\nbcc\n' },
    { args: ['grep', 'a|c'], stdin: 'a|c\nac\n', out: 'a|c\n' },
    { args: ['grep', '\\(ab\\)\\{2\\}\\|^x'], stdin: 'abab\nab\nxy\n', out: 'abab\nxy\n' },
    { args: ['grep', '-F', 'a.*'], stdin: 'a.*\nabc\n', out: 'a.*\n' },
    { args: ['grep', '-e', '-x'], stdin: '-x\ny\n', out: '-x\n' },
    { args: ['grep', '^[[:digit:]]*$'], stdin: '123\n12a\n\n', out: '123\n\n' },
    { args: ['grep', '\\(a'], stdin: 'a\n', out: '', err: 'grep: Unmatched ( or \\(\n', code: 2 },
  ]));

  test('grep -r: directories recursively, names without ./ when searching the working directory', () => checkAll([
    {
      args: ['grep', '-r', 'hit'], cwd: '/tmp/w', dirs: ['/tmp/w/d/e'],
      files: { '/tmp/w/d/a': 'hit\n', '/tmp/w/d/e/b': 'no\nhit2\n', '/tmp/w/top': 'hit3\n' },
      out: 'd/a:hit\nd/e/b:hit2\ntop:hit3\n',
    },
    {
      args: ['grep', '-rl', 'hit', '/tmp/w/d', '/tmp/w/top'],
      files: { '/tmp/w/d/a': 'hit\n', '/tmp/w/d/e/b': 'hit2\n', '/tmp/w/d/c': 'miss\n', '/tmp/w/top': 'hit3\n' },
      out: '/tmp/w/d/a\n/tmp/w/d/e/b\n/tmp/w/top\n',
    },
  ]));

  test('sort: C-locale order, -r -f -n -u, keys and separators, several files, errors', () => checkAll([
    { args: ['sort'], stdin: 'b\na\nc\nB\n', out: 'B\na\nb\nc\n' },
    { args: ['sort', '-r'], stdin: 'b\na\nc\nB\n', out: 'c\nb\na\nB\n' },
    { args: ['sort', '-f'], stdin: 'b\na\nc\nB\nA\n', out: 'A\na\nB\nb\nc\n' },
    { args: ['sort', '-n'], stdin: '10\n9\n-1\n1.5\nx\n 3\n010\n', out: '-1\nx\n1.5\n 3\n9\n010\n10\n' },
    { args: ['sort', '-fu'], stdin: 'b\nB\na\nA\n', out: 'a\nb\n' },
    { args: ['sort', '-k2,2', '-n', '-u'], stdin: 'x 10\ny 9\nz 100\nw 9\n', out: 'y 9\nx 10\nz 100\n' },
    { args: ['sort', '-t', ':', '-k', '3n'], stdin: 'a:x:3\nb:y:20\nc:z:1\n', out: 'c:z:1\na:x:3\nb:y:20\n' },
    { args: ['sort', '-r', '-k2'], stdin: 'x b 2\ny a 9\nz b 1\n', out: 'x b 2\nz b 1\ny a 9\n' },
    { args: ['sort', '/tmp/a', '-'], files: { '/tmp/a': 'z\ny' }, stdin: 'x\n', out: 'x\ny\nz\n' },
    { args: ['sort', '/tmp/nosuch'], out: '', err: `sort: cannot read: /tmp/nosuch: ${NOENT}\n`, code: 2 },
    { args: ['sort', '-t', 'ab'], out: '', err: "sort: multi-character tab 'ab'\n", code: 2 },
  ]));

  test('uniq: runs of equal lines, -c -d -u -i, a missing input', () => checkAll([
    { args: ['uniq'], stdin: 'a\na\nb\na\n', out: 'a\nb\na\n' },
    { args: ['uniq', '-c'], stdin: 'a\na\nb\na', out: '      2 a\n      1 b\n      1 a\n' },
    { args: ['uniq', '-d'], stdin: 'a\na\nb\nc\nc\n', out: 'a\nc\n' },
    { args: ['uniq', '-u'], stdin: 'a\na\nb\nc\nc\n', out: 'b\n' },
    { args: ['uniq', '-ic'], stdin: 'a\nA\nb\n', out: '      2 a\n      1 b\n' },
    { args: ['uniq', '/tmp/nosuch'], out: '', err: `uniq: /tmp/nosuch: ${NOENT}\n`, code: 1 },
  ]));

  test('tee, env, sleep, clear', () => checkAll([
    { args: ['tee', '/tmp/x', '/nodir/y'], stdin: 'data\n', out: 'data\n', err: `tee: /nodir/y: ${NOENT}\n`, code: 1 },
    { args: ['env'], env: ['PATH=/bin', 'A=1'], out: 'PATH=/bin\nA=1\n' },
    { args: ['env', '-u', 'A', 'B=2'], env: ['PATH=/bin', 'A=1'], out: 'PATH=/bin\nB=2\n' },
    { args: ['env', '-i', 'X=y', 'env'], out: 'X=y\n' },
    { args: ['env', 'A=1', '/bin/sh', '-c', 'echo $A; exit 3'], out: '1\n', code: 3 },
    { args: ['env', '-i', 'nosuchcmd'], out: '', err: "env: 'nosuchcmd': No such file or directory\n", code: 127 },
    { args: ['sleep', 'x'], out: '', err: "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n", code: 1 },
    { args: ['sleep'], out: '', err: "sleep: missing operand\nTry 'sleep --help' for more information.\n", code: 1 },
    { args: ['clear'], out: '\x1b[H\x1b[2J' },
  ]));

  test('sleep waits for the (decimal) time given', async () => {
    const quick = Date.now();
    await check({ args: ['sleep', '0'], out: '' });
    const base = Date.now() - quick;
    const start = Date.now();
    await check({ args: ['sleep', '0.4', '0.2'], out: '' });
    assert.ok(Date.now() - start >= 600, `slept ${Date.now() - start} ms (a boot alone: ${base} ms)`);
  });

  test('seq: integers, decimals, negative operands, -s, -w, errors', () => checkAll([
    { args: ['seq', '3'], out: '1\n2\n3\n' },
    { args: ['seq', '5', '-2', '1'], out: '5\n3\n1\n' },
    { args: ['seq', '-2', '0'], out: '-2\n-1\n0\n' },
    { args: ['seq', '0', '0.1', '0.3'], out: '0.0\n0.1\n0.2\n0.3\n' },
    { args: ['seq', '1', '2.55'], out: '1\n2\n' },
    { args: ['seq', '-s', ', ', '1', '3'], out: '1, 2, 3\n' },
    { args: ['seq', '-w', '-1', '10'], out: '-1\n00\n01\n02\n03\n04\n05\n06\n07\n08\n09\n10\n' },
    { args: ['seq', '5', '1'], out: '' },
    { args: ['seq', '1', '0', '3'], out: '', err: "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n", code: 1 },
    { args: ['seq', 'x'], out: '', err: "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n", code: 1 },
  ]));

  test('printf: conversions, flags, escapes, reuse of the format, bad numbers', () => checkAll([
    { args: ['printf', '%s-%d\\n', 'a', '1', 'b', '2', 'c'], out: 'a-1\nb-2\nc-0\n' },
    { args: ['printf', '%5s|%-5s|%.2s|%c\\n', 'ab', 'cd', 'xyz', 'hello'], out: '   ab|cd   |xy|h\n' },
    { args: ['printf', '%x %X %o %#x %i %u\\n', '255', '255', '8', '255', '0x10', '-1'], out: 'ff FF 10 0xff 16 18446744073709551615\n' },
    { args: ['printf', '%05d|%-4d|%+d|% d|%.3d|%*d\\n', '42', '7', '5', '5', '7', '3', '1'], out: '00042|7   |+5| 5|007|  1\n' },
    { args: ['printf', '%f %.2f %e %g %g %G %.0f\\n', '3.14159', '2.5', '12345.678', '0.0001', '1e6', '1e-5', '2.5'], out: '3.141590 2.50 1.234568e+04 0.0001 1e+06 1E-05 2\n' },
    { args: ['printf', '100%%\\t\\\\\\101\\x42\\n%b', 'a\\tb\\c', 'never'], out: '100%\t\\AB\na\tb' },
    { args: ['printf', '%d %d\\n', 'abc', '12abc'], out: '0 12\n', err: "printf: 'abc': expected a numeric value\nprintf: '12abc': value not completely converted\n", code: 1 },
    { args: ['printf', '%s\\n', 'héllo'], out: 'héllo\n' },
  ]));

  test('xargs: default echo, -n, quotes, -r, -0, -t, failures', () => checkAll([
    { args: ['xargs'], stdin: 'a b\n  c\n', out: 'a b c\n' },
    { args: ['xargs', '-n', '2', 'echo', 'X'], stdin: 'a b c d e', out: 'X a b\nX c d\nX e\n' },
    { args: ['xargs', 'echo'], stdin: "'a  b' \"c d\" e\\ f\n", out: 'a  b c d e f\n' },
    { args: ['xargs'], stdin: '', out: '\n' },
    { args: ['xargs', '-r', 'echo', 'hi'], stdin: '', out: '' },
    { args: ['xargs', '-0', '-t'], stdin: 'a b\0c\0', out: 'a b c\n', err: 'echo a b c\n' },
    { args: ['xargs', 'false'], stdin: 'a\n', out: '', code: 123 },
    { args: ['xargs', 'nosuchcmd'], stdin: 'a\n', out: '', err: `xargs: nosuchcmd: ${NOENT}\n`, code: 127 },
    {
      args: ['xargs'], stdin: "'open\n", out: '', code: 1,
      err: 'xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n',
    },
  ]));
});

describe('text utilities: through the shell', () => {
  test('a reader that goes away ends yes, seq, cat-like filters quietly', async () => {
    const r = await keelBoot([
      'yes | head -n 2', 'yes a b | head -c 8', 'echo', 'seq 1 1000000 | head -n 2',
      'seq 1000000 | grep 5 | head -n 1', 'seq 1000000 | tee /tmp/t | head -n 1', 'printf "%s\\n" $(seq 3) | head -n 1',
    ].join('; '));
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'y\ny\na b\na b\n\n1\n2\n5\n1\n1\n');
    assert.equal(r.code, 0);
  });

  test('pipelines of the filters, and files a later command reads', async () => {
    const r = await keelBoot([
      'echo hello | wc -c',
      'seq 10 | sort -rn | head -n 3 | tail -n 1',
      'printf "b\\na\\nb\\n" | sort | uniq -c',
      'seq 3 | tee /tmp/t | wc -l', 'echo 4 | tee -a /tmp/t > /tmp/u', 'cat /tmp/t /tmp/u',
      'printf "x\\nx\\ny\\n" > /tmp/in', 'uniq /tmp/in /tmp/out', 'cat /tmp/out',
      'sort -o /tmp/in -r /tmp/in', 'cat /tmp/in',
    ].join('; '));
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '6\n8\n      1 a\n      2 b\n3\n1\n2\n3\n4\n4\nx\ny\ny\nx\nx\n');
  });

  test('env and xargs start commands found in PATH, with their status', async () => {
    const r = await keelBoot([
      'env FOO=bar env | grep FOO', 'env false; echo "st=$?"', 'env nosuch; echo "st=$?"',
      'cd /tmp && env pwd', 'seq 5 | xargs -n 2 echo -', 'echo a b | xargs -n 1 sh -c \'exit 5\'; echo "st=$?"',
      'echo /bin/wc | xargs ls', 'echo x | xargs nosuch; echo "st=$?"',
    ].join('; '));
    assert.equal(r.stdout, 'FOO=bar\nst=1\nst=127\n/tmp\n- 1 2\n- 3 4\n- 5\nst=123\n/bin/wc\nst=127\n');
    assert.equal(r.stderr, "env: 'nosuch': No such file or directory\nxargs: nosuch: No such file or directory\n");
  });
});

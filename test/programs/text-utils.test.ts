/**
 * Tests for the text utilities (src/programs/bin: wc, head, tail, grep, sort, uniq, tee, env,
 * sleep, yes, seq, printf, xargs, clear), at three levels:
 *   - grep's pattern translation (POSIX BRE/ERE → JavaScript RegExp), in process;
 *   - one program in a fresh Keel (runUtility): exact stdout, stderr and status, as GNU
 *     coreutils/grep print them in the C locale (each boot costs about half a second, so one run
 *     often checks several behaviours);
 *   - many commands in one shell (keelBoot), each followed by its status: more options, pipes, a
 *     reader that goes away (EPIPE), files a later command reads, commands run by env and xargs.
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

/** Run the cases one after another (children use both cores; running two at once gains nothing). */
async function checkAll(cases: readonly Case[]): Promise<void> {
  for (const c of cases) await check(c);
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
  test('wc: GNU columns, one bare number for one count of one input, totals, errors', () => checkAll([
    { args: ['wc', '-c'], stdin: 'hello\n', out: '6\n' },
    { args: ['wc'], stdin: 'a b\nc', out: '      1       3       5\n' },
    { args: ['wc', '-l', '/tmp/a'], files: { '/tmp/a': 'x y\nz\n' }, out: '2 /tmp/a\n' },
    {
      args: ['wc', '-mw', '/tmp/a', '/tmp/b', '/tmp/nosuch', '/tmp'], files: { '/tmp/a': 'x y\nz\n', '/tmp/b': 'héllo  wörld\n' },
      out: '      3       6 /tmp/a\n      2      13 /tmp/b\n      0       0 /tmp\n      5      19 total\n', err: `wc: /tmp/nosuch: ${NOENT}\nwc: /tmp: Is a directory\n`, code: 1,
    },
  ]));

  test('head: -n, -N, -c, the all-but-the-last forms, headers, errors', () => checkAll([
    { args: ['head'], stdin: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n', out: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n' },
    {
      args: ['head', '-2', '/tmp/nosuch', '/tmp/a', '-'], files: { '/tmp/a': '1\n2\n3\n' }, stdin: 'x',
      out: '==> /tmp/a <==\n1\n2\n\n==> standard input <==\nx', err: `head: cannot open '/tmp/nosuch' for reading: ${NOENT}\n`, code: 1,
    },
    { args: ['head', '-qc', '-2', '/tmp/a', '/tmp/b'], files: { '/tmp/a': 'abcdef', '/tmp/b': 'xyz' }, out: 'abcdx' },
    { args: ['head', '-n', '-2'], stdin: '1\n2\n3\n4', out: '1\n2\n' },
    { args: ['head', '-n', 'x'], out: '', err: "head: invalid number of lines: 'x'\n", code: 1 },
  ]));

  test('tail: -n, -n +N, -c, -c +N, -N, headers, errors', () => checkAll([
    { args: ['tail'], stdin: Array.from({ length: 20 }, (_, i) => `${i}\n`).join(''), out: '10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n' },
    { args: ['tail', '-n', '2'], stdin: '1\n2\n3', out: '2\n3' },
    { args: ['tail', '-n', '+2'], stdin: '1\n2\n3\n', out: '2\n3\n' },
    {
      args: ['tail', '-c', '3', '/tmp/a', '/tmp/nosuch', '/tmp/b'], files: { '/tmp/a': 'abcdef', '/tmp/b': 'x\ny' },
      out: '==> /tmp/a <==\ndef\n==> /tmp/b <==\nx\ny', err: `tail: cannot open '/tmp/nosuch' for reading: ${NOENT}\n`, code: 1,
    },
    { args: ['tail', '-c', '+3'], stdin: 'abcdef', out: 'cdef' },
  ]));

  const lines = 'abc\nxyz\nbb\n';
  test('grep: names, line numbers, counts, lists and exit status', () => checkAll([
    { args: ['grep', 'b'], stdin: lines, out: 'abc\nbb\n' },
    { args: ['grep', 'zz'], stdin: lines, out: '', code: 1 },
    { args: ['grep', '-n', 'b', '/tmp/a', '/tmp/c'], files: { '/tmp/a': lines, '/tmp/c': 'b' }, out: '/tmp/a:1:abc\n/tmp/a:3:bb\n/tmp/c:1:b\n' },
    { args: ['grep', 'b', '/tmp/nosuch', '-', '/tmp'], stdin: 'abc\n', out: '(standard input):abc\n', err: `grep: /tmp/nosuch: ${NOENT}\ngrep: /tmp: Is a directory\n`, code: 2 },
    { args: ['grep', '-q', 'b', '/tmp/nosuch', '-'], stdin: 'abc\n', out: '', err: `grep: /tmp/nosuch: ${NOENT}\n`, code: 0 },
    { args: ['grep', '\\(a'], stdin: 'a\n', out: '', err: 'grep: Unmatched ( or \\(\n', code: 2 },
    {
      args: ['grep', '-r', 'hit'], cwd: '/tmp/w', dirs: ['/tmp/w/d/e'],
      files: { '/tmp/w/d/a': 'hit\n', '/tmp/w/d/e/b': 'no\nhit2\n', '/tmp/w/top': 'hit3\n' },
      out: 'd/a:hit\nd/e/b:hit2\ntop:hit3\n',
    },
  ]));

  test('sort: C-locale order, several inputs, errors (status 2)', () => checkAll([
    { args: ['sort', '/tmp/a', '-'], files: { '/tmp/a': 'b\nB\nc' }, stdin: 'a\n', out: 'B\na\nb\nc\n' },
    { args: ['sort', '/tmp/nosuch'], out: '', err: `sort: cannot read: /tmp/nosuch: ${NOENT}\n`, code: 2 },
    { args: ['sort', '-t', 'ab'], out: '', err: "sort: multi-character tab 'ab'\n", code: 2 },
  ]));

  test('uniq, tee, clear', () => checkAll([
    { args: ['uniq', '-c'], stdin: 'a\na\nb\na', out: '      2 a\n      1 b\n      1 a\n' },
    { args: ['uniq', '/tmp/nosuch'], out: '', err: `uniq: /tmp/nosuch: ${NOENT}\n`, code: 1 },
    { args: ['tee', '/tmp/x', '/nodir/y'], stdin: 'data\n', out: 'data\n', err: `tee: /nodir/y: ${NOENT}\n`, code: 1 },
    { args: ['clear'], out: '\x1b[H\x1b[2J' },
  ]));

  test('env: prints or changes the environment, runs a command, 127 when not found', () => checkAll([
    { args: ['env', '-u', 'A', 'B=2'], env: ['PATH=/bin', 'A=1'], out: 'PATH=/bin\nB=2\n' },
    { args: ['env', '-i', 'X=y', 'env'], out: 'X=y\n' },
    { args: ['env', 'A=1', '/bin/sh', '-c', 'echo $A; exit 3'], out: '1\n', code: 3 },
    { args: ['env', '-i', 'nosuchcmd'], out: '', err: "env: 'nosuchcmd': No such file or directory\n", code: 127 },
  ]));

  test('sleep waits for the (decimal) time given; bad intervals are errors', async () => {
    const start = Date.now();
    await check({ args: ['sleep', '0.4', '0.2'], out: '' });
    assert.ok(Date.now() - start >= 600, `slept ${Date.now() - start} ms`);
    await check({ args: ['sleep', '1x'], out: '', err: "sleep: invalid time interval '1x'\nTry 'sleep --help' for more information.\n", code: 1 });
  });

  test('seq: negative operands, -s, -w, errors', () => checkAll([
    { args: ['seq', '-s', ', ', '-w', '-1', '3', '10'], out: '-1, 02, 05, 08\n' },
    { args: ['seq', '1', '0', '3'], out: '', err: "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n", code: 1 },
    { args: ['seq', 'x'], out: '', err: "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n", code: 1 },
  ]));

  test('printf: escapes, %b and \\c, bad numbers', () => checkAll([
    { args: ['printf', '100%%\\t\\\\\\101\\x42\\n%b', 'a\\tb\\c', 'never'], out: '100%\t\\AB\na\tb' },
    { args: ['printf', '%d %d\\n', 'abc', '12abc'], out: '0 12\n', err: "printf: 'abc': expected a numeric value\nprintf: '12abc': value not completely converted\n", code: 1 },
  ]));

  test('xargs: default echo, quotes, -n, -0, -t, an empty input, failures', () => checkAll([
    { args: ['xargs', '-n', '2'], stdin: "'a  b' \"c d\" e\\ f\n g", out: 'a  b c d\ne f g\n' },
    { args: ['xargs'], stdin: '', out: '\n' },
    { args: ['xargs', '-0', '-t', 'echo', '-'], stdin: 'a b\0c\0', out: '- a b c\n', err: "echo - 'a b' c\n" },
    { args: ['xargs', 'false'], stdin: 'a\n', out: '', code: 123 },
    { args: ['xargs', 'nosuchcmd'], stdin: 'a\n', out: '', err: `xargs: nosuchcmd: ${NOENT}\n`, code: 127 },
    {
      args: ['xargs'], stdin: "'open\n", out: '', code: 1,
      err: 'xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n',
    },
  ]));
});

/**
 * Run `cases` — [command line, its output (with `2>&1` where wanted)] and optionally its status —
 * in one shell after `setup`, and check each case's output and status.
 */
async function checkInShell(setup: readonly string[], cases: readonly (readonly [string, string, number?])[]): Promise<void> {
  const script = [...setup, ...cases.map(([cmd]) => `${cmd}; echo "@@ $?"`)].join('\n');
  const r = await keelBoot(script);
  assert.equal(r.stderr, '');
  const got = r.stdout.split(/(?<=^@@ \d+\n)/m);
  cases.forEach(([cmd, out, code = 0], i) => assert.equal(got[i], `${out}@@ ${code}\n`, cmd));
  assert.equal(got.length, cases.length);
}

describe('text utilities: more options, through the shell', () => {
  test('grep: -i -v -c -l -w -x -o -E -F -e, basic-regexp operators, bracket classes', () => checkInShell(
    ['printf "abc\\nxyz\\nbb\\n" > /tmp/a', 'printf "q\\n" > /tmp/c', 'mkdir -p /tmp/d/e', 'printf "hit\\n" > /tmp/d/e/f'],
    [
      ['grep -vc b /tmp/a', '1\n'],
      ['grep -c b /tmp/a /tmp/c', '/tmp/a:2\n/tmp/c:0\n', 0],
      ['grep -il B /tmp/a /tmp/c', '/tmp/a\n'],
      ['grep -rH hit /tmp/d', '/tmp/d/e/f:hit\n'],
      ['printf "abc\\nab c\\nx-ab\\n" | grep -w ab', 'ab c\nx-ab\n'],
      ['printf "abc\\nab\\n" | grep -x ab', 'ab\n'],
      ['echo a1b22c333 | grep -on "[0-9]\\+"', '1:1\n1:22\n1:333\n'],
      ['printf "xa\\nbcc\\nb\\n" | grep -E "a|c+$"', 'xa\nbcc\n'],
      ['printf "a|c\\nac\\n" | grep "a|c"', 'a|c\n'],
      ['printf "abab\\nab\\nxy\\n" | grep "\\(ab\\)\\{2\\}\\|^x"', 'abab\nxy\n'],
      ['printf "a.*\\nabc\\n" | grep -F "a.*"', 'a.*\n'],
      ['printf -- "-x\\ny\\n" | grep -e -x', '-x\n'],
      ['printf "123\\n12a\\n\\n" | grep "^[[:digit:]]*$"', '123\n\n'],
    ],
  ));

  test('sort -r -f -n -u -k -t; uniq -d -u -i; seq with decimals; printf conversions', () => checkInShell(
    [],
    [
      ['printf "b\\na\\nc\\nB\\n" | sort -r', 'c\nb\na\nB\n'],
      ['printf "b\\na\\nB\\nA\\n" | sort -f', 'A\na\nB\nb\n'],
      ['printf "10\\n9\\n-1\\n1.5\\nx\\n 3\\n010\\n" | sort -n', '-1\nx\n1.5\n 3\n9\n010\n10\n'],
      ['printf "b\\nB\\na\\nA\\n" | sort -fu', 'a\nb\n'],
      ['printf "x 10\\ny 9\\nz 100\\nw 9\\n" | sort -k2,2 -n -u', 'y 9\nx 10\nz 100\n'],
      ['printf "a:x:3\\nb:y:20\\nc:z:1\\n" | sort -t : -k 3n', 'c:z:1\na:x:3\nb:y:20\n'],
      ['printf "x b 2\\ny a 9\\nz b 1\\n" | sort -r -k2', 'x b 2\nz b 1\ny a 9\n'],
      ['printf "a\\na\\nb\\nc\\nc\\n" | uniq -d', 'a\nc\n'],
      ['printf "a\\na\\nb\\nc\\nc\\n" | uniq -u', 'b\n'],
      ['printf "a\\nA\\nb\\n" | uniq -i', 'a\nb\n'],
      ['seq 0 0.1 0.3', '0.0\n0.1\n0.2\n0.3\n'],
      ['seq 1 2.55', '1\n2\n'],
      ['seq 5 -2 1', '5\n3\n1\n'],
      ['seq 5 1', ''],
      ['printf "%s-%d\\n" a 1 b 2 c', 'a-1\nb-2\nc-0\n'],
      ['printf "%5s|%-5s|%.2s|%c\\n" ab cd xyz hello', '   ab|cd   |xy|h\n'],
      ['printf "%x %X %o %#x %i %u\\n" 255 255 8 255 0x10 -1', 'ff FF 10 0xff 16 18446744073709551615\n'],
      ['printf "%05d|%-4d|%+d|% d|%.3d|%*d\\n" 42 7 5 5 7 3 1', '00042|7   |+5| 5|007|  1\n'],
      ['printf "%f %.2f %e %g %g %G %.0f\\n" 3.14159 2.5 12345.678 0.0001 1e6 1e-5 2.5', '3.141590 2.50 1.234568e+04 0.0001 1e+06 1E-05 2\n'],
    ],
  ));
});

describe('text utilities: through the shell', () => {
  test('a reader that goes away ends yes, seq, cat-like filters quietly', async () => {
    const r = await keelBoot([
      'yes | head -n 2', 'yes a b | head -c 8', 'echo', 'seq 1 1000000 | head -n 2',
      'seq 1000000 | grep 5 | head -n 1', 'seq 1000000 | tee /tmp/t | head -n 1', 'seq 3 | xargs printf "%s\\n" | head -n 1',
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

/**
 * Keel's utilities against the host's GNU tools (coreutils, sed, diffutils, findutils, gzip,
 * tar) and mawk, on the same input: each command line runs under `dash -c` on the host and under
 * Keel's `sh -c`, in fresh copies of the same files, and standard output, standard error and the
 * status must be the same. Then property tests: random inputs for sort, tr, cut, sed s///, awk
 * field splitting and printf, each compared the same way.
 *
 * Where the two cannot agree by construction the command normalises its own output (timestamps
 * in diff headers, the order in which find meets entries).
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { bootKeel, type Keel } from '../../src/platform/node/index.js';

interface Outcome { readonly stdout: string; readonly stderr: string; readonly status: number | null }
type Files = Readonly<Record<string, string>>;

const ENV = { PATH: '/usr/bin:/bin', HOME: '/home', LC_ALL: 'C', TZ: 'UTC' };
const hasDash = spawnSync('dash', ['-c', 'exit 0']).status === 0;
const hasXxd = spawnSync('dash', ['-c', 'command -v xxd']).status === 0;

let keel: Keel;
let work: string;
let n = 0;

function writeFiles(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** Run `cmd` under dash with the host's tools and under Keel, on copies of `files`. */
async function both(cmd: string, files: Files = {}, stdin = ''): Promise<[Outcome, Outcome]> {
  const id = ++n;
  writeFiles(join(work, `h${id}`), files);
  writeFiles(join(work, `k${id}`), files);
  const h = spawnSync('dash', ['-c', cmd], { cwd: join(work, `h${id}`), input: stdin, encoding: 'utf8', env: ENV, timeout: 30_000 });
  const k = await keel.run({ path: '/bin/sh' }, {
    args: ['sh', '-c', cmd], dirs: ['/'], stdin, env: { ...ENV, PATH: '/bin', PWD: `/w/k${id}` }, limits: { timeMs: 30_000 },
  });
  return [{ stdout: h.stdout, stderr: h.stderr.replaceAll('dash: ', 'sh: '), status: h.status }, { stdout: k.stdout, stderr: k.stderr, status: k.exitCode }];
}

async function same(cmd: string, files: Files = {}, stdin = ''): Promise<void> {
  const [host, keelOut] = await both(cmd, files, stdin);
  assert.deepEqual(keelOut, host, cmd);
}

async function all(cmds: readonly string[], files: Files = {}, stdin = ''): Promise<void> {
  for (const c of cmds) await same(c, files, stdin);
}

const TEXT: Files = {
  'a.txt': 'alpha beta\ngamma delta\n\nepsilon\nzeta eta theta\n',
  'b.txt': 'alpha beta\nGAMMA delta\nepsilon\nzeta eta theta\niota\n',
  'csv': 'name,dept,salary\nann,eng,100\nbob,ops,80\ncid,eng,120\ndee,ops,95\n',
  'tabs': 'a\tb\tc\n1\t22\t333\n',
  'nums': '10\n9\n100\n-3\n2.5\n',
};

describe('GNU compatibility: each utility against the host tool', { skip: hasDash ? false : 'no dash on this host' }, () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'keel-gnu-'));
    keel = await bootKeel({ shell: true, dirs: { '/w': work } });
  });
  after(async () => {
    await keel?.shutdown();
    rmSync(work, { recursive: true, force: true });
  });

  test('sed: s///g with groups, d, p, -n, -e, -i, addresses and ranges, y, a/i/c, hold space', () => all([
    "sed 's/a/A/g' a.txt", "sed -n '2,4p' a.txt", "sed '/^$/d' a.txt", "sed -e 's/\\(a\\)l\\(p\\)/\\2\\1/' -e '3q' a.txt",
    "sed -E 's/([a-z]+) ([a-z]+)/\\2 \\1/' a.txt", "sed -n '/gamma/,/zeta/{=;p}' a.txt", "sed '$!N;s/\\n/ + /' a.txt",
    "sed 'y/abc/xyz/' a.txt", "sed '1i\\\nfirst' a.txt", "sed '2a after two' a.txt", "sed '/delta/c\\\nchanged' a.txt",
    "sed -n 'h;n;G;p' a.txt", "sed 's/e/E/2' a.txt", "sed -n 's/eta/ETA/gp' a.txt", "sed '0~2d' a.txt", "sed -n '/a/,+1p' a.txt",
    "sed -i.orig 's/alpha/ALPHA/' a.txt && cat a.txt a.txt.orig", "sed -s -n '$p' a.txt b.txt", "sed 's/x/y' a.txt", "sed -n l tabs",
  ], TEXT));

  test('tr, cut, paste, join, comm', () => all([
    "tr a-z A-Z < a.txt", "tr -d 'aeiou\\n' < a.txt", "tr -s 'a-z' < a.txt", "tr -c 'a-z\\n' '_' < a.txt", "tr '[:lower:]' '[:upper:]' < csv",
    "tr -cd '[:digit:]\\n' < csv", "tr 'abc' 'x' < a.txt", "tr", "cut -d, -f2 csv", "cut -d, -f1,3 csv", "cut -c2-4 a.txt",
    "cut -f2- tabs", "cut -d, --complement -f2 csv", "cut -s -d' ' -f2 a.txt", "cut -d, -f1 --output-delimiter=: csv", "cut -b -3 csv",
    "paste a.txt b.txt", "paste -d, -s nums", "paste -d ':' a.txt nums", "sort a.txt > s1; sort b.txt > s2; comm s1 s2; comm -23 s1 s2",
    "printf '1 x\\n2 y\\n' > j1; printf '1 p\\n3 q\\n' > j2; join j1 j2; join -a1 -a2 j1 j2; join -v1 j1 j2; join -o 2.2,1.2 j1 j2",
  ], TEXT));

  test('sort, uniq, tac, rev, nl, fold, expand', () => all([
    'sort -n nums', 'sort -rn nums', 'sort -t, -k3n csv', 'sort -t, -k2,2 -k3nr csv', 'sort -u b.txt a.txt', 'sort -f b.txt',
    'sort a.txt | uniq -c', 'tac a.txt', 'rev a.txt', 'nl a.txt', 'nl -ba -w3 -s: a.txt', 'nl -nrz a.txt', 'fold -w 7 a.txt',
    'fold -s -w 9 a.txt', 'expand tabs', 'expand -t 3 tabs',
  ], TEXT));

  test('diff (normal, unified, brief, recursive) and cmp', () => all([
    'diff a.txt b.txt', 'diff -u a.txt b.txt | tail -n +3', 'diff -U 1 a.txt b.txt | tail -n +3', 'diff -q a.txt b.txt', 'diff a.txt a.txt',
    'diff -i a.txt b.txt', 'diff a.txt nosuch', 'mkdir d1 d2; cp a.txt d1/; cp b.txt d2/a.txt; echo x > d1/only; diff -r d1 d2',
    'cmp a.txt b.txt', 'cmp -s a.txt a.txt', 'cmp -l a.txt b.txt | head -3', 'printf ab > x; printf abc > y; cmp x y',
  ], TEXT));

  test('find: -name -type -maxdepth -mindepth -newer -exec -print0', () => all([
    'mkdir -p t/a/b; touch t/a/x.c t/a/b/y.c t/z.h; find t | sort', "find t -name '*.c' | sort", 'find t -type d | sort',
    'find t -maxdepth 1 | sort', 'find t -mindepth 2 | sort', "find t -name '*.c' -exec echo C: {} \\; | sort",
    "find t -type f -exec echo {} + | tr ' ' '\\n' | sort", "find t -type f -print0 | tr '\\0' '\\n' | sort",
    "touch -d 2001-01-01 t/old; find t -newer t/old -type f | sort", "find t ! -name '*.c' -type f | sort", 'find nosuch',
  ]));

  test('tar (ustar) and gzip: archives each side makes read back on the other', async () => {
    const files = { 'p/a.txt': 'hello\n', 'p/sub/b.txt': 'world\n' };
    // GNU tar adds a directory's entries in the order the file system lists them; Keel's in name order.
    await all(['tar cf x.tar p && tar tf x.tar | sort', 'tar cf x.tar p && mkdir o && tar xf x.tar -C o && cat o/p/a.txt o/p/sub/b.txt',
      'tar czf x.tgz p && tar tzf x.tgz | sort', 'gzip -c p/a.txt | gunzip', 'gzip -k p/a.txt && ls p && zcat p/a.txt.gz', 'tar xf nosuch.tar'], files);
    // An archive made by Keel lists and extracts with GNU tar, and the other way round.
    const id = ++n;
    writeFiles(join(work, `x${id}`), files);
    const k = await keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', 'tar czf keel.tgz p && gzip -c p/a.txt > keel.gz'], dirs: ['/'], env: { PATH: '/bin', PWD: `/w/x${id}` } });
    assert.equal(k.exitCode, 0, k.stderr);
    const gnu = spawnSync('dash', ['-c', 'tar tzf keel.tgz | sort && gunzip -c keel.gz && tar czf gnu.tgz p && gzip -c p/sub/b.txt > gnu.gz'], { cwd: join(work, `x${id}`), encoding: 'utf8' });
    assert.equal(gnu.stdout, 'p/\np/a.txt\np/sub/\np/sub/b.txt\nhello\n');
    const back = await keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', 'tar tzf gnu.tgz | sort; gunzip -c gnu.gz'], dirs: ['/'], env: { PATH: '/bin', PWD: `/w/x${id}` } });
    assert.equal(back.stdout, 'p/\np/a.txt\np/sub/\np/sub/b.txt\nworld\n');
  });

  test('od, xxd, base64, md5sum, sha256sum', async () => {
    const files = { bin: 'Keel\n\u0001\u007f tail' };
    await all(['od bin', 'od -c bin', 'od -An -tx1 bin', 'od -Ad -tu2 bin', 'od -tx4 -N6 bin', 'base64 bin', 'base64 bin | base64 -d',
      'base64 -w 8 bin', 'md5sum bin', 'sha256sum bin', 'sha1sum bin', 'md5sum bin > s; md5sum -c s', 'printf bad | base64 -d'], files);
    if (hasXxd) await all(['xxd bin', 'xxd -p bin', 'xxd -g1 -c8 bin', 'xxd -p bin | xxd -r -p'], files);
  });

  test('awk: fields, -F, -v, arrays, printf, getline from a file, split, sub, gsub, match', () => all([
    "awk -F, '{print $2, NF}' csv", "awk -F, 'NR>1 {s[$2]+=$3} END {for (k in s) print k, s[k]}' csv | sort", "awk -v x=5 'BEGIN {print x * 2}'",
    "awk '{printf \"%-6s|%3d\\n\", $1, NR}' a.txt", "awk 'BEGIN {while ((getline l < \"csv\") > 0) n++; print n}'",
    "awk '{n = split($0, w, \" \"); print n, w[n]}' a.txt", "awk '{gsub(/a/, \"A\"); sub(/e/, \"E\"); print}' a.txt",
    "awk '{if (match($0, /e[a-z]+/)) print RSTART, RLENGTH}' a.txt", "awk 'NR==2, NR==4' a.txt", "awk '/^$/ {print NR}' a.txt",
    "awk -F'\\t' '{print $3}' tabs", "awk '{$2 = \"X\"; print; print NF}' a.txt", "awk 'END {print NR, length($0)}' a.txt",
    "awk 'BEGIN {printf \"%d %i %o %x %c %e %.2f %s %5.1f%%\\n\", 42.9, -3, 8, 255, 65, 1234.5, 3.14159, \"s\", 99.44}'",
  ], TEXT));

  test('expr, test, date, truncate, realpath, basename, timeout, which', () => all([
    'expr 3 + 4 \\* 2', "expr 'abc' : 'a\\(.\\)'", 'expr length hello', 'expr 5 / 0', 'expr 1 = 1', 'expr a \\< b',
    "test 2 -gt 1; echo $?; test abc = abd; echo $?; test -f a.txt; echo $?; test -d .; echo $?; test 1 -eq x; echo $?",
    "date -u -d @86400 '+%F %T %a %j %s'", "date -u -d '2020-02-29 10:00' +%A", 'truncate -s 3 a.txt; cat a.txt; echo',
    'truncate -s +2 a.txt; wc -c < a.txt', 'realpath -m /x/../y/./z', 'timeout 5 true; echo $?', 'timeout 0.1 sleep 3; echo $?',
    'which sh >/dev/null; echo $?', 'which nosuch; echo $?',
  ], TEXT));
});

describe('GNU compatibility: property tests with random inputs', { skip: hasDash ? false : 'no dash on this host' }, () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'keel-gnu-prop-'));
    keel = await bootKeel({ shell: true, dirs: { '/w': work } });
  });
  after(async () => {
    await keel?.shutdown();
    rmSync(work, { recursive: true, force: true });
  });

  const line = fc.array(fc.constantFrom('a', 'b', 'c', 'X', 'Y', '1', '2', '9', ' ', ',', '.', '-', ':'), { maxLength: 12 }).map((cs) => cs.join(''));
  const text = fc.array(line, { minLength: 1, maxLength: 12 }).map((ls) => `${ls.join('\n')}\n`);
  const runs = { numRuns: 12 };

  test('sort with random options', () => fc.assert(fc.asyncProperty(text,
    fc.constantFrom('', '-r', '-n', '-u', '-f', '-t, -k2', '-t, -k2,2 -k1r', '-b -k2', '-rn', '-s -t: -k1,1'),
    async (input, opts) => same(`sort ${opts} in`, { in: input })), runs));

  test('tr with random sets', () => fc.assert(fc.asyncProperty(text,
    fc.constantFrom("'a-c' 'A-C'", "-d 'a1 '", "-s 'ab'", "-c 'a-z' '_'", "'[:digit:]' 'x'", "-ds 'X' 'a'", "'abc' 'z'", "-cd '[:alpha:]\\n'"),
    async (input, sets) => same(`tr ${sets} < in`, { in: input })), runs));

  test('cut with random lists', () => fc.assert(fc.asyncProperty(text,
    fc.constantFrom('-d, -f1', '-d, -f2-', '-d, -f1,3', '-d: -f2 -s', '-c1-3', '-c2,4-', '-b-2', '-d, --complement -f1', "-d' ' -f2"),
    async (input, list) => same(`cut ${list} in`, { in: input })), runs));

  test('sed s/// with random patterns and flags', () => fc.assert(fc.asyncProperty(text,
    fc.constantFrom('a', 'b*', '[0-9][0-9]*', '\\(a\\)\\(b\\)', '^.', '.$', 'X\\|Y', ' *, *', 'c\\{2\\}'),
    fc.constantFrom('Z', '[&]', '\\2\\1', '', '<\\0>'), fc.constantFrom('', 'g', '2', 'gp'),
    async (input, re, repl, flags) => {
      if (/\\[12]/.test(repl) && !re.includes('\\(')) return;
      await same(`sed ${flags.includes('p') ? '-n ' : ''}'s/${re}/${repl}/${flags}' in`, { in: input });
    }), runs));

  test('awk field splitting with random separators', () => fc.assert(fc.asyncProperty(text,
    fc.constantFrom('', "-F,", "-F:", "-F' '", "-F'[,:]'", "-F'\\\\.'", "-F'a'"),
    async (input, fs) => same(`awk ${fs} '{ printf "%d", NF; for (i = 1; i <= NF; i++) printf " [%s]", $i; print "" }' in`, { in: input })), runs));

  test('printf with random numbers', () => fc.assert(fc.asyncProperty(
    fc.constantFrom('%d', '%5d', '%-5d|', '%05d', '%x', '%o', '%.2f', '%e', '%g', '%s'), fc.integer({ min: -99999, max: 99999 }),
    async (format, value) => same(`printf '${format}\\n' ${value}`)), runs));
});

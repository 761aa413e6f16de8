/**
 * The shell, driven non-interactively (`keel boot -c COMMAND_LINE`, as `sh -c`): pipelines mixing
 * wasm programs (programs/c/build, mounted at /host) and TypeScript utilities, redirections,
 * lists and exit statuses, quoting and expansion, builtins, scripts, background jobs, and the
 * errors a user sees. Each test boots a fresh Keel in a child process.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keelBoot, runChild } from '../support/keel-child.js';

const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));
const withPrograms = { dirs: [build] };

test('the two examples of the issue: echo hello | wc -c; false || echo ok; exit 3', async () => {
  const a = await keelBoot('echo hello | wc -c');
  assert.equal(a.stdout, '6\n');
  assert.equal(a.code, 0);
  const b = await keelBoot('false || echo ok; exit 3');
  assert.equal(b.stdout, 'ok\n');
  assert.equal(b.code, 3);
});

test('pipelines between wasm and TypeScript programs, of any length', async () => {
  const r = await keelBoot([
    '/host/seq.wasm 1 5 | cat | /host/cat.wasm',
    'echo wasm-then-ts | /host/cat.wasm | cat | /host/cat.wasm | cat | wc -c',
    'echo x | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | wc -l',
    '/host/seq.wasm 100000 | /host/cat.wasm | wc -l',
  ].join('; '), withPrograms);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '1\n2\n3\n4\n5\n13\n1\n100000\n');
});

test('PATH finds TS utilities and NAME.wasm programs; not found is 127 with a clear message', async () => {
  const r = await keelBoot('PATH=/bin:/host; hello; echo_args_env a "b c"; nosuchcmd; echo "st=$?"; /nope/prog; echo "st=$?"', withPrograms);
  assert.match(r.stdout, /^hello, world\n/);
  assert.match(r.stdout, /argv\[1\]=a\nargv\[2\]=b c\n/);
  assert.match(r.stdout, /st=127\nst=127\n$/);
  assert.match(r.stderr, /^sh: 1: nosuchcmd: not found$/m);
  assert.match(r.stderr, /^sh: 1: \/nope\/prog: not found$/m);
});

test('redirections: < > >> 2> 2>&1, and a failed redirection', async () => {
  const r = await keelBoot([
    'echo one > /tmp/f', 'echo two >> /tmp/f', 'cat < /tmp/f',
    'cat /nonexistent 2> /tmp/err; echo "status $?"', 'cat /tmp/err',
    'cat /tmp/f /nonexistent > /tmp/both 2>&1; cat /tmp/both',
    'echo lost > /no/such/dir/x; echo "after $?"',
    'wc -l < /tmp/f',
  ].join('; '));
  assert.equal(r.stdout, [
    'one', 'two', 'status 1', 'cat: /nonexistent: No such file or directory',
    'one', 'two', 'cat: /nonexistent: No such file or directory', 'after 2', '2', '',
  ].join('\n'));
  assert.match(r.stderr, /sh: 1: cannot create \/no\/such\/dir\/x: Directory nonexistent/);
});

test('lists and statuses: ; && || ! and exit codes of wasm programs, traps and signals', async () => {
  const r = await keelBoot([
    'true && echo a', 'false && echo b', 'false || echo c', 'true || echo d', '! false && echo e',
    'false; echo "s=$?"', '/host/exit_code.wasm 42 > /dev/null; echo "s=$?"', '/host/trap.wasm > /tmp/t; echo "s=$?"',
    'true && false || echo f',
  ].join('; '), withPrograms);
  assert.equal(r.stdout, 'a\nc\ne\ns=1\ns=42\ns=134\nf\n');
  assert.match(r.stderr, /sh: 1: trapped: unreachable/);
});

test('quoting, escapes and expansion', async () => {
  const r = await keelBoot([
    `X='a  b'; echo $X; echo "$X"; echo '$X'`,
    `echo "it's" 'say "hi"' back\\ slash \\$HOME`,
    'echo "pid ok" $$ | wc -w',
    'Y=; echo "[$Y]" [$Y]',
    'export GREETING=hello; env | grep GREETING',
    'A=1 B=2 env | grep -c "^[AB]="',
  ].join('; '));
  assert.equal(r.stdout, 'a b\na  b\n$X\nit\'s say "hi" back slash $HOME\n3\n[] []\nGREETING=hello\n2\n');
});

test('builtins: cd and pwd with relative paths; unset; source; a script with arguments', async () => {
  const r = await keelBoot([
    'mkdir -p /tmp/w/sub', 'cd /tmp/w', 'pwd', 'echo hi > sub/f', 'cd sub', 'cat f', 'cd ..', 'pwd', 'cd /nope; echo "cd=$?"',
    'V=1; unset V; echo "[$V]"',
    `echo 'echo "script got $1 and $2"; exit 7' > /tmp/s.sh`, 'sh /tmp/s.sh x y; echo "status $?"',
    `echo 'SOURCED=yes' > /tmp/env.sh`, '. /tmp/env.sh', 'echo $SOURCED',
  ].join('; '));
  assert.equal(r.stdout, '/tmp/w\nhi\n/tmp/w\ncd=2\n[]\nscript got x and y\nstatus 7\nyes\n');
  assert.match(r.stderr, /sh: 1: cd: can't cd to \/nope/);
});

test('background jobs: & with $!, jobs, wait, kill %1 (status 143)', async () => {
  const r = await keelBoot([
    'sleep 30 & echo "started $!" | wc -w', 'jobs', 'kill %1', 'wait %1; echo "killed $?"',
  ].join('; '));
  assert.match(r.stdout, /^2\n\[1\]\+\s+Running\s+sleep 30 &\nkilled 143\n$/);
  const w = await keelBoot('echo one > /tmp/o & wait; cat /tmp/o; sleep 0.1 & sleep 0.1 & wait; echo "both $?"');
  assert.equal(w.stdout, 'one\nboth 0\n');
});

test('orphans: re-parented to 1, listed by ps, ended from the shell by pid and by process group; kill -0 probes', async () => {
  // spawner starts hog spin, writes ORPHAN=<its pid> and GROUP=<spawner's pid, the job's group> for
  // the shell to source, and exits at once: hog runs on as an orphan.
  const r = await keelBoot([
    '/host/spawner.wasm orphan /tmp/o.sh /host/hog.wasm hog spin', '. /tmp/o.sh', 'echo "orphan $ORPHAN"',
    'ps -p $ORPHAN', 'kill -0 $ORPHAN; echo "probe $?"', 'kill -9 $ORPHAN; echo "kill $?"', 'ps -p $ORPHAN',
    '/host/spawner.wasm orphan /tmp/g.sh /host/hog.wasm hog spin', '. /tmp/g.sh', 'echo "orphan $ORPHAN"',
    'kill -TERM -$GROUP; echo "killpg $?"', 'ps -p $ORPHAN',
    'kill -0 1; echo "init $?"', 'kill -9 99999; echo "nobody $?"',
  ].join('; '), withPrograms);
  const pids = [...r.stdout.matchAll(/^orphan (\d+)$/gm)].map((m) => Number(m[1]));
  assert.equal(pids.length, 2, r.stdout + r.stderr);
  const header = /^\s+PID\s+PPID\s+PGID\s+KIND/;
  const lines = r.stdout.split('\n');
  const at = lines.indexOf(`orphan ${pids[0]}`);
  assert.match(lines[at + 1]!, header);
  assert.match(lines[at + 2]!, new RegExp(`^\\s*${pids[0]}\\s+1\\s+\\d+\\s+program\\b.*hog\\.wasm$`), 'the orphan is listed, its parent 1');
  assert.equal(lines[at + 3], 'probe 0');
  assert.equal(lines[at + 4], 'kill 0');
  assert.match(lines[at + 5]!, header);
  assert.equal(lines[at + 6], `orphan ${pids[1]}`, 'killed: ps no longer lists it');
  assert.equal(lines[at + 7], 'killpg 0');
  assert.match(lines[at + 8]!, header);
  assert.equal(lines[at + 9], 'init 1', 'the group is gone too');
  assert.equal(lines[at + 10], 'nobody 1');
  assert.match(r.stderr, /kill: Operation not permitted/);
  assert.match(r.stderr, /kill: No such process/);
});

test('syntax errors are reported with status 2 and run nothing', async () => {
  const r = await keelBoot('echo before | ; echo after');
  assert.equal(r.stdout, '');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'sh: 1: Syntax error: ";" unexpected\n');
});

test('keel boot SCRIPT ARGS runs a script from a host directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-sh-'));
  try {
    writeFileSync(join(dir, 'job.sh'), '# a comment\necho "args: $1 $2"\nfor_sure=yes\necho $for_sure | cat\nexit 5\necho never\n');
    const r = await runChild([keelBin, 'boot', '--dir', dir, '/host/job.sh', 'one', 'two']);
    assert.equal(r.stdout, 'args: one two\nyes\n');
    assert.equal(r.code, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

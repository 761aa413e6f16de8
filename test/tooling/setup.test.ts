/**
 * scripts/setup.mjs, the first step of `npm test`: it must notice a missing system package and
 * either stop with the one line to run or, as root with apt-get, install it. The packages are
 * hidden from it the way the tests find them: python3 through PATH (a directory of our own, with
 * or without a `python3`), Chromium through KEEL_CHROMIUM (a path that is or is not there). The
 * install path runs a fake apt-get (a Node script) that logs its arguments and "installs" by
 * creating the files, so nothing is installed on the machine.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const setupScript = fileURLToPath(new URL('../../../scripts/setup.mjs', import.meta.url));
const asRoot = process.getuid?.() === 0;

interface Machine { bin: string; chromium: string; dir: string }

/** A PATH directory and a Chromium path of our own, holding what `present` names. */
function machine(present: readonly ('python3' | 'chromium')[]): Machine {
  const dir = mkdtempSync(join(tmpdir(), 'keel-setup-'));
  const m = { dir, bin: join(dir, 'bin'), chromium: join(dir, 'chromium') };
  mkdirSync(m.bin);
  if (present.includes('python3')) executable(join(m.bin, 'python3'), '#!/bin/sh\n');
  if (present.includes('chromium')) executable(m.chromium, '#!/bin/sh\n');
  return m;
}

function executable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function setup(m: Machine, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [setupScript, ...args], {
    env: { PATH: m.bin, KEEL_CHROMIUM: m.chromium, HOME: m.dir },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The indented command line in setup's message. */
const lineToRun = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
const sudo = asRoot ? '' : 'sudo ';

test('with both packages hidden, --check stops with the one line that installs both', () => {
  const m = machine([]);
  try {
    const r = setup(m, '--check');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(lineToRun(r.stderr), [`${sudo}apt-get install -y chromium python3`]);
    assert.match(r.stderr, /chromium \(the browser tests\) and python3 \(the terminal test\)/);
  } finally {
    rmSync(m.dir, { recursive: true, force: true });
  }
});

test('only what is missing is named: python3 present, Chromium hidden', () => {
  const m = machine(['python3']);
  try {
    const r = setup(m, '--check');
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(lineToRun(r.stderr), [`${sudo}apt-get install -y chromium`]);
  } finally {
    rmSync(m.dir, { recursive: true, force: true });
  }
});

test('with everything present it says nothing and succeeds', () => {
  const m = machine(['python3', 'chromium']);
  try {
    const r = setup(m);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '');
  } finally {
    rmSync(m.dir, { recursive: true, force: true });
  }
});

test('without apt-get on PATH it stops with the line even as root', () => {
  const m = machine(['chromium']);
  try {
    const r = setup(m);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(lineToRun(r.stderr), [`${sudo}apt-get install -y python3`]);
  } finally {
    rmSync(m.dir, { recursive: true, force: true });
  }
});

/** A fake apt-get: logs its arguments; `install` creates the named packages' files unless told to fail. */
function fakeAptGet(m: Machine, fail: boolean): string {
  const log = join(m.dir, 'apt-get.log');
  executable(join(m.bin, 'apt-get'), `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, args.join(' ') + ' DEBIAN_FRONTEND=' + process.env.DEBIAN_FRONTEND + '\\n');
if (args[0] === 'install') {
  if (${fail}) { console.error('E: Unable to locate package'); process.exit(100); }
  for (const p of args.slice(1).filter((a) => !a.startsWith('-'))) {
    const file = p === 'chromium' ? ${JSON.stringify(m.chromium)} : ${JSON.stringify(m.bin)} + '/' + p;
    fs.writeFileSync(file, '#!/bin/sh\\n');
    fs.chmodSync(file, 0o755);
  }
}
`);
  return log;
}

test('as root with apt-get it updates, installs the missing packages and checks again', { skip: asRoot ? false : 'needs root' }, () => {
  const m = machine([]);
  try {
    const log = fakeAptGet(m, false);
    const r = setup(m);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
      'update -qq DEBIAN_FRONTEND=noninteractive',
      'install -y -qq chromium python3 DEBIAN_FRONTEND=noninteractive',
    ]);
    assert.match(r.stderr, /installed chromium python3/);
  } finally {
    rmSync(m.dir, { recursive: true, force: true });
  }
});

test('as root, a failing apt-get stops with the line to run', { skip: asRoot ? false : 'needs root' }, () => {
  const m = machine(['python3']);
  try {
    fakeAptGet(m, true);
    const r = setup(m);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /apt-get install -y -qq chromium failed/);
    assert.deepEqual(lineToRun(r.stderr), ['apt-get install -y chromium']);
  } finally {
    rmSync(m.dir, { recursive: true, force: true });
  }
});

/**
 * Modules shared by file (src/ipc/module-shelf.ts, docs/decisions/020-modules-shared-by-file.md):
 * a program on a file system with a change word (tmpfs, diskfs) is read and compiled once in the
 * whole system; every later load of the unchanged file — by path from the library, by open file
 * from the shell, several at once on other threads — takes the module without compiling (no
 * thread offers the host another), and each run is still its own process with its own arguments.
 * Once the file is replaced, the next load runs the new program, never the old module. A program
 * on a host directory (no change word) is never shelved. Runs under whichever manifest the tests
 * use.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prog, waitFor, within } from '../support/api-helpers.js';
import { bootCounting } from '../support/counting-host.js';

const echo = readFileSync(prog('echo_args_env'));
const hello = readFileSync(prog('hello'));

const expected = (args: readonly string[]): string => `argc=${args.length}\n${args.map((a, i) => `argv[${i}]=${a}\n`).join('')}`;

for (const where of ['tmpfs', 'diskfs'] as const) {
  test(`a program on ${where} is compiled once for every load of the unchanged file, and the replaced file runs anew`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-shelf-'));
    const { keel, host } = await bootCounting({ shell: true, ...(where === 'diskfs' ? { disks: { '/disk': { image: join(dir, 'disk.img'), size: 16 * 1024 * 1024 } } } : {}) });
    try {
      const path = where === 'tmpfs' ? '/tmp/p' : '/disk/p';
      await keel.writeFile(path, echo);
      const first = await within(keel.run({ path }, { args: ['p', 'first'] }), 20_000, 'first run');
      assert.equal(first.stdout, expected(['p', 'first']));
      await waitFor(() => host().modulesOffered === 1, 10_000, 'the first load\'s module offered to the host');

      // At once, on as many threads: each finds the module, none compiles it again.
      const many = await within(Promise.all([1, 2, 3].map((i) => keel.run({ path }, { args: ['p', `run-${i}`] }))), 30_000, 'three at once');
      many.forEach((r, i) => assert.equal(r.stdout, expected(['p', `run-${i + 1}`])));
      // By open file, as the shell starts a command (the parent names the change word).
      const sh = await within(keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', `${path} a; ${path} b`], dirs: ['/'] }), 20_000, 'through the shell');
      // (the shell exports PWD)
      assert.equal(sh.stdout, `${expected([path, 'a'])}env: PWD=/\n${expected([path, 'b'])}env: PWD=/\n`, sh.stderr);
      assert.equal(host().modulesOffered, 1, 'no load compiled the unchanged file again');

      // Replaced: the next load reads and compiles the new program.
      await keel.writeFile(path, hello);
      const replaced = await within(keel.run({ path }, { args: ['p'] }), 20_000, 'the replaced program');
      assert.equal(replaced.stdout, 'hello, world\n');
      const viaShell = await within(keel.run({ path: '/bin/sh' }, { args: ['sh', '-c', path], dirs: ['/'] }), 20_000, 'the replaced program through the shell');
      assert.equal(viaShell.stdout, 'hello, world\n');
      await waitFor(() => host().modulesOffered === 2, 10_000, 'the new program\'s module offered');
    } finally {
      await keel.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a program on a host directory is never shelved: its file can change behind Keel\'s back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-shelf-host-'));
  writeFileSync(join(dir, 'p'), echo);
  const { keel, host } = await bootCounting({ shell: true, dirs: { '/data': dir } });
  try {
    const r = await within(keel.run({ path: '/data/p' }, { args: ['p', 'x'] }), 20_000, 'from the host directory');
    assert.equal(r.stdout, expected(['p', 'x']));
    writeFileSync(join(dir, 'p'), hello);
    const again = await within(keel.run({ path: '/data/p' }, { args: ['p'] }), 20_000, 'changed by the host');
    assert.equal(again.stdout, 'hello, world\n');
    assert.equal(host().modulesOffered, 0);
  } finally {
    await keel.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

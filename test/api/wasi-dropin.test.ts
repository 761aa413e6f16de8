/**
 * The node:wasi drop-in (`keel/wasi`): the same program, options and calls as with node:wasi's
 * WASI class give the same output and exit code; traps are thrown the same way; and where
 * node:wasi lets a program out of its preopen through a symlink, Keel does not.
 * Output is captured by giving both the same host fd for stdout (a temporary file).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI as NodeWASI } from 'node:wasi';
import { WASI as KeelWASI } from '../../src/platform/node/wasi.js';

const build = fileURLToPath(new URL('../../../programs/c/build/', import.meta.url));
const modules = new Map<string, WebAssembly.Module>();
const compiled = (name: string): WebAssembly.Module => {
  let m = modules.get(name);
  if (!m) modules.set(name, m = new WebAssembly.Module(readFileSync(join(build, `${name}.wasm`))));
  return m;
};

interface Outcome { code: number | string; stdout: string }

type WasiClass = new (o: Record<string, unknown>) => { getImportObject(): WebAssembly.Imports; start(i: WebAssembly.Instance): number };

/** Run `name` with the given WASI class exactly as node:wasi's documentation shows. */
async function runWith(Wasi: WasiClass, name: string, args: string[], preopens: Record<string, string>, dir: string): Promise<Outcome> {
  const outPath = join(dir, `stdout-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(outPath, 'w');
  try {
    const wasi = new Wasi({ version: 'preview1', args: [name, ...args], env: { GREETING: 'hi' }, preopens, stdout: fd, returnOnExit: true });
    const instance = await WebAssembly.instantiate(compiled(name), wasi.getImportObject());
    let code: number | string;
    try {
      code = wasi.start(instance);
    } catch (e) {
      code = e instanceof WebAssembly.RuntimeError ? `trap: ${e.message}` : `error: ${e instanceof Error ? e.message : String(e)}`;
    }
    return { code, stdout: readFileSync(outPath, 'utf8') };
  } finally {
    closeSync(fd);
    rmSync(outPath, { force: true });
  }
}

const both = async (name: string, args: string[], preopens: Record<string, string>, dir: string): Promise<[Outcome, Outcome]> =>
  [await runWith(NodeWASI as unknown as WasiClass, name, args, preopens, dir), await runWith(KeelWASI as unknown as WasiClass, name, args, preopens, dir)];

test('the same programs give the same output and exit codes as under node:wasi', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-wasi-'));
  const sandbox = mkdtempSync(join(tmpdir(), 'keel-wasi-sandbox-'));
  try {
    writeFileSync(join(sandbox, 'in.txt'), 'through the drop-in\n');
    for (const [name, args] of [['hello', []], ['echo_args_env', ['one', 'two words']], ['exit_code', ['7']]] as [string, string[]][]) {
      const [node, keel] = await both(name, args, {}, dir);
      assert.deepEqual(keel, node, name);
    }
    const [node, keel] = await both('copy_file', ['/sandbox/in.txt', '/sandbox/out.txt'], { '/sandbox': sandbox }, dir);
    assert.deepEqual(keel, node);
    assert.equal(keel.code, 0);
    assert.equal(readFileSync(join(sandbox, 'out.txt'), 'utf8'), 'through the drop-in\n');
    const [nodeTrap, keelTrap] = await both('trap', [], {}, dir);
    assert.deepEqual(keelTrap, nodeTrap);
    assert.match(String(keelTrap.code), /^trap: unreachable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(sandbox, { recursive: true, force: true });
  }
});

test('symlinks out of the preopen, absolute or relative, do not open (the secret stays unread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-wasi-'));
  const sandbox = mkdtempSync(join(dir, 'sandbox-'));
  try {
    writeFileSync(join(dir, 'secret'), 'outside the sandbox\n');
    writeFileSync(join(sandbox, 'inside'), 'inside the sandbox\n');
    symlinkSync(join(dir, 'secret'), join(sandbox, 'abs-link'));
    symlinkSync('../secret', join(sandbox, 'rel-link'));
    symlinkSync('inside', join(sandbox, 'ok-link'));
    for (const link of ['abs-link', 'rel-link']) {
      const keel = await runWith(KeelWASI as unknown as WasiClass, 'cat', [`/sandbox/${link}`], { '/sandbox': sandbox }, dir);
      assert.equal(keel.stdout, '', `${link}: nothing read`);
      assert.equal(keel.code, 1, `${link}: cat fails`);
    }
    const ok = await runWith(KeelWASI as unknown as WasiClass, 'cat', ['/sandbox/ok-link'], { '/sandbox': sandbox }, dir);
    assert.deepEqual(ok, { code: 0, stdout: 'inside the sandbox\n' }, 'a link that stays inside works');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(sandbox, { recursive: true, force: true });
  }
});

test('misuse is reported: start twice, an instance without _start, a version Keel lacks', async () => {
  assert.throws(() => new KeelWASI({ version: 'unstable' as never }), /preview1 only/);
  const wasi = new KeelWASI({ version: 'preview1', args: ['exit_code', '0'] });
  const instance = await WebAssembly.instantiate(compiled('exit_code'), wasi.getImportObject());
  assert.equal(wasi.start(instance), 0);
  assert.throws(() => wasi.start(instance), /already called/);
  const bare = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])));
  assert.throws(() => new KeelWASI({ version: 'preview1' }).start(bare), /does not export "memory"/);
});

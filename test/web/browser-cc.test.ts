/**
 * The browser demo, end to end: in headless Chromium, on the production build (dist/web), with
 * a package registry on 127.0.0.1 serving the real @yowasp/clang bytes (`?registry=URL`), the
 * tests type into the terminal: `pkg add @yowasp/clang` (fetched by the tab, checked, installed
 * on /usr in OPFS, the tarball cached in OPFS), then C written with the shell, compiled with cc
 * in the tab and run; a syntax error shows clang's diagnostic and a non-zero status; after a
 * reload clang is still installed, and adding it again downloads nothing (the OPFS cache).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveDirectory, type StaticServer } from '../support/static-server.js';
import { CLANG, CLANG_VERSION, clangTarball, startRegistry, type TestRegistry } from '../support/npm-registry.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = `${repo}dist/web`;
const chromiumPath = process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium';
const PROMPT = 'keel:/home$ ';
/** Bound on a wait for the page: a download, unpacking 2,400 files into OPFS, a compile. */
const WAIT_MS = 240_000;

interface KeelPage {
  readonly booted: boolean;
  readonly state: string;
  text(): string;
}

const screen = (page: Page): Promise<string> => page.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.text());

/** Type `command`; the lines it printed, once the next prompt is shown (bounded). */
async function run(page: Page, command: string): Promise<string[]> {
  const before = (await screen(page)).split('\n').length;
  await page.keyboard.type(`${command}\n`);
  try {
    await page.waitForFunction(([n, prompt]) => {
      const text = (globalThis as unknown as { keelPage: KeelPage }).keelPage.text().split('\n');
      return text.length > (n as number) && text[text.length - 1] === prompt;
    }, [before, PROMPT] as const, { timeout: WAIT_MS, polling: 100 });
  } catch {
    assert.fail(`no prompt after ${command}; the terminal shows:\n${await screen(page)}`);
  }
  const after = (await screen(page)).split('\n');
  return after.slice(before, after.length - 1);
}

async function boot(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const k = (globalThis as unknown as { keelPage?: KeelPage }).keelPage;
    return k && (k.booted || /fail/.test(k.state));
  }, null, { timeout: 30_000 });
  assert.match(await page.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.state), /^booted in/);
  await page.waitForFunction((prompt) => (globalThis as unknown as { keelPage: KeelPage }).keelPage.text().split('\n').at(-1) === prompt, PROMPT, { timeout: 30_000 });
}

let browser: Browser;
let server: StaticServer;
let registry: TestRegistry;
let page: Page;
let url: string;

test.before(async () => {
  assert.ok(existsSync(`${webRoot}/index.html`), 'dist/web is missing: run `npm run web:build` first');
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install chromium, or set KEEL_CHROMIUM`);
  server = await serveDirectory(webRoot, true);
  registry = await startRegistry([{ name: CLANG, version: CLANG_VERSION, tarball: clangTarball() }]);
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  url = `${server.url}?registry=${encodeURIComponent(registry.url)}`;
  await boot(page, url);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
  await registry?.close();
});

test('pkg add @yowasp/clang in the tab, then C written with the shell is compiled in the tab and runs', { timeout: WAIT_MS * 3 }, async () => {
  const add = await run(page, 'pkg add @yowasp/clang; echo "add=$?"');
  assert.ok(add.includes('add=0'), add.join('\n'));
  assert.ok(add.some((l) => /pkg: installed @yowasp\/clang@/.test(l)), add.join('\n'));
  assert.deepEqual(registry.requests, ['/@yowasp%2fclang', `/@yowasp/clang/-/clang-${CLANG_VERSION}.tgz`]);
  await run(page, 'echo \'#include <stdio.h>\' > hello.c');
  await run(page, 'echo \'int main(void) { puts("hello from C in the tab"); return 0; }\' >> hello.c');
  const out = await run(page, 'cc -O2 hello.c -o hello && ./hello; echo "status=$?"');
  assert.deepEqual(out, ['hello from C in the tab', 'status=0']);
  await run(page, 'echo \'int main(void) { return 0 }\' > bad.c');
  const bad = await run(page, 'cc bad.c; echo "status=$?"');
  assert.ok(bad.some((l) => l.includes('bad.c:1:26: error: expected \';\' after return statement')), bad.join('\n'));
  assert.equal(bad.at(-1), 'status=1');
});

test('after a reload clang is still installed, and installing again reads the tarball from the OPFS cache', { timeout: WAIT_MS * 2 }, async () => {
  await boot(page, url);
  const list = await run(page, 'pkg list');
  assert.equal(list.length, 1, list.join('\n'));
  assert.match(list[0]!, /^@yowasp\/clang@\S+ +clang clang\+\+ wasm-ld/, 'the terminal shows the tab as spaces');
  assert.deepEqual(await run(page, './hello'), ['hello from C in the tab']);
  const removed = await run(page, 'pkg remove @yowasp/clang; echo "rm=$?"');
  assert.equal(removed.at(-1), 'rm=0');
  const again = await run(page, 'pkg add @yowasp/clang; echo "add=$?"');
  assert.equal(again.at(-1), 'add=0');
  assert.equal(registry.requests.filter((p) => p.endsWith('.tgz')).length, 1, `the tarball was fetched again: ${registry.requests.join(' ')}`);
});

/**
 * Keel in a browser tab, end to end: the production build (dist/web, `npm run web:build`) served
 * with the cross-origin isolation headers and driven in headless Chromium (Debian's `chromium`,
 * through playwright-core; KEEL_CHROMIUM names another binary). The tests type into the real
 * xterm.js terminal and read its screen: a pipeline through the shell, a C program from this
 * repository installed with the page's file picker and another dropped on it, ^C, a file and a program on /home (diskfs in
 * OPFS) that survive a reload, a file that is not a program refused, the side panel, and a page
 * served without the headers saying why it cannot run. A screenshot of the page is kept in
 * test-artifacts/browser.png.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bootKeel } from '../../src/platform/node/index.js';
import { serveDirectory, type StaticServer } from '../support/static-server.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = `${repo}dist/web`;
const artifacts = `${repo}test-artifacts`;
const chromiumPath = process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium';
/** The shell's prompt. */
const PROMPT = 'keel:/home$ ';
/** Bound on every wait for the page (boot, a command's output). */
const WAIT_MS = 30_000;

interface KeelPage {
  readonly booted: boolean;
  readonly state: string;
  text(): string;
  columns(): number;
}

/** The little of the DOM the tests read (the project's types have no DOM). */
interface PageDocument {
  readonly document: { querySelector(selector: string): { readonly textContent: string | null } | null; readonly body: { readonly textContent: string | null } };
}

function screen(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.text());
}

/** Wait until the terminal shows `pattern` (a bounded wait on the page's own state, no sleeps). */
async function waitForScreen(page: Page, pattern: RegExp): Promise<string> {
  try {
    await page.waitForFunction(([source, flags]) => new RegExp(source!, flags).test((globalThis as unknown as { keelPage: KeelPage }).keelPage.text()), [pattern.source, pattern.flags], { timeout: WAIT_MS, polling: 50 });
  } catch {
    assert.fail(`the terminal never showed ${pattern}; it shows:\n${await screen(page)}`);
  }
  return screen(page);
}

/** Lines on the screen now. */
async function lineCount(page: Page): Promise<number> {
  return (await screen(page)).split('\n').length;
}

/** Wait until the screen has more than `lines` lines and ends with a fresh prompt; the screen's lines. */
async function waitForPrompt(page: Page, lines: number): Promise<string[]> {
  try {
    await page.waitForFunction(([n, prompt]) => {
      const text = (globalThis as unknown as { keelPage: KeelPage }).keelPage.text().split('\n');
      return text.length > (n as number) && text[text.length - 1] === prompt;
    }, [lines, PROMPT] as const, { timeout: WAIT_MS, polling: 50 });
  } catch {
    assert.fail(`no new prompt after line ${lines}; the terminal shows:\n${await screen(page)}`);
  }
  return (await screen(page)).split('\n');
}

async function waitForBoot(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const k = (globalThis as unknown as { keelPage?: KeelPage }).keelPage;
    return k && (k.booted || /fail/.test(k.state));
  }, null, { timeout: WAIT_MS });
  const state = await page.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.state);
  assert.match(state, /^booted in \d+ ms · \/home on diskfs in OPFS/);
  await waitForPrompt(page, 0);
}

/** Type `command` at the prompt; its output lines once the next prompt is shown. */
async function run(page: Page, command: string): Promise<string[]> {
  const before = await lineCount(page);
  await page.keyboard.type(`${command}\n`);
  const after = await waitForPrompt(page, before);
  assert.equal(after[before - 1], `${PROMPT}${command}`);
  return after.slice(before, after.length - 1);
}

/** Press Enter for a fresh prompt (after a notice from the page). */
async function freshPrompt(page: Page): Promise<void> {
  const before = await lineCount(page);
  await page.keyboard.press('Enter');
  await waitForPrompt(page, before);
}

let browser: Browser;
let server: StaticServer;
let page: Page;

test.before(async () => {
  assert.ok(existsSync(`${webRoot}/index.html`), 'dist/web is missing: run `npm run web:build` first');
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install chromium, or set KEEL_CHROMIUM`);
  server = await serveDirectory(webRoot, true);
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(server.url);
  await waitForBoot(page);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
});

test('a pipeline through the shell: echo hi | wc -c prints 3', async () => {
  assert.deepEqual(await run(page, 'echo hi | wc -c'), ['3']);
});

test('a C program from this repository, added with the file picker, runs from the shell', async () => {
  await page.setInputFiles('#program-file', `${repo}programs/c/build/echo_args_env.wasm`);
  await waitForScreen(page, /keel: installed \/home\/bin\/echo_args_env/);
  await freshPrompt(page);
  const out = await run(page, 'echo_args_env one "two words"');
  assert.ok(out.includes('argv[1]=one') && out.includes('argv[2]=two words'), out.join('\n'));
});

test('a program dropped on the page is installed and runs', async () => {
  const bytes = [...readFileSync(`${repo}programs/c/build/hello.wasm`)];
  // What the browser does when a file is dropped: dragenter shows the overlay, drop delivers it.
  await page.evaluate((b) => {
    const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string) => unknown; DragEvent: new (type: string, init: unknown) => unknown; document: { dispatchEvent(e: unknown): boolean } };
    const data = new g.DataTransfer();
    data.items.add(new g.File([new Uint8Array(b)], 'hello.wasm'));
    g.document.dispatchEvent(new g.DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
    g.document.dispatchEvent(new g.DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, bytes);
  await waitForScreen(page, /keel: installed \/home\/bin\/hello/);
  assert.equal(await page.isHidden('#drop'), true, 'the drop overlay is gone');
  await freshPrompt(page);
  assert.deepEqual(await run(page, 'hello'), ['hello, world']);
});

test('a file that is not a WebAssembly program is refused with the reason', async () => {
  await page.setInputFiles('#program-file', { name: 'notes.wasm', mimeType: 'application/wasm', buffer: Buffer.from('just text\n') });
  await waitForScreen(page, /keel: notes\.wasm: not a WebAssembly module/);
  await freshPrompt(page);
  assert.deepEqual(await run(page, 'ls /home/bin'), ['echo_args_env  hello']);
});

test('^C interrupts the foreground program and the shell carries on', async () => {
  const before = await lineCount(page);
  await page.keyboard.type('sleep 60\n');
  await waitForScreen(page, /sleep 60$/);
  // The ^C must reach sleep, not the shell before it has started sleep in the foreground (on a
  // busy machine the key could come first, and sleep then ran its whole minute).
  await page.waitForFunction(() => /sleep/.test((globalThis as unknown as PageDocument).document.querySelector('#processes')?.textContent ?? ''), null, { timeout: WAIT_MS });
  await page.keyboard.press('Control+C');
  const after = await waitForPrompt(page, before);
  assert.match(after[before] ?? '', /^\^C/);
  assert.deepEqual(await run(page, 'echo after'), ['after']);
});

test('the side panel lists the live processes and the services, and ended ones leave it', async () => {
  // Every program run so far has ended and its worker been reported gone (for a stopped worker:
  // once its life lock is released): only the kernel, the fs group and the shell are left, and
  // the workers are those two threads and the idle pool (at most 4).
  await page.waitForFunction(() => /^3 processes, [2-6] workers/.test((globalThis as unknown as PageDocument).document.querySelector('#threads')?.textContent ?? ''), null, { timeout: WAIT_MS });
  const processes = await page.textContent('#processes');
  assert.match(processes ?? '', /1\s*kernel \*.*2\s*fs \*.*\/bin\/sh/s);
  const services = await page.textContent('#services');
  assert.match(services ?? '', /fs \(proc, vfs, tmpfs, devfs, disk0, disk1\)\s*running/);
});

test('a resized terminal is a narrower terminal to programs: ls lays out /bin in fewer columns', async () => {
  const widest = (lines: string[]): number => Math.max(...lines.map((l) => l.length));
  const columns = (): Promise<number> => page.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.columns());
  const wide = await run(page, 'ls /bin');
  const before = await columns();
  await page.setViewportSize({ width: 760, height: 720 });
  await page.waitForFunction((n) => (globalThis as unknown as { keelPage: KeelPage }).keelPage.columns() < n, before, { timeout: WAIT_MS });
  const narrow = await run(page, 'ls /bin');
  const after = await columns();
  await page.setViewportSize({ width: 1280, height: 720 });
  // Wait for the reflow back: later tests count the screen's lines.
  await page.waitForFunction((n) => (globalThis as unknown as { keelPage: KeelPage }).keelPage.columns() === n, before, { timeout: WAIT_MS });
  assert.ok(narrow.length > wide.length, `${wide.length} lines at ${before} columns, ${narrow.length} at ${after}`);
  assert.ok(widest(narrow) <= after && widest(wide) > after, `widest line ${widest(narrow)} at ${after} columns`);
});

test('the WASI conformance programs print the same in the browser as on Node, line for line', async () => {
  const names = ['fd_meta', 'fd_rw', 'misc', 'path_open', 'path_ops'];
  const node = await bootKeel({});
  try {
    for (const name of names) {
      const bytes = readFileSync(`${repo}programs/c/build/conformance/${name}.wasm`);
      const dir = `/tmp/conformance-${name}`;
      await node.mkdir(dir);
      const onNode = await node.run(bytes, { args: [name, '/sandbox'], dirs: { '/sandbox': dir } });
      const inBrowser = await page.evaluate(([b, n, d]) => (globalThis as unknown as { keelPage: { run(bytes: Uint8Array, args: string[], dir: string): Promise<unknown> } }).keelPage.run(new Uint8Array(b as number[]), [n as string, '/sandbox'], d as string), [[...bytes], name, dir] as const);
      assert.deepEqual(inBrowser, { status: onNode.status, stdout: onNode.stdout, stderr: onNode.stderr }, name);
      assert.deepEqual(onNode.status, { kind: 'exited', code: 0 }, name);
      assert.ok(onNode.stdout.split('\n').length > 20, `${name} printed its checks`);
    }
  } finally {
    await node.shutdown();
  }
});

/** What the reload test wrote to /home/note.txt. */
let token = '';

test('/home is kept in OPFS: a file and an installed program survive a reload', async () => {
  token = `kept-${Date.now()}`;
  assert.deepEqual(await run(page, `echo ${token} > /home/note.txt && sync`), []);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/browser.png` });
  await page.reload();
  await waitForBoot(page);
  assert.deepEqual(await run(page, 'cat /home/note.txt'), [token]);
  assert.ok((await run(page, 'echo_args_env again')).includes('argv[1]=again'));
});

test('a service worker killed from the panel is restarted by the supervisor, and /home is back', async () => {
  assert.ok(token, 'the reload test ran first');
  await page.waitForFunction(() => /running\s*\d+\s*0\s*kill/.test((globalThis as unknown as PageDocument).document.querySelector('#services')?.textContent ?? ''), null, { timeout: WAIT_MS });
  await page.click('#services button[data-service="fs"]');
  await waitForScreen(page, /keel: killed fs \(pid \d+\); the supervisor restarts it/);
  await page.waitForFunction(() => /running\s*\d+\s*1\s*kill/.test((globalThis as unknown as PageDocument).document.querySelector('#services')?.textContent ?? ''), null, { timeout: WAIT_MS });
  // The old shell's sessions went with the service: the page starts a new shell.
  await waitForScreen(page, /keel: a service was restarted, and the shell's sessions with it: starting a new shell\n(.*\n)*keel:\/home\$ $/);
  assert.deepEqual(await run(page, 'cat /home/note.txt'), [token]);
});

test('the same page boots the isolated and kernel-thread manifests, on the same /home', async () => {
  assert.ok(token, 'the reload test ran first');
  const context = page.context();
  // A second tab cannot mount /home while this one has it: its boot fails and says why.
  const second = await context.newPage();
  await second.goto(server.url);
  await second.waitForFunction(() => /boot failed/.test((globalThis as unknown as { keelPage: KeelPage }).keelPage.state), null, { timeout: WAIT_MS });
  assert.match(await second.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.state), /\/home\.img: in use by another tab or worker/);
  await second.close();
  assert.deepEqual(await run(page, 'cat /home/note.txt'), [token]);
  await page.close(); // its diskfs holds /home's image: one system mounts it at a time
  for (const manifest of ['isolated', 'kernel']) {
    const other = await context.newPage();
    await other.goto(`${server.url}?manifest=${manifest}`);
    await waitForBoot(other);
    assert.match(await other.evaluate(() => (globalThis as unknown as { keelPage: KeelPage }).keelPage.state), new RegExp(`manifest ${manifest}$`));
    assert.deepEqual(await run(other, 'echo hi | wc -c'), ['3']);
    assert.deepEqual(await run(other, 'cat /home/note.txt'), [token]);
    await other.close();
  }
});

test('a page served without cross-origin isolation says so instead of failing silently', async () => {
  const plain = await serveDirectory(webRoot, false);
  try {
    const other = await browser.newPage();
    await other.goto(plain.url);
    await other.waitForFunction(() => /not cross-origin isolated/.test((globalThis as unknown as PageDocument).document.body.textContent ?? ''), null, { timeout: WAIT_MS });
    assert.match(await other.textContent('#terminal') ?? '', /Cross-Origin-Opener-Policy: same-origin/);
    await other.close();
  } finally {
    await plain.close();
  }
});

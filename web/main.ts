/**
 * Keel's page: checks that the browser gives it what Keel needs (cross-origin isolation for
 * SharedArrayBuffer; OPFS for a persistent /home), starts the kernel worker, and joins it to the
 * terminal, the side panel and the program picker. Keel itself never runs on this thread: the
 * page may not block in Atomics.wait, and it must stay responsive while programs run.
 * `window.keelPage` exposes the terminal's text and the boot state, for tests and the console.
 */

import './style.css';
import defaultManifest from '../manifests/default.yaml?raw';
import isolatedManifest from '../manifests/isolated.yaml?raw';
import kernelManifest from '../manifests/kernel.yaml?raw';
import type { KernelToPage, PageToKernel } from '../src/platform/browser/page-messages.js';
import { openTerminal, type PageTerminal } from './page/terminal.js';
import { makePanel } from './page/panel.js';
import { acceptPrograms } from './page/programs.js';

/** The shipped manifests, chosen with `?manifest=NAME` (default: the coalesced one). */
const MANIFESTS: Record<string, string> = { default: defaultManifest, isolated: isolatedManifest, kernel: kernelManifest };

/** The OPFS files that hold /home and /usr (what pkg installs). */
const HOME_IMAGE = '/home.img';
const USR_IMAGE = '/usr.img';
/** The package registry pkg installs from unless `?registry=URL` names another (`?registry=none`: none). */
const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const state = byId<HTMLSpanElement>('state');

function setState(text: string, error = false): void {
  state.textContent = text;
  state.classList.toggle('error', error);
  page.state = text;
}

type BenchRequest = (bytes: Uint8Array, args: string[], dir: string, rounds: number) => Promise<number[]>;
type RunResult = Extract<KernelToPage, { kind: 'ran' }>['result'];
type RunRequest = (bytes: Uint8Array, args: string[], dir: string) => Promise<RunResult>;
const page: { state: string; booted: boolean; terminal: PageTerminal | null; bench: BenchRequest | null; run: RunRequest | null } = { state: '', booted: false, terminal: null, bench: null, run: null };
(window as unknown as { keelPage: unknown }).keelPage = {
  get state() { return page.state; },
  get booted() { return page.booted; },
  /** Time a program's runs, spawn to exit, in ms (bench/web.ts). */
  bench: (bytes: Uint8Array, args: string[], dir: string, rounds: number) => page.bench?.(bytes, args, dir, rounds) ?? Promise.reject(new Error('Keel is not running')),
  /** Run a program once, `/sandbox` being `dir`: its status and output (the browser tests). */
  run: (bytes: Uint8Array, args: string[], dir: string) => page.run?.(bytes, args, dir) ?? Promise.reject(new Error('Keel is not running')),
  text: () => page.terminal?.text() ?? '',
  columns: () => page.terminal?.columns() ?? 0,
};

function notIsolated(): void {
  setState('cannot start: this page is not cross-origin isolated', true);
  const note = document.createElement('div');
  note.className = 'notice';
  note.innerHTML = `<p><strong>Keel cannot run here: this page is not cross-origin isolated.</strong></p>
    <p>Keel's kernel and processes share memory (SharedArrayBuffer), which browsers only allow on a page served with
    <code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: require-corp</code>.
    Serve it with <code>npm run web</code> (or <code>npm run web:preview</code> for the production build), which send both.</p>`;
  byId('terminal').replaceChildren(note);
}

function start(): void {
  const manifestName = new URLSearchParams(location.search).get('manifest') ?? 'default';
  const manifest = MANIFESTS[manifestName];
  if (manifest === undefined) {
    setState(`no manifest named ${manifestName} (there are: ${Object.keys(MANIFESTS).join(', ')})`, true);
    return;
  }
  const tty = `keel-tty-${crypto.randomUUID()}`;
  const terminal = openTerminal(byId('terminal'), tty);
  page.terminal = terminal;
  terminal.notice(`Keel: a microkernel OS in TypeScript, running in this tab. Its programs: ls /bin.
Add a WASI program with "Add program…" or drop a .wasm file on the page. /home survives reloads.
Write C and run it here: pkg add @yowasp/clang, then cc hello.c -o hello && ./hello`);
  const hasOpfs = typeof navigator.storage?.getDirectory === 'function';
  if (!hasOpfs) terminal.notice('This browser has no Origin Private File System: /home is kept in memory and is lost on reload.');

  const kernel = new Worker(new URL('../dist/src/platform/browser/kernel-worker.js', import.meta.url), { type: 'module' });
  const send = (m: PageToKernel, transfer: Transferable[] = []): void => kernel.postMessage(m, transfer);
  const panel = makePanel(byId('processes'), byId('services'), byId('threads'), (name) => {
    send({ kind: 'kill-service', name });
    terminal.focus(); // keys go back to the shell, not to the button
  });
  const benches = new Map<number, { resolve: (ms: number[]) => void; reject: (e: Error) => void }>();
  let nextBench = 1;
  const runs = new Map<number, (r: RunResult) => void>();
  page.run = (bytes, args, dir) => new Promise((resolve) => {
    const id = nextBench++;
    runs.set(id, resolve);
    send({ kind: 'run', id, bytes, args, dir });
  });
  page.bench = (bytes, args, dir, rounds) => new Promise((resolve, reject) => {
    const id = nextBench++;
    benches.set(id, { resolve, reject });
    send({ kind: 'bench', id, bytes, args, dir, rounds });
  });

  kernel.onmessage = (e: MessageEvent<KernelToPage>) => {
    const m = e.data;
    switch (m.kind) {
      case 'booted':
        page.booted = true;
        setState(`booted in ${m.ms} ms · /home ${m.home === 'disk' ? 'on diskfs in OPFS (survives reload)' : 'in memory'} · manifest ${manifestName}`);
        terminal.focus();
        break;
      case 'boot-failed':
        setState(`boot failed: ${m.message}`, true);
        terminal.notice(`keel: boot failed: ${m.message}`);
        break;
      case 'status':
        panel(m.snapshot);
        break;
      case 'program-added':
        terminal.notice(`keel: installed ${m.path}: type ${m.path.split('/').pop()} to run it`);
        break;
      case 'program-refused':
        terminal.notice(`keel: ${m.name}: ${m.message}`);
        break;
      case 'log':
        terminal.notice(`keel: ${m.line}`);
        break;
      case 'bench-done':
        benches.get(m.id)?.resolve([...m.ms]);
        benches.delete(m.id);
        break;
      case 'bench-failed':
        benches.get(m.id)?.reject(new Error(m.message));
        benches.delete(m.id);
        break;
      case 'ran':
        runs.get(m.id)?.(m.result);
        runs.delete(m.id);
        break;
      case 'shell-exited':
        terminal.notice(`[the shell exited with status ${m.code}; a new one is starting]`);
        break;
    }
  };
  kernel.onerror = (e) => setState(`the kernel worker failed: ${e.message}`, true);

  acceptPrograms(byId('program-file'), byId('drop'), (name, bytes) => send({ kind: 'add-program', name, bytes }, [bytes.buffer]));
  // Commit /home when the page is hidden or closed: diskfs otherwise commits within 5 s.
  const sync = (): void => send({ kind: 'sync' });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') sync();
  });
  window.addEventListener('pagehide', sync);

  setState('booting…');
  const registryParam = new URLSearchParams(location.search).get('registry') ?? DEFAULT_REGISTRY;
  const registry = registryParam === 'none' ? null : registryParam;
  send({ kind: 'boot', tty, manifest, home: hasOpfs ? HOME_IMAGE : null, usr: hasOpfs ? USR_IMAGE : null, registry });
}

/** What this browser lacks that Keel needs, beyond isolation (null: nothing). */
function missingFeature(): string | null {
  if (typeof (Atomics as { waitAsync?: unknown }).waitAsync !== 'function') return 'Atomics.waitAsync (the kernel thread waits for calls with it)';
  if (typeof Worker !== 'function') return 'Web Workers';
  return null;
}

const missing = missingFeature();
if (!globalThis.crossOriginIsolated) notIsolated();
else if (missing) setState(`cannot start: this browser has no ${missing}`, true);
else start();

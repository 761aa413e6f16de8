/**
 * Entry point of the kernel worker: the browser's counterpart of the `keel boot` process. The
 * page starts it and sends `boot`; it boots Keel from the page's manifest with the shell's
 * programs in /bin, /home and /usr (what pkg installs) each on a diskfs in OPFS, and the package
 * registry the page names (fetched from here, tarballs cached in OPFS: browser-host-http.ts), then keeps an interactive shell on the
 * terminal (a new one when it exits, as a terminal's login would), reports the process and
 * service tables once a second, installs programs the user drops on the page, kills a service
 * worker when the panel asks (fault injection: the supervisor restarts it), and commits the
 * file systems when asked (the page is being hidden).
 * The kernel and its call-serving loop run here: a worker may block in Atomics.wait, a page may not.
 */

import { Keel, type KeelProcess } from '../../api/keel.js';
import { parseManifestBytes } from '../../manifest/manifest.js';
import { browserKeelHost } from './browser-keel-host.js';
import { prepareImage } from './opfs-host-fs.js';
import type { KernelToPage, PageToKernel } from './page-messages.js';
import { addProgram, bench, PROGRAM_DIR, runOnce } from './program-requests.js';
import { workerScope } from './web-globals.js';

const scope = workerScope();
const post = (m: KernelToPage): void => scope.postMessage(m);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const MANIFEST_PATH = '/manifests/default.yaml';
/** The size of a new /home image. */
const HOME_IMAGE_BYTES = 64 * 1024 * 1024;
/** The size of a new /usr image: room for clang (about 110 MB installed) and more. */
const USR_IMAGE_BYTES = 512 * 1024 * 1024;
const STATUS_MS = 1000;

let keel: Keel | null = null;
/** The shell on the terminal now. */
let shellProcess: KeelProcess | null = null;
/** Why the shell was ended by this worker, if it was (then its end is reported as this). */
let shellEndedBecause: string | null = null;

/**
 * A restarted service has none of its old clients' sessions: the shell's VFS, proc and console
 * sessions may be gone with it, leaving a shell that finds no command. End that shell; the loop
 * starts one with fresh sessions.
 */
function onKernelMessage(line: string): void {
  post({ kind: 'log', line });
  if (/ restarted as pid \d+/.test(line) && shellProcess) {
    shellEndedBecause = 'a service was restarted, and the shell\'s sessions with it: starting a new shell';
    shellProcess.kill(9);
  }
}

/**
 * Disk images are added in the VFS's isolation class: when that is the kernel thread, diskfs runs
 * here, so this worker must make the image's OPFS handle before the boot (see opfs-host-fs.ts).
 */
async function prepareKernelImages(manifest: Uint8Array, images: readonly (string | null)[]): Promise<void> {
  const vfs = Object.values(parseManifestBytes(manifest, 'manifest').services).find((s) => s.kind === 'vfs');
  if (vfs?.class !== 'kernel') return;
  for (const image of images) if (image !== null) await prepareImage(image);
}

async function boot(m: Extract<PageToKernel, { kind: 'boot' }>): Promise<void> {
  const manifest = new TextEncoder().encode(m.manifest);
  const host = browserKeelHost(m.tty, new Map([[MANIFEST_PATH, manifest]]), MANIFEST_PATH);
  const started = performance.now();
  try {
    await prepareKernelImages(manifest, [m.home, m.usr]);
    keel = await Keel.boot(host, {
      shell: true,
      disks: {
        ...(m.home !== null ? { '/home': { image: m.home, size: HOME_IMAGE_BYTES } } : {}),
        ...(m.usr !== null ? { '/usr': { image: m.usr, size: USR_IMAGE_BYTES } } : {}),
      },
      ...(m.registry !== null ? { registry: m.registry } : {}),
      log: onKernelMessage,
    });
    await keel.mkdir(PROGRAM_DIR);
  } catch (e) {
    post({ kind: 'boot-failed', message: message(e) });
    return;
  }
  post({ kind: 'booted', ms: Math.round(performance.now() - started), home: m.home !== null ? 'disk' : 'memory' });
  setInterval(() => {
    if (keel) post({ kind: 'status', snapshot: { processes: keel.processes(), services: keel.services(), threads: keel.liveThreads() } });
  }, STATUS_MS);
  void shell(keel);
}

/** Keep an interactive shell on the terminal. */
async function shell(k: Keel): Promise<void> {
  const env = { PATH: `/bin:/usr/bin:${PROGRAM_DIR}`, HOME: '/home', PWD: '/home', TERM: 'xterm-256color', USER: 'keel' };
  for (;;) {
    try {
      const p = await k.spawn({ path: '/bin/sh' }, { args: ['sh'], env, dirs: ['/'], stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' });
      shellProcess = p;
      const { exitCode } = await p.result();
      shellProcess = null;
      if (shellEndedBecause) post({ kind: 'log', line: shellEndedBecause });
      else post({ kind: 'shell-exited', code: exitCode });
      shellEndedBecause = null;
    } catch (e) {
      post({ kind: 'log', line: `cannot start the shell: ${message(e)}` });
      return;
    }
  }
}

scope.addEventListener('message', (e) => {
  const m = e.data as PageToKernel;
  if (m.kind === 'boot' && !keel) void boot(m);
  else if (m.kind === 'add-program') void addProgram(keel, m, post);
  else if (m.kind === 'bench') void bench(keel, m, post);
  else if (m.kind === 'run') void runOnce(keel, m, post);
  else if (m.kind === 'kill-service' && keel) {
    const pid = keel.killService(m.name);
    post({ kind: 'log', line: pid === null ? `${m.name}: no worker of it is running` : `killed ${m.name} (pid ${pid}); the supervisor restarts it` });
  }
  else if (m.kind === 'sync') keel?.sync().catch((err: unknown) => post({ kind: 'log', line: message(err) }));
});

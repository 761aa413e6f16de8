/**
 * Entry point of every Keel thread in a browser: a dedicated worker started by BrowserHost. It
 * makes the OPFS handles of the disk images its services will mount (they can only be made
 * asynchronously, and only here), then hands the start data to the portable runThread with the
 * browser thread platform. A worker whose process retired says `idle` and waits for the next one.
 * An error nothing caught is reported to the host as fatal: a browser worker would carry on after
 * it, but a Keel thread that failed must end so the kernel can tell its callers.
 */

import type { BootSpec } from '../../abi/boot-spec.js';
import { runThread } from '../../thread/thread-main.js';
import { ALL_RUNTIMES } from '../../thread/all-runtimes.js';
import { hostFilesOfEntry } from '../../services/kinds.js';
import { browserThreadPlatform } from './browser-thread-platform.js';
import { prepareImage } from './opfs-host-fs.js';
import { type HoldLock, IDLE, type RunProcess, type ThreadFatal } from './thread-messages.js';
import { webLocks, workerScope } from './web-globals.js';

const scope = workerScope();

/** The disk images the services of `boot` open (each kind says which host files it opens). */
function imagesOf(boot: BootSpec): string[] {
  if (boot.kind !== 'services') return [];
  return boot.services.flatMap((s) => [...hostFilesOfEntry(s)]);
}

async function serve({ start }: RunProcess): Promise<void> {
  // A failure here is not fatal: the image's service then fails to start with this reason, and
  // the kernel reports it like any other start failure.
  for (const image of imagesOf(start.boot)) await prepareImage(image).catch(() => {});
  await runThread(start, browserThreadPlatform(start.control, start.tty), ALL_RUNTIMES);
  start.control.close();
  scope.postMessage(IDLE);
}

const fatal = (reason: unknown): void => {
  scope.postMessage({ kind: 'fatal', message: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) } satisfies ThreadFatal);
};

/**
 * Settles once this worker holds its life lock (HoldLock): no process runs before, so a host that
 * is granted the lock after terminate() knows this worker never touched the arena, or is gone.
 */
let alive: Promise<void> = Promise.resolve();

function holdLock(name: string): void {
  const locks = webLocks();
  if (!locks) return;
  alive = new Promise<void>((held) => {
    void locks.request(name, () => {
      held();
      return new Promise<never>(() => {}); // held until the worker ends
    });
  });
}

scope.addEventListener('unhandledrejection', (e) => fatal(e.reason));
scope.addEventListener('message', (e) => {
  const m = e.data as HoldLock | RunProcess;
  if ('lock' in m) holdLock(m.lock);
  else void alive.then(() => serve(m)).catch(fatal);
});

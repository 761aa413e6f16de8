/**
 * The KeelHost of a Keel booted in a browser's kernel worker: BrowserHost for its threads, the
 * browser thread platform for the kernel thread, and a small table of files the page handed over
 * (the manifest) in place of host files. There are no host directories or host stdio files. The
 * programs' memory budget is half the device's memory (navigator.deviceMemory), else 1 GiB.
 */

import type { KeelHost } from '../../api/keel.js';
import { BrowserHost } from './browser-host.js';
import { browserThreadPlatform } from './browser-thread-platform.js';
import { deviceMemoryBytes } from './web-globals.js';

/** Without a figure from the browser, the programs' memory budget (a tab's memory is limited anyway). */
const FALLBACK_BUDGET = 2 ** 30;

const noHostFiles = (): never => {
  throw new Error('a browser has no host files');
};

/** `tty`: the terminal channel; `files`: host path → contents, for readFile. */
export function browserKeelHost(tty: string, files: ReadonlyMap<string, Uint8Array>, defaultManifest: string): KeelHost {
  return {
    makeSystemHost: (threads) => new BrowserHost(tty, 0, { ...(threads?.warm !== undefined ? { size: threads.warm } : {}), ...(threads?.atBoot !== undefined ? { atBoot: threads.atBoot } : {}) }),
    platform: browserThreadPlatform(null, tty),
    absolutePath: (path) => (path.startsWith('/') ? path : `/${path}`),
    directory: () => {
      throw new Error('a browser has no host directories');
    },
    defaultManifest,
    // Half of what the device has, as on Node: the page, the kernel and the services keep the rest.
    defaultMemoryBudget: () => Math.floor((deviceMemoryBytes() ?? 2 * FALLBACK_BUDGET) / 2),
    readFile(path) {
      const f = files.get(path);
      if (!f) throw new Error('no such file or directory');
      return f;
    },
    openInput: noHostFiles,
    openOutput: noHostFiles,
  };
}

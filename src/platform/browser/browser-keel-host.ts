/**
 * The KeelHost of a Keel booted in a browser's kernel worker: BrowserHost for its threads, the
 * browser thread platform for the kernel thread, and a small table of files the page handed over
 * (the manifest) in place of host files. There are no host directories or host stdio files.
 */

import type { KeelHost } from '../../api/keel.js';
import { BrowserHost } from './browser-host.js';
import { browserThreadPlatform } from './browser-thread-platform.js';

const noHostFiles = (): never => {
  throw new Error('a browser has no host files');
};

/** `tty`: the terminal channel; `files`: host path → contents, for readFile. */
export function browserKeelHost(tty: string, files: ReadonlyMap<string, Uint8Array>, defaultManifest: string): KeelHost {
  return {
    makeSystemHost: () => new BrowserHost(tty),
    platform: browserThreadPlatform(null, tty),
    absolutePath: (path) => (path.startsWith('/') ? path : `/${path}`),
    directory: () => {
      throw new Error('a browser has no host directories');
    },
    defaultManifest,
    readFile(path) {
      const f = files.get(path);
      if (!f) throw new Error('no such file or directory');
      return f;
    },
    openInput: noHostFiles,
    openOutput: noHostFiles,
  };
}

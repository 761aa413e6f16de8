/**
 * The browser globals Keel's browser platform uses, typed narrowly here because the project is
 * compiled against Node's types, not the DOM's. Each is read from globalThis when it is first
 * needed, so importing this module on Node (type checks, unit tests) touches nothing.
 * Invariant: only src/platform/browser imports this file.
 */

export interface WebMessageEvent<T = unknown> {
  readonly data: T;
}

/** A MessagePort or BroadcastChannel end as the browser has them. */
export interface WebPort {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: 'message', fn: (e: WebMessageEvent) => void): void;
  /** A MessagePort delivers to listeners added with addEventListener only once started. */
  start?(): void;
  close(): void;
}

export interface WebWorker {
  postMessage(message: unknown, transfer?: unknown[]): void;
  terminate(): void;
  addEventListener(type: 'message', fn: (e: WebMessageEvent) => void): void;
  addEventListener(type: 'error' | 'messageerror', fn: (e: { readonly message?: string; preventDefault(): void }) => void): void;
}

export type WorkerConstructor = new (url: URL, options: { type: 'module'; name?: string }) => WebWorker;

/** A dedicated worker's own scope (`self`). */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: 'message', fn: (e: WebMessageEvent) => void): void;
  addEventListener(type: 'unhandledrejection', fn: (e: { readonly reason: unknown }) => void): void;
}

/** OPFS: a file's synchronous access handle (dedicated workers only). */
export interface SyncAccessHandle {
  read(into: Uint8Array, options: { at: number }): number;
  write(from: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

export interface OpfsFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
  /** The file's contents as they are now. */
  getFile(): Promise<{ readonly size: number; stream(): ReadableStream<Uint8Array> }>;
  /** A writer whose changes appear whole when it is closed (written to a swap file until then). */
  createWritable(): Promise<{ write(data: Uint8Array): Promise<void>; close(): Promise<void>; abort(): Promise<void> }>;
}

export interface OpfsDirectory {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OpfsFileHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OpfsDirectory>;
  removeEntry(name: string): Promise<void>;
}

interface BrowserGlobals {
  Worker?: WorkerConstructor;
  MessageChannel: new () => { port1: WebPort; port2: WebPort };
  BroadcastChannel: new (name: string) => WebPort;
  crypto: { getRandomValues(bytes: Uint8Array): Uint8Array };
  navigator: {
    storage?: { getDirectory?(): Promise<OpfsDirectory>; estimate?(): Promise<{ quota?: number; usage?: number }> };
    locks?: WebLocks;
    /** GiB of device memory, rounded (Chromium only). */
    deviceMemory?: number;
  };
}

/** The Web Locks API: a lock is released when its holder's callback settles or its agent ends. */
export interface WebLocks {
  request(name: string, callback: () => unknown): Promise<unknown>;
}

const g = globalThis as unknown as BrowserGlobals;

/** This worker's scope: `self` in a dedicated worker. */
export const workerScope = (): WorkerScope => globalThis as unknown as WorkerScope;

export const newMessageChannel = (): { port1: WebPort; port2: WebPort } => new g.MessageChannel();

export const newBroadcastChannel = (name: string): WebPort => new g.BroadcastChannel(name);

export const getRandomValues = (bytes: Uint8Array): void => {
  g.crypto.getRandomValues(bytes);
};

/** The Worker constructor, or null where this context cannot start workers. */
export const workerConstructor = (): WorkerConstructor | null => g.Worker ?? null;

/** Web Locks, or null where the browser has none. */
export const webLocks = (): WebLocks | null => g.navigator?.locks ?? null;

/** The origin-private file system's root directory, or null where the browser has none. */
export async function opfsRoot(): Promise<OpfsDirectory | null> {
  const storage = g.navigator?.storage;
  if (!storage?.getDirectory) return null;
  return storage.getDirectory();
}

/** Bytes the origin may still store (quota − usage), or null if unknown. */
export async function storageFree(): Promise<number | null> {
  const e = await g.navigator?.storage?.estimate?.();
  return e?.quota !== undefined && e.usage !== undefined ? e.quota - e.usage : null;
}

/** Bytes of memory the device has, as the browser admits to (navigator.deviceMemory), or null. */
export const deviceMemoryBytes = (): number | null => {
  const gib = g.navigator?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? gib * 2 ** 30 : null;
};

/**
 * diskfs as a service: open (or make) the disk image on the host, mount it, and serve it with
 * fsProtocol. A missing or empty image is made `size` bytes (sparse) and formatted; an image
 * that holds anything else is never formatted over — mounting it fails with the reason.
 */

import { HostFsError, type HostFs } from '../../host/host-fs.js';
import { BLOCK_SIZE, type BlockDevice, imageDevice } from './block-device.js';
import { Diskfs, type DiskfsOptions } from './diskfs.js';
import { formatDevice } from './mkfs.js';

/** The size a new image gets when the manifest does not say (64 MiB). */
export const DEFAULT_IMAGE_BYTES = 64 * 1024 * 1024;

export interface DiskImage {
  readonly device: BlockDevice;
  /** True if the image was made (formatted) by this open. */
  readonly formatted: boolean;
}

/** Open `path` as a block device, making and formatting it if it is missing or empty. */
export function openDiskImage(host: HostFs, path: string, sizeBytes: number, clock: () => bigint): DiskImage {
  let fresh = false;
  try {
    fresh = host.lstat(path).size === 0;
  } catch (e) {
    if (!(e instanceof HostFsError) || e.code !== 'ENOENT') throw e;
    fresh = true;
  }
  const blockCount = Math.floor(sizeBytes / BLOCK_SIZE);
  const device = imageDevice(host, path, { create: fresh, blockCount });
  if (fresh) {
    try {
      formatDevice(device, clock());
    } catch (e) {
      device.close();
      throw e;
    }
  }
  return { device, formatted: fresh };
}

/** The lock file that keeps a second system off a mounted image. */
export const lockPath = (image: string): string => `${image}.lock`;

/**
 * Lock, open and mount the image; throws with a message naming the image if it cannot.
 * `owner`: the token of the system mounting it (a restarted diskfs of the same system passes the
 * same one and keeps the lock). The lock stays until the system releases it (`unlock`).
 */
export function mountDiskImage(host: HostFs, path: string, sizeBytes: number, clock: () => bigint, options: DiskfsOptions = {}, owner?: string): { fs: Diskfs; formatted: boolean } {
  const fail = (what: string, e: unknown): Error => new Error(`diskfs: ${path}: ${what}${e instanceof Error ? e.message : String(e)}`);
  if (owner !== undefined) {
    try {
      host.lock(lockPath(path), owner);
    } catch (e) {
      throw fail('', e);
    }
  }
  let image: DiskImage;
  try {
    image = openDiskImage(host, path, sizeBytes, clock);
  } catch (e) {
    if (owner !== undefined) host.unlock(lockPath(path), owner);
    throw fail('', e);
  }
  try {
    return { fs: Diskfs.mount(image.device, clock, options), formatted: image.formatted };
  } catch (e) {
    image.device.close();
    if (owner !== undefined) host.unlock(lockPath(path), owner);
    throw fail('cannot mount: ', e);
  }
}

/**
 * Checking a diskfs image from the host, without booting a system or changing the image
 * (`keel fsck`): the image opened read-only through the platform's host file system and checked
 * as a mount would see it (services/diskfs/image-check.ts).
 */

import type { HostFs } from '../host/host-fs.js';
import { imageDevice } from '../services/diskfs/block-device.js';
import { type FsckReport, fsck } from '../services/diskfs/image-check.js';
import { KeelError } from '../system/system.js';

export type { FsckReport };

/** Check the image at the absolute host path `image`; KeelError NOT_FOUND if it cannot be opened. */
export function checkDiskImage(host: HostFs, image: string): FsckReport {
  let dev;
  try {
    dev = imageDevice(host, image, { create: false });
  } catch (e) {
    throw new KeelError('NOT_FOUND', `${image}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return fsck(dev);
  } finally {
    dev.close();
  }
}

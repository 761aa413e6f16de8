/**
 * Reading a diskfs image from the host side, as the crash and fault checkers do after Keel has
 * stopped (or been killed): fsck it untouched, then mount it (replaying its journal, as the next
 * boot would) and read one file.
 */

import { nodeHostFs } from '../../src/platform/node/node-host-fs.js';
import { imageDevice } from '../../src/services/diskfs/block-device.js';
import { Diskfs } from '../../src/services/diskfs/diskfs.js';
import { type FsckReport, fsck } from '../../src/services/diskfs/image-check.js';

export function checkImage(image: string): FsckReport {
  const dev = imageDevice(nodeHostFs, image, { create: false });
  try {
    return fsck(dev);
  } finally {
    dev.close();
  }
}

/** The contents of `path` (absolute, in the image), or null if it does not exist. Mounts (replays) the image. */
export function readImageFile(image: string, path: string): Uint8Array | null {
  const dev = imageDevice(nodeHostFs, image, { create: false });
  const fs = Diskfs.mount(dev, () => BigInt(Date.now()) * 1_000_000n);
  try {
    let node = 1;
    for (const name of path.split('/').filter((p) => p !== '')) {
      const r = fs.lookup(node, name);
      if (typeof r === 'number') return null;
      node = r.node;
    }
    const st = fs.getattr(node);
    if (typeof st === 'number') return null;
    const data = fs.read(node, 0, st.size);
    return typeof data === 'number' ? null : data;
  } finally {
    fs.unmount();
  }
}

/**
 * `keel fsck IMAGE`: check a diskfs image without changing it and print what was found: a
 * summary line, notes (journal transactions a mount would replay, orphans it would free) and one
 * line per error. Exit 0 when clean, 1 when damaged, 2 when the image cannot be opened.
 */

import type { CliHost } from './cli-host.js';
import { type FsckReport, checkDiskImage } from '../api/disk-check.js';

export function fsckCommand(host: CliHost, image: string): number {
  const hostFs = host.keel.platform.hostFs;
  if (!hostFs) {
    host.stderr('keel: fsck: this platform has no host file system');
    return 2;
  }
  let r: FsckReport;
  try {
    r = checkDiskImage(hostFs, host.keel.absolutePath(image));
  } catch (e) {
    host.stderr(`keel: fsck: ${image}: ${e instanceof Error ? e.message.replace(/^[^:]*: /, '') : String(e)}`);
    return 2;
  }
  for (const n of r.notes) host.stdout(`note: ${n}`);
  for (const e of r.errors) host.stdout(`error: ${e}`);
  host.stdout(`${image}: ${r.errors.length === 0 ? 'clean' : `${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`}, ${r.files} files, ${r.directories} directories, ${r.symlinks} symlinks, ${r.usedBlocks} blocks in use`);
  return r.errors.length === 0 ? 0 : 1;
}

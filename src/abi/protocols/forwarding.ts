/**
 * How a VFS read or write becomes its file system's read or write: the same registers and bulk,
 * with register 1 (the fid) replaced by the file's node number and the label by the file
 * system's. The VFS forwards this way, and so does a local kernel that holds a direct file (the
 * VFS's forward, done by the caller: docs/decisions/018-direct-files.md).
 *
 * Invariant, checked when this module loads: the two protocols' read and write layouts agree
 * everywhere but in what register 1 names, so a forward cannot corrupt a message.
 */

import { fsProtocol } from './fs.js';
import { vfsProtocol } from './vfs.js';

/** The register that holds the fid in a VFS read/write and the node in a file system's. */
export const FORWARD_REGISTER = 1;
/** The file system's labels for a forwarded read and write. */
export const FS_READ_LABEL = fsProtocol.layouts.read.label;
export const FS_WRITE_LABEL = fsProtocol.layouts.write.label;

function checkForwardLayouts(): void {
  const v = vfsProtocol.layouts, f = fsProtocol.layouts;
  const same = (a: object, b: object): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (v.read.request.regs.fid !== FORWARD_REGISTER || f.read.request.regs.node !== FORWARD_REGISTER
    || v.write.request.regs.fid !== FORWARD_REGISTER || f.write.request.regs.node !== FORWARD_REGISTER
    || v.read.request.regs.offset !== f.read.request.regs.offset || v.read.request.regs.length !== f.read.request.regs.length
    || v.write.request.regs.offset !== f.write.request.regs.offset
    || !same(v.read.reply.bulk, f.read.reply.bulk) || !same(v.write.reply.regs, f.write.reply.regs)
    || !same(v.write.request.bulk, f.write.request.bulk) || v.write.request.regs.append !== f.write.request.regs.append) {
    throw new Error('vfs/fs read-write layouts diverged: forwarding would corrupt messages');
  }
}
checkForwardLayouts();

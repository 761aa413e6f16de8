/**
 * The VFS as a service speaking vfsProtocol: the dispatch table, and the raw paths for the hottest
 * calls. A read or write on a file is forwarded to its file system with the fid replaced by the
 * node number; on a pipe end it is served here, waiting (a deferred reply) when the pipe is empty
 * or full unless the caller asked not to block.
 */

import { DEFER, type DeferredReply, FORWARDED, type Service } from '../../ipc/call-context.js';
import { type CallResult, serveProtocol } from '../../ipc/protocol-client.js';
import { ERRNO_PROTOCOL_ERRORS, Errno } from '../../abi/errno.js';
import { FileType, fsProtocol } from '../../abi/protocols/fs.js';
import { IO_NONBLOCK, LOOKUP_FOLLOW, OFLAG_CREAT, OFLAG_TRUNC, WANT_KEPT_FAILURES, splitOpenFlags, vfsProtocol } from '../../abi/protocols/vfs.js';
import type { ReadDone, WriteDone } from './pipe.js';
import type { Vfs } from './vfs.js';
import { type WalkFacts, noWalkFacts } from './walk-facts.js';

const VR = vfsProtocol.layouts.read;
const VW = vfsProtocol.layouts.write;

/** A read's reply: `n` bytes already in the bulk buffer from 0. */
function replyRead(regs: Float64Array, n: number): void {
  regs[VR.reply.bulk.data![0]] = 0;
  regs[VR.reply.bulk.data![1]] = n;
  regs[0] = 0;
}

/** How a pipe finishes a read or write that had to wait. */
export const pipeCompletions: { read: ReadDone; write: WriteDone } = {
  read: (d: DeferredReply, n) => {
    replyRead(d.regs, n);
    d.finish();
  },
  write: (d: DeferredReply, n, isError) => {
    if (isError) d.regs[0] = n;
    else {
      d.regs[VW.reply.regs.written!] = n;
      d.regs[VW.reply.regs.end!] = 0;
      d.regs[0] = 0;
    }
    d.finish();
  },
};

/**
 * The failures a walk or its type checks decide from the namespace alone. Any other errno from a
 * walk (ESTALE or EIO: a file system restarting under it) is no answer to keep, and must reach the
 * local kernel as an error, which re-establishes the session and asks again.
 */
const NAMESPACE_FAILURES: ReadonlySet<number> = new Set([Errno.NOENT, Errno.NOTDIR, Errno.LOOP, Errno.ISDIR, Errno.NOTCAPABLE, Errno.NAMETOOLONG, Errno.ILSEQ]);

/**
 * A failed open or stat, for a caller that keeps failures: as a reply with its token when the
 * namespace alone decided it on one file system with a change word; else the plain error.
 */
function keptFailure(vfs: Vfs, errno: number, facts: WalkFacts) {
  if (errno !== facts.decided || !NAMESPACE_FAILURES.has(errno)) return errno;
  const token = vfs.failureToken(facts);
  if (token.changeWord < 0) return errno;
  return {
    fid: 0, errno, cached: 0, generation: 0, ...token,
    dev: 0, ino: 0, type: 0, nlink: 0, size: 0, atim: 0n, mtim: 0n, ctim: 0n, direct: 0, holder: 0, via: 0, node: 0, from: 0, host: -1, hostDev: 0, hostIno: 0, hostTimes: -1,
  };
}

/** The VFS as a service speaking vfsProtocol. */
export function vfsService(vfs: Vfs): Service {
  const L = fsProtocol.layouts;
  const ok = (r: number): number | Record<string, never> => r || {};
  // A file system that does not answer (dead, restarting) is ESTALE: what the caller holds there
  // must be found again once it serves (the local kernel re-opens and retries; runtime/session-recovery.ts).
  const onFs = <T>(r: CallResult<T>): T | number => (r.transport !== 0 ? Errno.STALE : r.status !== 0 ? r.status : r.reply!);
  return serveProtocol(vfsProtocol, 'vfs', {
    openRoot: (r, c) => vfs.openRoot(c.badge, r.path),
    open: (r, c) => {
      const { oflags, access } = splitOpenFlags(r.oflags);
      // A close the caller deferred comes first, as if it had been its own call just before (an
      // open that changes nothing may take the closed file's node again: Vfs.closeCarried).
      if (r.close !== 0) vfs.closeCarried(c.badge, r.close - 1, (oflags & (OFLAG_CREAT | OFLAG_TRUNC)) === 0);
      try {
        const facts = noWalkFacts();
        const result = vfs.open(c.badge, r.dir, r.lookup, oflags, access, r.path, facts);
        return typeof result === 'number' && r.want & WANT_KEPT_FAILURES ? keptFailure(vfs, result, facts) : result;
      } finally {
        vfs.settle();
      }
    },
    close: (r, c) => ok(vfs.closeFid(c.badge, r.fid)),
    read: (r, c, server) => {
      const h = vfs.prepareForward(c.badge, r.fid, c.regs, false);
      if (h < 0) return -h;
      return server.forward(c, h, L.read.label) ? FORWARDED : Errno.STALE;
    },
    write: (r, c, server) => {
      const h = vfs.prepareForward(c.badge, r.fid, c.regs, true);
      if (h < 0) return -h;
      return server.forward(c, h, L.write.label) ? FORWARDED : Errno.STALE;
    },
    stat: (r, c) => vfs.statFid(c.badge, r.fid),
    statPath: (r, c) => {
      const facts = noWalkFacts();
      const result = vfs.statPath(c.badge, r.dir, r.path, (r.lookup & LOOKUP_FOLLOW) !== 0, facts);
      if (typeof result !== 'number') return { ...result, errno: 0 };
      return r.want & WANT_KEPT_FAILURES ? keptFailure(vfs, result, facts) : result;
    },
    mkdir: (r, c) => ok(vfs.create(c.badge, r.dir, r.path, FileType.DIRECTORY, '')),
    unlink: (r, c) => ok(vfs.unlink(c.badge, r.dir, r.path, r.directory !== 0)),
    rename: (r, c) => ok(vfs.rename(c.badge, r.fromDir, r.from, r.toDir, r.to)),
    readdir: (r, c) => {
      const p = vfs.fidPlace(c.badge, r.fid);
      if (typeof p === 'number') return p;
      if (p.type !== FileType.DIRECTORY) return Errno.NOTDIR;
      return onFs(vfs.fsOf(p).call('readdir', { dir: p.node, cookie: r.cookie, max: r.max }));
    },
    truncate: (r, c) => {
      if (!vfs.fidWritable(c.badge, r.fid)) return Errno.BADF;
      const p = vfs.fidPlace(c.badge, r.fid);
      if (typeof p === 'number') return p;
      return ok(Number(onFs(vfs.fsOf(p).call('truncate', { node: p.node, size: r.size }))) || 0);
    },
    setTimes: (r, c) => {
      const p = vfs.fidPlace(c.badge, r.fid);
      if (typeof p === 'number') return p;
      const res = onFs(vfs.fsOf(p).call('setTimes', { node: p.node, atim: r.atim, mtim: r.mtim, flags: r.flags }));
      return typeof res === 'number' ? res : {};
    },
    setTimesPath: (r, c) => {
      const p = vfs.placeAt(c.badge, r.dir, r.path, (r.lookup & LOOKUP_FOLLOW) !== 0);
      if (typeof p === 'number') return p;
      const res = onFs(vfs.fsOf(p).call('setTimes', { node: p.node, atim: r.atim, mtim: r.mtim, flags: r.flags }));
      return typeof res === 'number' ? res : {};
    },
    readlink: (r, c) => {
      const p = vfs.placeAt(c.badge, r.dir, r.path, false);
      if (typeof p === 'number') return p;
      if (p.type !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
      return onFs(vfs.fsOf(p).call('readlink', { node: p.node }));
    },
    symlink: (r, c) => ok(vfs.create(c.badge, r.dir, r.path, FileType.SYMBOLIC_LINK, r.target)),
    link: (r, c) => ok(vfs.link(c.badge, r.fromDir, r.from, (r.lookup & LOOKUP_FOLLOW) !== 0, r.toDir, r.to)),
    sync: (r, c) => {
      const p = vfs.fidPlace(c.badge, r.fid);
      if (typeof p === 'number') return p;
      const res = onFs(vfs.fsOf(p).call('sync', { node: p.node }));
      if (typeof res === 'number') return res;
      // Answered by the instance the file was opened on? One restarted between the check above
      // and the call would answer for writes it never saw (they died with its predecessor), and
      // the caller would count them durable: ESTALE instead, so its local kernel re-opens the
      // file, writes them again and asks again (runtime/session-recovery.ts).
      const still = vfs.fidPlace(c.badge, r.fid);
      return typeof still === 'number' ? still : {};
    },
    mount: () => Errno.PERM,
    mounts: () => ({ table: JSON.stringify(vfs.mountTable()) }),
    syncAll: () => ok(vfs.syncAll()),
    pipe: (_r, c) => vfs.pipe(c.badge),
    share: (r, c) => vfs.share(c.badge, r.fid),
    redeem: (r, c) => vfs.redeem(c.badge, r.token),
    grant: (r, c) => vfs.directGrant(c.badge, r.fid),
    ready: (r, c) => vfs.ready(c.badge, r.fid),
    map: (r, c) => {
      const f = vfs.fid(c.badge, r.fid);
      if (typeof f === 'number') return f;
      if (!f.read) return Errno.BADF;
      if (f.pipe || f.place.type !== FileType.REGULAR_FILE) return Errno.INVAL;
      const m = onFs(vfs.fsOf(f.place).call('map', { node: f.place.node }));
      if (typeof m !== 'number') vfs.mapped(f.place, m.entry, m.generation);
      return m;
    },
  }, ERRNO_PROTOCOL_ERRORS, {}, {
    // The hot path: no decode; register 1 (fid) becomes the node and the call moves on.
    read: (c, server) => {
      const fid = c.regs[VR.request.regs.fid!]!;
      const f = vfs.fid(c.badge, fid);
      if (typeof f !== 'number' && f.pipe) {
        if (!f.read) { c.regs[0] = Errno.BADF; return; }
        const length = c.regs[VR.request.regs.length!]!;
        if (!Number.isInteger(length) || length < 0) { c.regs[0] = Errno.INVAL; return; }
        const max = Math.min(length, c.bulk.length);
        const n = f.pipe.readInto(c.bulk, max);
        if (n >= 0) { replyRead(c.regs, n); return; }
        const deferred = (c.regs[VR.request.regs.flags!]! & IO_NONBLOCK) === 0 ? server.defer(c) : null;
        if (!deferred) { c.regs[0] = Errno.AGAIN; return; }
        f.pipe.waitToRead(deferred, max);
        return DEFER;
      }
      const h = vfs.prepareForward(c.badge, fid, c.regs, false);
      if (h < 0) { c.regs[0] = -h; return; }
      if (!server.forward(c, h, L.read.label)) { c.regs[0] = Errno.STALE; return; }
      return FORWARDED;
    },
    write: (c, server) => {
      const fid = c.regs[VW.request.regs.fid!]!;
      const f = vfs.fid(c.badge, fid);
      if (typeof f !== 'number' && f.pipe) {
        if (!f.write) { c.regs[0] = Errno.BADF; return; }
        const [offReg, lenReg] = VW.request.bulk.data!;
        const off = c.regs[offReg]!, len = c.regs[lenReg]!;
        if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > c.bulk.length) { c.regs[0] = Errno.INVAL; return; }
        const n = f.pipe.write(c.bulk.subarray(off, off + len));
        if (n < 0) { c.regs[0] = -n; return; }
        if (n > 0 || len === 0) {
          c.regs[VW.reply.regs.written!] = n;
          c.regs[VW.reply.regs.end!] = 0;
          c.regs[0] = 0;
          return;
        }
        const deferred = (c.regs[VW.request.regs.append!]! & IO_NONBLOCK) === 0 ? server.defer(c) : null;
        if (!deferred) { c.regs[0] = Errno.AGAIN; return; }
        f.pipe.waitToWrite(deferred, off, len);
        return DEFER;
      }
      const h = vfs.prepareForward(c.badge, fid, c.regs, true);
      if (h < 0) { c.regs[0] = -h; return; }
      if (!server.forward(c, h, L.write.label)) { c.regs[0] = Errno.STALE; return; }
      return FORWARDED;
    },
  });
}

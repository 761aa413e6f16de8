/**
 * The local kernel's VFS client: a protocol client that, when a call finds the process's VFS
 * session lost (session-recovery.ts), re-establishes the session and retries the call if doing it
 * again cannot change its effect — or answers EIO for that call alone if the call was cut in the
 * middle and could have taken effect (an exclusive create, mkdir, unlink, rename, link, symlink,
 * an append, pipe and share calls). A call the server refused before it was delivered (the
 * service was not serving) had no effect, so it is always retried.
 *
 * The retried request names the re-opened fids: every fid field of the request is moved to the
 * fid its entry has in the new session (a pipe end keeps its fid). A fid that could not be re-made
 * (a file that is gone) answers EIO; a close of one succeeds (there is nothing left to close). A
 * close is sent again after recovery: the restarted VFS may still count a pipe end it names.
 */

import { type CallResult, type OpsOf, ProtocolClient, type Rep, type Req } from '../ipc/protocol-client.js';
import type { Caller } from '../ipc/caller.js';
import { IO_APPEND, OFLAG_EXCL, vfsProtocol } from '../abi/protocols/vfs.js';
import { Errno } from '../abi/errno.js';
import { Status } from '../abi/status.js';
import { RECOVERY_MS, type SessionRecovery } from './session-recovery.js';

type VfsP = typeof vfsProtocol;

/** Request fields that carry a fid of the caller's session (`close` carries 1 + fid). */
const FID_FIELDS = ['fid', 'dir', 'fromDir', 'toDir'] as const;

/** Calls whose repetition leaves the same state and answer as one call. */
const IDEMPOTENT = new Set(['openRoot', 'open', 'stat', 'statPath', 'readdir', 'truncate', 'setTimes', 'setTimesPath', 'readlink', 'sync', 'mounts', 'map', 'syncAll', 'ready', 'read', 'write', 'close', 'grant']);

/** May `op` with `req` be sent again after it was cut mid-call? */
export function repeatable(op: string, req: Readonly<Record<string, unknown>>): boolean {
  if (!IDEMPOTENT.has(op)) return false;
  if (op === 'open') return ((req.oflags as number) & OFLAG_EXCL) === 0;
  // A write at an offset lands on the same bytes again; an append would add them twice.
  if (op === 'write') return ((req.append as number) & IO_APPEND) === 0;
  return true;
}

const EIO = { transport: Status.OK, status: Errno.IO, reply: null };

export class RecoveringVfsClient extends ProtocolClient<VfsP> {
  constructor(caller: Caller, handle: number, private readonly recovery: () => SessionRecovery) {
    super(vfsProtocol, caller, handle);
  }

  override call<K extends keyof OpsOf<VfsP> & string>(op: K, req: Req<VfsP, K>): CallResult<Rep<VfsP, K>> {
    let request = req as Readonly<Record<string, unknown>>;
    if (FID_FIELDS.some((f) => typeof request[f] === 'number' && (request[f] as number) < 0)) return op === 'close' ? ok() : EIO;
    const recovery = this.recovery();
    const before = recovery.currentIncarnation();
    let r = super.call(op, req);
    for (let attempt = 0; recovery.lost(r.transport, r.status); attempt++) {
      const cut = r.transport === Status.PEER_CLOSED;
      if (attempt > 0) {
        // Tried again and still lost: the service behind is still coming back.
        if (attempt > 7 + RECOVERY_MS / 50) return EIO;
        recovery.pauseMs(Math.min(2 ** (attempt - 1), 50));
      }
      const moved = recovery.recover();
      if (!moved) return op === 'close' ? ok() : EIO;
      if (cut && !repeatable(op, request)) {
        recovery.stats.failed++;
        return EIO;
      }
      const next = moveFids(request, moved);
      if (!next) return op === 'close' ? ok() : EIO;
      request = next;
      recovery.stats.retried++;
      r = super.call(op, request as Req<VfsP, K>);
      // A close is sent on: a pipe end keeps its fid, and the restarted VFS that took the pipe
      // over counts it open until it hears of it. Any other fid names nothing there now.
      if (op === 'close' && r.transport === Status.OK && r.status === Errno.BADF) return ok();
    }
    if (r.transport !== Status.OK) return r;
    if (r.status === 0) this.succeeded(op, request);
    recovery.noteIncarnation(before);
    return r;
  }

  /** What a successful call tells recovery: a synced or closed file's writes need no replay. */
  private succeeded(op: string, req: Readonly<Record<string, unknown>>): void {
    if (op === 'sync' || op === 'close') this.recovery().synced(req.fid as number);
    else if (op === 'open' && (req.close as number) > 0) this.recovery().synced((req.close as number) - 1);
  }
}

function ok<R>(): CallResult<R> {
  return { transport: Status.OK, status: 0, reply: {} as R };
}

/** `req` with its fids moved to the new session's; null if one could not be re-made. */
function moveFids(req: Readonly<Record<string, unknown>>, moved: ReadonlyMap<number, number>): Record<string, unknown> | null {
  const out: Record<string, unknown> = { ...req };
  for (const f of FID_FIELDS) {
    const old = req[f];
    if (typeof old !== 'number' || !moved.has(old)) continue;
    const fid = moved.get(old)!;
    if (fid < 0) return null;
    out[f] = fid;
  }
  // A close the open carried: the old session's fid went with it.
  if (typeof req.close === 'number' && req.close > 0) out.close = 0;
  return out;
}

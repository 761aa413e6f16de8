/**
 * The kernel's own service: kernel calls arriving over IPC, decoded by kernelProtocol and handed
 * to the Kernel. This is thin syscall glue (Zircon's sys_* layer): no semantics live here.
 * Calls that block (wait, channelRead with wait) are deferred and finished from the kernel's
 * callbacks; `exit` is never answered (its thread is stopped), nor is `retire` (its slot is retired).
 */

import { DEFER } from '../ipc/call-context.js';
import { STATUS_ERRORS, finishDeferred, serveProtocol } from '../ipc/protocol-client.js';
import type { Service } from '../ipc/call-context.js';
import { kernelProtocol } from '../abi/protocols/kernel.js';
import { exitStatusFromWire, exitStatusToWire } from '../abi/exit-status.js';
import type { Kernel } from './kernel.js';
import { Status } from '../abi/status.js';

export function kernelService(kernel: Kernel): Service {
  const L = kernelProtocol.layouts;
  return serveProtocol(kernelProtocol, 'kernel', {
    close: (req, call) => kernel.close(call.sender, req.handle) || {},
    duplicate: (req, call) => {
      const r = kernel.duplicate(call.sender, req.handle, req.rights, req.badge);
      return r.status === Status.OK ? { handle: r.value } : r.status;
    },
    revoke: (req, call) => kernel.revoke(call.sender, req.handle) || {},
    info: (req, call) => {
      const r = kernel.info(call.sender, req.handle);
      return r.status === Status.OK ? { ...r.value } : r.status;
    },
    channelCreate: (_req, call) => {
      const r = kernel.channelCreate(call.sender);
      return r.status === Status.OK ? { end0: r.value[0], end1: r.value[1] } : r.status;
    },
    channelWrite: (req, call) => kernel.channelWrite(call.sender, req.handle, req.data, req.handles) || {},
    channelRead: (req, call, server) => {
      const r = kernel.channelRead(call.sender, req.handle);
      if (r.status === Status.OK) return { data: r.value.bytes, handles: r.value.handles };
      if (r.status !== Status.SHOULD_WAIT || !req.wait) return r.status;
      const deferred = server.defer(call);
      if (!deferred) return Status.NOT_SUPPORTED;
      const sender = call.sender;
      const retry = (): void => {
        if (!deferred.pending) return;
        const again = kernel.channelRead(sender, req.handle);
        if (again.status === Status.SHOULD_WAIT) {
          if (kernel.onReadable(sender, req.handle, retry) !== Status.OK) finishDeferred(L.channelRead.reply, deferred, Status.BAD_HANDLE, STATUS_ERRORS);
          return;
        }
        finishDeferred(L.channelRead.reply, deferred, again.status === Status.OK ? { data: again.value.bytes, handles: again.value.handles } : again.status, STATUS_ERRORS);
      };
      kernel.onReadable(sender, req.handle, retry);
      return DEFER;
    },
    channelServe: (req, call) => {
      const s = kernel.channelServe(call.sender, req.handle, req.port);
      return s === Status.OK ? { queue: kernel.process(call.sender)!.queue } : s;
    },
    notificationCreate: (_req, call) => {
      const r = kernel.notificationCreate(call.sender);
      return r.status === Status.OK ? { handle: r.value } : r.status;
    },
    notificationSignal: (req, call) => kernel.notificationSignal(call.sender, req.handle, req.bits) || {},
    memoryCreate: (req, call) => {
      const r = kernel.memoryCreate(call.sender, req.size);
      return r.status === Status.OK ? { handle: r.value } : r.status;
    },
    memoryMap: (req, call) => {
      const r = kernel.memoryMap(call.sender, req.handle);
      return r.status === Status.OK ? { ...r.value } : r.status;
    },
    spawn: (req, call) => {
      let boot: unknown;
      try {
        boot = JSON.parse(req.boot);
      } catch {
        return Status.INVALID_ARGS;
      }
      const limits = { ...(req.memoryBytes > 0 ? { memoryBytes: req.memoryBytes } : {}), ...(req.openFiles > 0 ? { openFiles: req.openFiles } : {}) };
      const r = kernel.spawn(call.sender, { name: req.name, handles: req.handles, boot, lineage: req.lineage, limits, group: req.group, tag: req.tag });
      return r.status === Status.OK ? { handle: r.value.handle, pid: r.value.pid } : r.status;
    },
    kill: (req, call) => kernel.kill(call.sender, req.handle, req.signal) || {},
    wait: (req, call, server) => {
      const deferred = server.defer(call);
      if (!deferred) return Status.NOT_SUPPORTED;
      const s = kernel.waitProcess(call.sender, req.handle, (status) => finishDeferred(L.wait.reply, deferred, exitStatusToWire(status), STATUS_ERRORS));
      if (s !== Status.OK) {
        finishDeferred(L.wait.reply, deferred, s, STATUS_ERRORS);
      }
      return DEFER;
    },
    exit: (req, call) => {
      kernel.exitProcess(call.sender, exitStatusFromWire(req.kind, req.code, req.message));
      return DEFER; // never answered: the thread is being stopped
    },
    retire: (req, call) => {
      // The exit retires the caller's slot: its call ends DEAD (PEER_CLOSED), waking it.
      kernel.exitProcess(call.sender, exitStatusFromWire(req.kind, req.code, req.message), true);
      return DEFER;
    },
    raise: (req, call) => kernel.raise(call.sender, req.signal) || {},
    self: (_req, call) => {
      const p = kernel.process(call.sender);
      return p ? { pid: p.pid, parent: p.parentPid } : Status.BAD_STATE;
    },
    takeEvents: (_req, call) => ({ events: JSON.stringify(kernel.takeEvents(call.sender)) }),
    sessions: (req, call) => {
      const r = kernel.liveBadges(call.sender, req.port);
      return r.status === Status.OK ? { badges: JSON.stringify(r.value) } : r.status;
    },
    adopt: (_req, call) => {
      const r = kernel.adopt(call.sender);
      return r.status === Status.OK ? { processes: JSON.stringify(r.value) } : r.status;
    },
    messages: (req) => {
      const r = kernel.readMessages(req.from);
      return { lines: JSON.stringify(r.lines), next: r.next };
    },
    processes: () => {
      const generation = kernel.tableToken();
      return { table: JSON.stringify(kernel.processTable()), granted: generation === null ? 0 : 1, generation: generation ?? 0 };
    },
  }, STATUS_ERRORS);
}

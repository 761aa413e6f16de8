/**
 * Hosting services on a server thread: build each from its kind (kinds.ts), and route kernel
 * events (a client process exited) to the services that track sessions. The same code hosts a
 * service in its own worker (`isolated`, thread/services-thread.ts), several in one worker
 * (`coalesced:<group>`), or in the kernel thread (`kernel`, system/system.ts).
 */

import type { ServerThread } from '../ipc/server-thread.js';
import type { Caller } from '../ipc/caller.js';
import type { KernelEvent } from '../abi/protocols/kernel.js';
import { type BuiltService, SERVICE_KINDS } from './kinds.js';
import type { ServiceKind } from './contract/kind.js';
import { isKindName } from './declarations.js';
import type { ServiceEntry } from '../abi/boot-spec.js';
import type { ThreadPlatform } from '../host/thread-platform.js';

/**
 * Build the services of `entries` for a thread; `handles` are the thread's initial handles.
 * `asyncCaller` (kernel thread only): a second call slot for calls that must not block the thread.
 */
export function buildServices(entries: readonly ServiceEntry[], handles: readonly number[], caller: Caller, platform: ThreadPlatform, asyncCaller: Caller | null = null, incarnation = 0): BuiltService[] {
  return entries.map((entry) => {
    if (!isKindName(entry.kind)) throw new Error(`${entry.name}: unknown kind of service ${entry.kind}`);
    // The one place a configuration comes off the wire: the kernel thread made it for this kind.
    const kind = SERVICE_KINDS[entry.kind] as ServiceKind<unknown>;
    const uses: Record<string, number> = {};
    for (const [name, index] of Object.entries(entry.uses)) uses[name] = handles[index] ?? 0;
    return kind.create({ caller, asyncCaller, platform, config: { ...entry.config, name: entry.name, port: entry.port }, uses, callers: entry.callers, incarnation });
  });
}

/** Deliver kernel events to the services that care. */
export function dispatchEvents(events: readonly KernelEvent[], built: readonly BuiltService[], server: ServerThread): void {
  for (const ev of events) {
    if (ev.kind === 'process-exited') for (const b of built) b.processExited?.(ev.pid, ev.status);
    else if (ev.kind === 'process-stopped') for (const b of built) b.processStopped?.(ev.pid, ev.stopped, ev.signal);
    else if (ev.kind === 'peer-closed') server.notifyPeerClosed(ev.endpoint, ev.port);
    else if (ev.kind === 'badge-closed') for (const b of built) b.sessionClosed?.(ev.port, ev.badge);
  }
}

export type { ThreadPlatform };

/**
 * Running services on a server thread: build each from the registry, serve its channel end on
 * its port, and route kernel events (a client process exited) to the services that track
 * sessions. The same code hosts a service in its own worker (`isolated`), several in one worker
 * (`coalesced:<group>`), or in the kernel thread (`kernel`).
 */

import type { ServerThread } from '../ipc/server-thread.js';
import type { Caller } from '../ipc/caller.js';
import type { KernelEvent } from '../kernel/kernel.js';
import { type BuiltService, serviceFactories } from '../services/registry.js';
import type { ServiceEntry, ServicesBoot } from './boot-spec.js';
import type { ThreadPlatform } from './thread-platform.js';
import type { ThreadRuntime } from './thread-runtime.js';

/**
 * Build the services of `entries` for a thread; `handles` are the thread's initial handles.
 * `asyncCaller` (kernel thread only): a second call slot for calls that must not block the thread.
 */
export function buildServices(entries: readonly ServiceEntry[], handles: readonly number[], caller: Caller, platform: ThreadPlatform, asyncCaller: Caller | null = null): BuiltService[] {
  return entries.map((entry) => {
    const factory = serviceFactories[entry.name];
    if (!factory) throw new Error(`unknown service ${entry.name}`);
    const uses: Record<string, number> = {};
    for (const [name, index] of Object.entries(entry.uses)) uses[name] = handles[index] ?? 0;
    return factory({ caller, asyncCaller, platform, config: { ...entry.config, port: entry.port }, uses, callers: entry.callers });
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

/** A services thread (worker): serve every entry, then run until the thread is stopped. */
export async function runServicesThread(rt: ThreadRuntime, boot: ServicesBoot): Promise<void> {
  const built = buildServices(boot.services, rt.handles, rt.caller, rt.platform);
  for (const [i, b] of built.entries()) {
    const why = b.ready ? await b.ready : null;
    if (why) throw new Error(`${boot.services[i]!.name}: ${why}`);
  }
  let server: ServerThread | null = null;
  boot.services.forEach((entry, i) => {
    const s = rt.serve(rt.handles[entry.serverEnd] ?? 0, entry.port);
    if (typeof s === 'number') throw new Error(`${entry.name}: cannot serve port ${entry.port} (status ${s})`);
    s.register(entry.port, built[i]!.service);
    server = s;
  });
  if (!server) return;
  const srv: ServerThread = server;
  srv.onEvents = () => {
    const r = rt.kernel.call('takeEvents', {});
    if (r.reply) dispatchEvents(JSON.parse(r.reply.events) as KernelEvent[], built, srv);
  };
  if (built.some((b) => b.idle)) srv.onIdle = () => { for (const b of built) b.idle?.(); };
  if (built.some((b) => b.evented)) await srv.runEvented();
  else srv.runBlocking();
}

export type { ThreadPlatform };

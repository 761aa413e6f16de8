/**
 * A services thread (a worker placed `isolated` or `coalesced:<group>`): build its services,
 * wait until each is ready, serve every channel end on its port, then run until the thread is
 * stopped — blocking in Atomics.wait, or on an event loop when a service defers replies to host
 * I/O. Kernel events (a client exited, a session closed) reach the services as they arrive.
 */

import type { ServerThread } from '../ipc/server-thread.js';
import type { KernelEvent } from '../abi/protocols/kernel.js';
import type { ServicesBoot } from '../abi/boot-spec.js';
import { buildServices, dispatchEvents } from '../services/service-host.js';
import type { ThreadRuntime } from './thread-runtime.js';

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
  rt.platform.warmedUp?.();
  const srv: ServerThread = server;
  srv.onEvents = () => {
    const r = rt.kernel.call('takeEvents', {});
    if (r.reply) dispatchEvents(JSON.parse(r.reply.events) as KernelEvent[], built, srv);
  };
  if (built.some((b) => b.idle)) srv.onIdle = () => { for (const b of built) b.idle?.(); };
  if (built.some((b) => b.evented)) await srv.runEvented();
  else srv.runBlocking();
}

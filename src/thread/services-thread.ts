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
  const built = buildServices(boot.services, rt.handles, rt.caller, rt.platform, null, boot.incarnation ?? 0);
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
  const warm = whenWarm(srv, () => rt.platform.warmedUp?.());
  srv.onIdle = built.some((b) => b.idle) ? () => { warm(); for (const b of built) b.idle?.(); } : warm;
  if (built.some((b) => b.evented)) await srv.runEvented();
  else srv.runBlocking();
}

/**
 * Calls a services thread serves before it counts as warmed up: its first idle moment after these
 * (booting a session and its shell's first command take about that many) is when what it
 * compiled to serve them is worth keeping for the next start (ThreadPlatform.warmedUp). Once only.
 */
const WARM_CALLS = 12;

/** An idle hook for `srv` that calls `warmedUp` at the first idle moment after WARM_CALLS calls. */
function whenWarm(srv: ServerThread, warmedUp: () => void): () => void {
  let done = false;
  return () => {
    if (done || srv.stats.calls < WARM_CALLS) return;
    done = true;
    warmedUp();
  };
}

/**
 * Test fixture: a booted Keel system (no services) plus helpers to start the echo server and
 * clients as real worker processes connected by a real channel.
 */

import { System } from '../../src/system/system.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { KERNEL_PID } from '../../src/kernel/kernel.js';
import { Right, type Rights } from '../../src/abi/rights.js';
import type { ExitStatus } from '../../src/abi/exit-status.js';
import type { Handle } from '../../src/abi/handle.js';

const here = new URL('.', import.meta.url);
export const serverUrl = new URL('echo-server.js', here).href;
export const clientUrl = new URL('echo-client.js', here).href;

export class IpcFixture {
  private constructor(readonly system: System, readonly clientEnd: Handle) {}

  static async start(): Promise<IpcFixture> {
    const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, false), { services: [] });
    const k = system.kernel;
    const r = k.channelCreate(KERNEL_PID);
    if (r.status !== 0) throw new Error('channel');
    const [client, server] = r.value;
    const s = k.spawn(KERNEL_PID, { name: 'echo-server', handles: [server], boot: { kind: 'script', url: serverUrl, args: [] } });
    if (s.status !== 0) throw new Error('spawn server');
    const f = new IpcFixture(system, client);
    f.serverHandle = s.value.handle;
    f.serverPid = s.value.pid;
    await f.waitServed();
    return f;
  }

  serverHandle = 0 as Handle;
  serverPid = 0;

  /** Resolve once the server end is being served (bounded: rejects after `ms`). */
  private waitServed(ms = 10_000): Promise<void> {
    const k = this.system.kernel;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('echo server did not start')), ms);
      k.onServed = () => {
        clearTimeout(timer);
        k.onServed = null;
        resolve();
      };
    });
  }

  /** Start a client with its own badged handle to the echo server. */
  client(data: Record<string, unknown>, badge = 1): { pid: number; done: Promise<ExitStatus> } {
    const k = this.system.kernel;
    const d = k.duplicate(KERNEL_PID, this.clientEnd, (Right.READ | Right.WRITE | Right.TRANSFER) as Rights, badge);
    if (d.status !== 0) throw new Error('duplicate');
    const s = k.spawn(KERNEL_PID, { name: 'echo-client', handles: [d.value], boot: { kind: 'script', url: clientUrl, args: [], data } });
    if (s.status !== 0) throw new Error('spawn client');
    return { pid: s.value.pid, done: this.system.wait(s.value.handle) };
  }

  serverExit(): Promise<ExitStatus> {
    return this.system.wait(this.serverHandle);
  }

  async stop(): Promise<void> {
    await this.system.shutdown();
  }
}
